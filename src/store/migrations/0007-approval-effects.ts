/**
 * Migration 0007: `connection.approval_effects`, the effect kinds (domain/effects/effect.ts:
 * create, write, delete, archive, state, send, call) that need approval whatever tool carries them,
 * as a JSON array of text like `approval_tools`. Existing connections get `[]`: nothing more is gated
 * than before the upgrade, and their tool list keeps gating as it did; an administrator adds effects
 * (console, or `connection update --approval-effects`). A constant default adds the column without
 * rewriting the table on PostgreSQL (11+); SQLite's ADD COLUMN needs one for NOT NULL. Which values
 * are valid is checked where rows are written and read (store/connections.ts), not by a constraint:
 * SQLite cannot add one to an existing table.
 */
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('connection')
    .addColumn('approval_effects', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('connection').dropColumn('approval_effects').execute()
}
