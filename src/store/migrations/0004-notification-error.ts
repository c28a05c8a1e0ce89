/**
 * Migration 0004: `approval_request.notification_error`, why the approvers got no Odoo activity for
 * a request (Odoo refused it, no service user is configured, nobody to notify), or null when they
 * got one. Until now such a failure only reached the log, and the request waited unseen until it
 * expired. Nullable without a default, so adding it rewrites no existing row on either engine; rows
 * filed before it stay null, since nobody knows any more whether their activity was created.
 */
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('approval_request').addColumn('notification_error', 'text').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('approval_request').dropColumn('notification_error').execute()
}
