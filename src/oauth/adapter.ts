/**
 * oidc-provider's storage Adapter over `oauth_record` (store/oauth-records.ts), one instance per
 * model. Nothing is kept in memory, so every replica sees every interaction, session, grant, client,
 * code and token. Codes and tokens are opaque values that are their own id: those rows are keyed by
 * the value's SHA-256 (store/tokens.ts hashToken), so the database never holds a usable credential.
 * A URL-shaped client id on a loopback host is fetched as a Client ID Metadata Document when the
 * development setting allows it (client-metadata.ts); https ones are left to oidc-provider.
 */
import type { Kysely } from 'kysely'
import type { Adapter, AdapterPayload } from 'oidc-provider'
import type { Logger } from '../logger.js'
import {
  consumeOauthRecord,
  deleteExpiredOauthRecords,
  deleteOauthRecord,
  deleteOauthRecordsOfGrant,
  findOauthRecord,
  upsertOauthRecord,
} from '../store/oauth-records.js'
import type { Database } from '../store/tables.js'
import { hashToken } from '../store/tokens.js'
import { fetchDevClientMetadata, isDevClientIdUrl } from './client-metadata.js'

/** The models whose id is the credential itself. */
const HASHED_MODELS = new Set(['AccessToken', 'RefreshToken', 'AuthorizationCode', 'RegistrationAccessToken'])

export interface AdapterDeps {
  db: Kysely<Database>
  clock: () => Date
  logger: Logger
  /** COUNTERSIGN_OAUTH_DEV_HTTP_CLIENT_IDS. */
  dev_http_client_ids: boolean
}

export function createAdapterFactory(deps: AdapterDeps): (model: string) => Adapter {
  return (model) => {
    const hashed = HASHED_MODELS.has(model)
    const key = (id: string) => (hashed ? hashToken(id) : id)
    /** A stored payload as the provider expects it: consumed when consumed, and with its `jti` again. */
    const read = async (by: 'id' | 'uid' | 'user_code', value: string, id?: string) => {
      const record = await findOauthRecord(deps.db, model, by, value)
      if (!record) return undefined
      const payload = { ...record.payload } as AdapterPayload
      if (hashed && id !== undefined) payload.jti = id
      if (record.consumed_at) payload.consumed = Math.floor(record.consumed_at.getTime() / 1000)
      return payload
    }
    return {
      async upsert(id, payload, expiresIn) {
        // The `jti` of a code or token is its value: stored only as the row's hashed id.
        const { jti: _value, ...rest } = payload
        await upsertOauthRecord(deps.db, {
          model,
          id: key(id),
          payload: (hashed ? rest : payload) as Record<string, unknown>,
          grant_id: payload.grantId ?? null,
          uid: payload.uid ?? null,
          user_code: payload.userCode ?? null,
          expires_at: expiresIn ? new Date(deps.clock().getTime() + expiresIn * 1000) : null,
        })
      },
      async find(id) {
        const found = await read('id', key(id), id)
        if (found || model !== 'Client' || !deps.dev_http_client_ids || !isDevClientIdUrl(id)) return found
        try {
          return (await fetchDevClientMetadata(id)) as AdapterPayload
        } catch (error) {
          deps.logger.info(
            { client_id: id, reason: (error as Error).message },
            'client metadata document refused',
          )
          return undefined
        }
      },
      findByUid: (uid) => read('uid', uid),
      findByUserCode: (userCode) => read('user_code', userCode),
      async consume(id) {
        await consumeOauthRecord(deps.db, model, key(id), deps.clock())
      },
      async destroy(id) {
        await deleteOauthRecord(deps.db, model, key(id))
      },
      async revokeByGrantId(grantId) {
        await deleteOauthRecordsOfGrant(deps.db, model, grantId)
      },
    }
  }
}

/**
 * How long an expired object stays before the sweep deletes it: long enough for /mcp to tell an
 * expired token from an unknown one (oauth/bearer.ts) for a day.
 */
const KEEP_EXPIRED_MS = 24 * 60 * 60 * 1000

/** Deletes objects that expired more than a day ago (the server's expiry job, `countersign expire`). */
export function sweepExpiredOAuth(db: Kysely<Database>, now: Date): Promise<number> {
  return deleteExpiredOauthRecords(db, new Date(now.getTime() - KEEP_EXPIRED_MS))
}
