/**
 * Migration 0003: a partial index on the arguments' SHA-256 of pending requests, so filing can find
 * an identical request still waiting (approval-requests.ts `findPendingTwin`) by reading only the
 * pending rows with the same fingerprint, however long the history. Not unique: two identical
 * requests filed at the same moment on two replicas are harmless (either can be decided; the other
 * expires), and a unique index could not be added to a database that already holds such a pair.
 */
import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('approval_request_pending_twin_idx')
    .on('approval_request')
    .column('arguments_sha256')
    .where(sql.ref('status'), '=', sql.lit('pending'))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('approval_request_pending_twin_idx').execute()
}
