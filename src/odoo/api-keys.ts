/**
 * Makes an Odoo API key for a person, in Odoo, the way Odoo's own Preferences → Account Security →
 * New API Key does, so the key is theirs, listed under their user and removable by them:
 *
 *  1. log in as them with their password (`/web/session/authenticate`; web-login.ts), because
 *     `check_identity` needs a web session to remember the check in;
 *  2. create `res.users.apikeys.description` {name} (Odoo 18+: and `duration`, see below);
 *  3. call its `make_key`, which answers the identity check wizard's action
 *     (`res.users.identitycheck`, res_id);
 *  4. answer the check with the same password: Odoo 17 reads it from the wizard's stored `password`
 *     field, 19 from the context of `run_check` (its field is not stored). Both are sent, the field
 *     only when Odoo says it stores it;
 *  5. `run_check` calls `make_key` again and answers the action showing the key:
 *     `context.default_key`.
 *
 * Expiry (19; 17 has none): only system administrators may make keys that never expire; others get
 * at most the longest duration their groups allow (Internal User: 90 days). The key gets the
 * longest the person may have, read from the `duration` choices Odoo offers them.
 *
 * The password is used for these calls only and kept nowhere; the web session is logged out.
 */
import { OdooError } from './errors.js'
import { createHttpPoster } from './http-post.js'
import type { OdooClient } from './types.js'
import { openWebLogin } from './web-login.js'

export interface IssuedApiKey {
  uid: number
  login: string
  /** The key's name in Odoo (Preferences → Account Security lists it). */
  name: string
  key: string
  /**
   * Its `res.users.apikeys` id as the owner lists it (the newest of theirs with this name, read right
   * after making it), to remove exactly this key later; null when Odoo did not list it.
   */
  id: number | null
  /** When Odoo will stop accepting it (Odoo 18+ for non-administrators); null: never, or not listed. */
  expires_at: Date | null
}

const TIMEOUT_MS = 30_000

/** The name Countersign gives a key it makes: whose it is, and for which AI client. */
export function apiKeyName(client: string): string {
  return `Countersign — ${client}`.slice(0, 200)
}

interface Action {
  res_model?: unknown
  res_id?: unknown
  context?: { default_key?: unknown }
}

export async function issueApiKey(
  odoo: OdooClient,
  input: { login: string; password: string; key_name: string },
): Promise<IssuedApiKey> {
  const name = input.key_name.trim()
  if (!name) throw new OdooError('bad_request', 'give the API key a name')
  if (!input.password) throw new OdooError('authentication_failed', 'give the Odoo password')
  const http = createHttpPoster({ maxSockets: 2 })
  try {
    const web = await openWebLogin(
      { url: odoo.url, db: odoo.db, timeout_ms: TIMEOUT_MS, http },
      { login: input.login, secret: input.password },
    ).catch((error: unknown) => {
      if (error instanceof OdooError && error.kind === 'authentication_failed')
        throw new OdooError(
          'authentication_failed',
          error.message.includes('second factor')
            ? error.message
            : `Odoo refused the login '${input.login}' with that password: no API key was made`,
          { odoo_name: error.odoo_name, cause: error },
        )
      throw error
    })
    try {
      const vals: Record<string, unknown> = { name }
      const duration = await longestDuration(web)
      if (duration !== null) vals.duration = duration
      const created = await web.call<number | number[]>('res.users.apikeys.description', 'create', {
        kwargs: { vals_list: vals },
      })
      const id = Array.isArray(created) ? created[0] : created
      let action = await web.call<Action>('res.users.apikeys.description', 'make_key', {
        ids: [id as number],
      })
      if (action?.res_model === 'res.users.identitycheck' && typeof action.res_id === 'number') {
        action = await answerIdentityCheck(web, action.res_id, input.password)
      }
      const key = action?.context?.default_key
      if (typeof key !== 'string' || key === '') {
        throw new OdooError('server_error', 'Odoo made no API key: make_key did not answer the key')
      }
      // The key as its owner lists it, in one call; 17 has no expiration_date (nor a duration).
      const [listed] = await web.call<Array<{ id: number; expiration_date?: string | false }>>(
        'res.users.apikeys',
        'search_read',
        {
          kwargs: {
            domain: [
              ['user_id', '=', web.uid],
              ['name', '=', name],
            ],
            fields: duration === null ? ['id'] : ['id', 'expiration_date'],
            order: 'id desc',
            limit: 1,
          },
        },
      )
      // Odoo's datetimes are UTC without a zone.
      const expires_at = listed?.expiration_date
        ? new Date(`${listed.expiration_date.replace(' ', 'T')}Z`)
        : null
      return { uid: web.uid, login: input.login, name, key, id: listed?.id ?? null, expires_at }
    } finally {
      await web.close()
    }
  } finally {
    http.close()
  }
}

/**
 * Removes the person's own API key `id`, or all of theirs named `key_name`, from Odoo, as Odoo's Account Security page does:
 * `res.users.apikeys.remove` behind the same identity check, so it takes their password. (There is
 * no way without it for a plain user: `_remove` is private, `unlink` is not granted, and 19's
 * `revoke(key)` works only where an administrator enabled programmatic API keys.) Answers how
 * many keys were removed.
 */
export async function removeApiKeys(
  odoo: OdooClient,
  input: { login: string; password: string } & ({ id: number } | { key_name: string }),
): Promise<number> {
  const http = createHttpPoster({ maxSockets: 2 })
  try {
    const web = await openWebLogin(
      { url: odoo.url, db: odoo.db, timeout_ms: TIMEOUT_MS, http },
      { login: input.login, secret: input.password },
    )
    try {
      const ids = await web.call<number[]>('res.users.apikeys', 'search', {
        kwargs: {
          domain: [
            ['user_id', '=', web.uid],
            'id' in input ? ['id', '=', input.id] : ['name', '=', input.key_name],
          ],
        },
      })
      if (ids.length === 0) return 0
      const action = await web.call<Action>('res.users.apikeys', 'remove', { ids })
      if (action?.res_model === 'res.users.identitycheck' && typeof action.res_id === 'number') {
        await answerIdentityCheck(web, action.res_id, input.password)
      }
      return ids.length
    } finally {
      await web.close()
    }
  } finally {
    http.close()
  }
}

type Caller = Awaited<ReturnType<typeof openWebLogin>>

/**
 * The `duration` to ask for (Odoo 18+), or null where the wizard has none (17). '0' is "Persistent
 * Key", offered to system administrators only; otherwise the most days offered ('-1' is "Custom Date").
 */
async function longestDuration(web: Caller): Promise<string | null> {
  const fields = await web.call<Record<string, { selection?: unknown }>>(
    'res.users.apikeys.description',
    'fields_get',
    { kwargs: { allfields: ['duration'], attributes: ['selection'] } },
  )
  const selection = fields.duration?.selection
  if (!Array.isArray(selection)) return null
  const values = selection.map((option) => String(Array.isArray(option) ? option[0] : option))
  if (values.includes('0')) return '0'
  const days = values.map(Number).filter((n) => Number.isInteger(n) && n > 0)
  if (days.length === 0) throw new OdooError('user_error', 'Odoo offers no duration for a new API key')
  return String(Math.max(...days))
}

async function answerIdentityCheck(web: Caller, wizard: number, password: string): Promise<Action> {
  const fields = await web.call<Record<string, { store?: unknown }>>(
    'res.users.identitycheck',
    'fields_get',
    {
      kwargs: { allfields: ['password'], attributes: ['store'] },
    },
  )
  if (fields.password?.store === true) {
    await web.call('res.users.identitycheck', 'write', { ids: [wizard], kwargs: { vals: { password } } })
  }
  try {
    return await web.call<Action>('res.users.identitycheck', 'run_check', {
      ids: [wizard],
      context: { password },
    })
  } catch (error) {
    if (error instanceof OdooError && error.kind === 'user_error')
      throw new OdooError(
        'authentication_failed',
        `Odoo's identity check refused the password: ${error.message}`,
        {
          odoo_name: error.odoo_name,
          cause: error,
        },
      )
    throw error
  }
}
