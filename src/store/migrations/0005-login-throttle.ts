/**
 * Migration 0005: `login_throttle`, the counts of wrong passwords that limit password guessing
 * (web/login-limit.ts), kept in the database so that every replica sharing it counts together.
 * One row per counted thing — a login from one client, a client, a login — named by the SHA-256
 * of what it counts, so the table lists no login and no address. A row holds the failures of one
 * fixed window (`window_start`), and for a login from one client also when that client last got the
 * password right (`last_success_at`). Rows are short-lived: the limiter deletes those it no longer
 * needs, which the index on `window_start` keeps cheap.
 */
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('login_throttle')
    .addColumn('key', 'text', (c) => c.notNull().primaryKey())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('last_success_at', 'text')
    .execute()
  await db.schema
    .createIndex('login_throttle_window_idx')
    .on('login_throttle')
    .column('window_start')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('login_throttle').execute()
}
