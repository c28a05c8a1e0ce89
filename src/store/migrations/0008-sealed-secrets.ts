/**
 * Migration 0008: `approval_request.sealed_secrets`, the values a request's arguments hide
 * (domain/secrets.ts: passwords, tokens, keys), encrypted with COUNTERSIGN_SECRET and bound to the
 * request's `arguments_sha256` (store/secret-box.ts), kept only so the approved call can run with
 * them. `arguments` holds the call with those values replaced by a placeholder. Null when the call
 * hid nothing, and for every request filed before it. Nullable without a default, so adding it
 * rewrites no existing row on either engine. (0007 is another branch's.)
 */
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('approval_request').addColumn('sealed_secrets', 'text').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('approval_request').dropColumn('sealed_secrets').execute()
}
