/**
 * Migration 0013: more of the Odoo API key Countersign made for a connection. `odoo_key_id`, its
 * `res.users.apikeys` id, so that the owner can have exactly that key deleted from Odoo when they
 * revoke the connection (its name alone could match other keys of theirs); `odoo_key_expires_at`,
 * when Odoo stops accepting it (Odoo 18+ gives a plain user's key at most 90 days), to show the
 * owner before their AI client is refused. Both null: the key was given, made before this
 * migration, or never expires. Nullable, so PostgreSQL adds them without rewriting the table.
 */
import type { Kysely } from 'kysely'

const COLUMNS = [
  ['odoo_key_id', 'integer'],
  ['odoo_key_expires_at', 'text'],
] as const

export async function up(db: Kysely<unknown>): Promise<void> {
  // One ALTER per column: SQLite adds one column per statement.
  for (const [name, type] of COLUMNS) await db.schema.alterTable('connection').addColumn(name, type).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of COLUMNS) await db.schema.alterTable('connection').dropColumn(name).execute()
}
