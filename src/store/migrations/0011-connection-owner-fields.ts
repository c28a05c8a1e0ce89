/**
 * Migration 0011: what a connection made by its own user records (issue 13): `ai_client`, the AI
 * client it is for as the person named it ("Claude Desktop", "Cursor", free text); who created it
 * (`created_by_uid`, `created_by_login`; both null: the operator at the command line, or a
 * connection from before this migration); and `odoo_key_name`, the name of the Odoo API key
 * Countersign made for it in Odoo with the person's password (null: the key or password was given
 * to Countersign, as the CLI and the administrators' form do). All nullable, so existing rows need
 * no value and PostgreSQL adds the columns without rewriting the table.
 */
import type { Kysely } from 'kysely'

const COLUMNS = [
  ['ai_client', 'text'],
  ['created_by_uid', 'integer'],
  ['created_by_login', 'text'],
  ['odoo_key_name', 'text'],
] as const

export async function up(db: Kysely<unknown>): Promise<void> {
  // One ALTER per column: SQLite adds one column per statement.
  for (const [name, type] of COLUMNS) await db.schema.alterTable('connection').addColumn(name, type).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of COLUMNS) await db.schema.alterTable('connection').dropColumn(name).execute()
}
