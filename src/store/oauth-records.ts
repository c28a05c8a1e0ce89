/**
 * Queries on `oauth_record` (migration 0012), the authorization server's objects. Stores what it is
 * given under the id it is given: which ids are hashed is the adapter's business (src/oauth/adapter.ts).
 * One statement each, so concurrent replicas never see half a change.
 */
import type { Kysely } from 'kysely'
import type { Database } from './tables.js'
import { iso, parseJson } from './values.js'

export interface OauthRecord {
  payload: Record<string, unknown>
  expires_at: Date | null
  consumed_at: Date | null
}

export interface OauthRecordWrite {
  model: string
  id: string
  payload: Record<string, unknown>
  grant_id: string | null
  uid: string | null
  user_code: string | null
  expires_at: Date | null
}

export async function upsertOauthRecord(db: Kysely<Database>, record: OauthRecordWrite): Promise<void> {
  const values = {
    payload: JSON.stringify(record.payload),
    grant_id: record.grant_id,
    uid: record.uid,
    user_code: record.user_code,
    expires_at: record.expires_at && iso(record.expires_at),
  }
  await db
    .insertInto('oauth_record')
    .values({ model: record.model, id: record.id, consumed_at: null, ...values })
    .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(values))
    .execute()
}

type Key = 'id' | 'uid' | 'user_code'

export async function findOauthRecord(
  db: Kysely<Database>,
  model: string,
  by: Key,
  value: string,
): Promise<OauthRecord | undefined> {
  const row = await db
    .selectFrom('oauth_record')
    .select(['payload', 'expires_at', 'consumed_at'])
    .where('model', '=', model)
    .where(by, '=', value)
    .executeTakeFirst()
  if (!row) return undefined
  return {
    payload: parseJson(row.payload, 'oauth_record.payload') as Record<string, unknown>,
    expires_at: row.expires_at === null ? null : new Date(row.expires_at),
    consumed_at: row.consumed_at === null ? null : new Date(row.consumed_at),
  }
}

export async function consumeOauthRecord(
  db: Kysely<Database>,
  model: string,
  id: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('oauth_record')
    .set({ consumed_at: iso(now) })
    .where('model', '=', model)
    .where('id', '=', id)
    .execute()
}

export async function deleteOauthRecord(db: Kysely<Database>, model: string, id: string): Promise<void> {
  await db.deleteFrom('oauth_record').where('model', '=', model).where('id', '=', id).execute()
}

/** Deletes the objects of one model issued under a grant (oidc-provider's revokeByGrantId). */
export async function deleteOauthRecordsOfGrant(
  db: Kysely<Database>,
  model: string,
  grant_id: string,
): Promise<void> {
  await db.deleteFrom('oauth_record').where('model', '=', model).where('grant_id', '=', grant_id).execute()
}

/** Deletes a grant and every code and token issued under it, whatever their model. */
export async function deleteOauthGrant(db: Kysely<Database>, grant_id: string): Promise<void> {
  await db
    .deleteFrom('oauth_record')
    .where((eb) =>
      eb.or([eb('grant_id', '=', grant_id), eb.and([eb('model', '=', 'Grant'), eb('id', '=', grant_id)])]),
    )
    .execute()
}

/** Deletes the objects that expired before `before`; returns how many. */
export async function deleteExpiredOauthRecords(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('oauth_record')
    .where('expires_at', 'is not', null)
    .where('expires_at', '<', iso(before))
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** One stored value outside oidc-provider's models (the signing key): inserted once, then read by all. */
export async function insertOauthRecordOnce(
  db: Kysely<Database>,
  model: string,
  id: string,
  payload: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  await db
    .insertInto('oauth_record')
    .values({
      model,
      id,
      payload: JSON.stringify(payload),
      grant_id: null,
      uid: null,
      user_code: null,
      expires_at: null,
      consumed_at: null,
    })
    .onConflict((oc) => oc.columns(['model', 'id']).doNothing())
    .execute()
  const stored = await findOauthRecord(db, model, 'id', id)
  if (!stored) throw new Error(`oauth_record ${model}/${id} vanished after insert`)
  return stored.payload
}
