/**
 * Migration 0002: a partial index on approved requests whose execution nobody has claimed yet, the
 * rows the recovery sweep resumes (approvals/execute.ts `recoverStale`). Without it both engines
 * read every approved request to find them: 300 ms at 1,000,000 requests, on every sweep (about once a
 * minute), blocking an SQLite server's event loop meanwhile (docs/performance.md). Such rows exist
 * only between a decision and its claim, so the index stays tiny. Queries must spell the predicate
 * with literals for SQLite to use it, as for 0001's partial indexes.
 */
import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('approval_request_unclaimed_idx')
    .on('approval_request')
    .column('decided_at')
    .where(sql.ref('status'), '=', sql.lit('approved'))
    .where(sql.ref('execution_status'), '=', sql.lit('pending'))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('approval_request_unclaimed_idx').execute()
}
