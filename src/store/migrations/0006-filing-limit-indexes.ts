/**
 * Migration 0005: two indexes for the filing limits (approvals/file-request.ts), so that checking
 * them before each filing reads only the rows they count, however long the history: the connection
 * (and expiry) of pending requests, for how many a connection has awaiting approval; and the
 * connection and filing time of every request, for how many it filed in the last minute (both
 * counted by approval-requests.ts `countFilingLoad`).
 */
import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('approval_request_pending_connection_idx')
    .on('approval_request')
    .columns(['connection_id', 'expires_at'])
    .where(sql.ref('status'), '=', sql.lit('pending'))
    .execute()
  await db.schema
    .createIndex('approval_request_connection_time_idx')
    .on('approval_request')
    .columns(['connection_id', 'requested_at'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('approval_request_connection_time_idx').execute()
  await db.schema.dropIndex('approval_request_pending_connection_idx').execute()
}
