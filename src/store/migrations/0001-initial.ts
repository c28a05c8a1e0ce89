/**
 * Migration 0001: the connection, approval_request and audit_log tables (row types in ../tables.ts).
 * One schema for both engines: times are ISO-8601 UTC text, booleans 0/1 integers, lists and JSON
 * text, keys integer identities. Frozen once released: a later change is a new numbered migration,
 * never an edit here. Typed `Kysely<unknown>` on purpose, so it cannot drift with tables.ts.
 * Does not seed any row.
 */
import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely'
import type { Engine } from '../engine.js'

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  // SQLite AUTOINCREMENT never reuses an id, so a request_id quoted to an AI always means one request.
  const identity = (c: ColumnDefinitionBuilder) =>
    engine === 'sqlite'
      ? c.notNull().primaryKey().autoIncrement()
      : c.notNull().primaryKey().generatedByDefaultAsIdentity()

  await db.schema
    .createTable('connection')
    .addColumn('connection_id', 'integer', identity)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('odoo_uid', 'integer', (c) => c.notNull())
    .addColumn('odoo_login', 'text', (c) => c.notNull())
    .addColumn('odoo_user_name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('token_prefix', 'text', (c) => c.notNull())
    .addColumn('odoo_secret_enc', 'text', (c) => c.notNull())
    .addColumn('write_access', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('allowed_tools', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('approval_tools', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('approver_uid', 'integer')
    .addColumn('approver_login', 'text')
    .addColumn('approver_name', 'text')
    .addColumn('approval_expiry_hours', 'double precision', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('last_used_at', 'text')
    .addColumn('request_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('connection_token_hash_key', ['token_hash'])
    .addCheckConstraint('connection_status_check', sql`status in ('active', 'revoked')`)
    .addCheckConstraint('connection_write_access_check', sql`write_access in (0, 1)`)
    .addCheckConstraint('connection_expiry_check', sql`approval_expiry_hours > 0`)
    .execute()

  await db.schema
    .createTable('approval_request')
    .addColumn('request_id', 'integer', identity)
    .addColumn('connection_id', 'integer', (c) => c.notNull().references('connection.connection_id'))
    .addColumn('tool', 'text', (c) => c.notNull())
    .addColumn('model', 'text')
    .addColumn('arguments', 'text', (c) => c.notNull())
    .addColumn('arguments_sha256', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('requester_uid', 'integer', (c) => c.notNull())
    .addColumn('requester_login', 'text', (c) => c.notNull())
    .addColumn('requester_name', 'text', (c) => c.notNull())
    .addColumn('approver_uid', 'integer')
    .addColumn('approver_login', 'text')
    .addColumn('approver_name', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('execution_status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('decided_by_uid', 'integer')
    .addColumn('decided_by_login', 'text')
    .addColumn('decided_by_name', 'text')
    .addColumn('approver_note', 'text')
    .addColumn('execution_started_at', 'text')
    .addColumn('execution_finished_at', 'text')
    .addColumn('result', 'text')
    .addColumn('result_truncated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('activity_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addCheckConstraint(
      'approval_request_status_check',
      sql`status in ('pending', 'approved', 'rejected', 'expired')`,
    )
    .addCheckConstraint(
      'approval_request_execution_status_check',
      sql`execution_status in ('pending', 'running', 'success', 'error')`,
    )
    // The at-most-once guarantee, also in the schema: nothing leaves execution 'pending' unless approved.
    .addCheckConstraint(
      'approval_request_executes_only_approved_check',
      sql`execution_status = 'pending' or status = 'approved'`,
    )
    .addCheckConstraint('approval_request_result_truncated_check', sql`result_truncated in (0, 1)`)
    .execute()

  // The expiry sweep and expire-on-read look only at pending rows: a partial index keeps their cost
  // proportional to the pending (due) rows, not to the whole history. Queries must spell the
  // predicate with the literal 'pending' (not a bound parameter) for SQLite to use it.
  await db.schema
    .createIndex('approval_request_pending_expiry_idx')
    .on('approval_request')
    .column('expires_at')
    .where(sql.ref('status'), '=', sql.lit('pending'))
    .execute()
  // Start-up recovery of calls left in flight by a crash: only 'running' rows.
  await db.schema
    .createIndex('approval_request_running_idx')
    .on('approval_request')
    .column('execution_started_at')
    .where(sql.ref('execution_status'), '=', sql.lit('running'))
    .execute()
  // The console list: by status (pre-filtered to pending), newest first, and per viewer.
  for (const [name, columns] of [
    ['approval_request_status_idx', ['status', 'request_id']],
    ['approval_request_requester_idx', ['requester_uid', 'request_id']],
    ['approval_request_approver_idx', ['approver_uid', 'request_id']],
    ['approval_request_connection_idx', ['connection_id', 'request_id']],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on('approval_request')
      .columns([...columns])
      .execute()
  }

  // No foreign keys here: an audit row must be writable for anything, even a refused decision on a
  // request id that does not exist, and must outlive what it describes.
  await db.schema
    .createTable('audit_log')
    .addColumn('audit_id', 'integer', identity)
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'integer')
    .addColumn('request_id', 'integer')
    .addColumn('actor_uid', 'integer')
    .addColumn('actor_login', 'text')
    .addColumn('tool', 'text')
    .addColumn('model', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'integer')
    .addColumn('error', 'text')
    .addColumn('detail', 'text')
    .addColumn('payload', 'text')
    .execute()
  for (const [name, column] of [
    ['audit_log_at_idx', 'at'],
    ['audit_log_request_idx', 'request_id'],
    ['audit_log_connection_idx', 'connection_id'],
  ] as const) {
    await db.schema.createIndex(name).on('audit_log').column(column).execute()
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_log').execute()
  await db.schema.dropTable('approval_request').execute()
  await db.schema.dropTable('connection').execute()
}
