/**
 * Migration 0009: `approval_request_preview`, the effect preview and drift fingerprint of each request
 * (issue 11; domain/effects/preview.ts), as JSON text written once at filing. A table of its own so
 * that lists of requests, which read whole rows, never carry the fingerprints (up to a row per record
 * a batch deletes). Requests filed before it have none: they show no preview and skip the drift guard.
 */
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('approval_request_preview')
    .addColumn('request_id', 'integer', (c) =>
      c.primaryKey().notNull().references('approval_request.request_id').onDelete('cascade'),
    )
    .addColumn('preview', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('approval_request_preview').execute()
}
