/**
 * Migration 0013: `odoo_key_id`, the `res.users.apikeys` id of the Odoo API key Countersign made for
 * a connection (null: the key was given, or made before this migration, or Odoo did not list it).
 * With it the owner can have exactly that key deleted from Odoo when they revoke the connection;
 * the key's name alone could match other keys of theirs. Nullable, so PostgreSQL adds it without
 * rewriting the table.
 */
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('connection').addColumn('odoo_key_id', 'integer').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('connection').dropColumn('odoo_key_id').execute()
}
