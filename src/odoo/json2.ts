/**
 * The Odoo client over JSON-2 (Odoo 19+: `POST /json/2/<model>/<method>` with `Authorization: bearer
 * <API key>`, named parameters only). Authentication asks `res.users/context_get`, which in 19
 * returns the key owner's `uid`, then checks that uid's login: a key of another user is refused.
 * Does not accept passwords (Odoo's bearer auth takes API keys only) and does not send positional
 * arguments (JSON-2 has none).
 */
import { kindOfOdooError, OdooError } from './errors.js'
import type { HttpAnswer, HttpPoster } from './http-post.js'
import { isReadOnlyMethod } from './read-only.js'
import type { CallParams, OdooClient, OdooCredentials, OdooSession, OdooVersion } from './types.js'
import { parseVersion } from './version.js'
import { openWebLogin } from './web-login.js'

export interface Json2ClientOptions {
  url: string
  db: string
  timeout_ms: number
  http: HttpPoster
}

const USER_AGENT = 'countersign'

export function createJson2Client(options: Json2ClientOptions): OdooClient {
  let version: Promise<OdooVersion> | null = null

  async function post<T>(
    secret: string,
    model: string,
    method: string,
    body: Record<string, unknown>,
    timeout_ms = options.timeout_ms,
  ): Promise<T> {
    const url = new URL(
      `/json/2/${encodeURIComponent(model)}/${encodeURIComponent(method)}`,
      `${options.url}/`,
    )
    const answer = await options.http.request(
      'POST',
      url,
      body,
      { Authorization: `bearer ${secret}`, 'X-Odoo-Database': options.db, 'User-Agent': USER_AGENT },
      timeout_ms,
      { read_only: isReadOnlyMethod(method) },
    )
    if (answer.status === 200) return parseJson<T>(answer, options.url)
    throw errorFromJson2(answer, options.url)
  }

  async function fetchVersion(): Promise<OdooVersion> {
    const answer = await options.http.request(
      'GET',
      new URL('/web/version', `${options.url}/`),
      null,
      { 'User-Agent': USER_AGENT },
      options.timeout_ms,
      { read_only: true },
    )
    if (answer.status !== 200) throw errorFromJson2(answer, options.url)
    return parseVersion(parseJson<Record<string, unknown>>(answer, options.url))
  }

  function session(credentials: OdooCredentials & { uid: number }): OdooSession {
    const { login, secret, uid } = credentials
    return {
      uid,
      login,
      call<T>(model: string, method: string, params: CallParams = {}): Promise<T> {
        if (params.args && params.args.length > 0) {
          return Promise.reject(
            new OdooError(
              'server_error',
              `JSON-2 takes named parameters only: pass the arguments of ${model}.${method} as kwargs, not as positional args`,
            ),
          )
        }
        const body: Record<string, unknown> = { ...params.kwargs }
        if (params.ids) body.ids = params.ids
        if (params.context) body.context = params.context
        return post<T>(secret, model, method, body, params.timeout_ms)
      },
    }
  }

  return {
    url: options.url,
    db: options.db,
    protocol: 'json2',
    async ping() {
      await fetchVersion()
    },
    version() {
      version ??= fetchVersion()
      version.catch(() => {
        version = null
      })
      return version
    },
    async authenticate(credentials) {
      let context: { uid?: unknown }
      try {
        context = await post<{ uid?: unknown }>(credentials.secret, 'res.users', 'context_get', {})
      } catch (error) {
        if (error instanceof OdooError && error.kind === 'authentication_failed') {
          throw new OdooError(
            'authentication_failed',
            `Odoo refused the API key given for '${credentials.login}' (JSON-2 accepts API keys only, not passwords): ${error.message}`,
            { odoo_name: error.odoo_name, cause: error },
          )
        }
        throw error
      }
      const uid = context.uid
      if (typeof uid !== 'number') {
        throw new OdooError(
          'server_error',
          'Odoo did not say which user the API key belongs to (res.users.context_get has no uid; JSON-2 needs Odoo 19+)',
        )
      }
      const [user] = await post<Array<{ login?: unknown }>>(credentials.secret, 'res.users', 'read', {
        ids: [uid],
        fields: ['login'],
      })
      if (user?.login !== credentials.login) {
        throw new OdooError(
          'authentication_failed',
          `The API key given for '${credentials.login}' belongs to another Odoo user`,
        )
      }
      return session({ ...credentials, uid })
    },
    async withLogin(credentials, use) {
      let session: OdooSession
      try {
        session = await this.authenticate(credentials)
      } catch (error) {
        if (!(error instanceof OdooError && error.kind === 'authentication_failed')) throw error
        // Not an API key of this login: perhaps their password, which only Odoo's web login takes.
        const web = await openWebLogin(options, credentials)
        try {
          return await use(web)
        } finally {
          await web.close()
        }
      }
      return use(session)
    },
    session,
    async close() {
      options.http.close()
    },
  }
}

function parseJson<T>(answer: HttpAnswer, url: string): T {
  try {
    return JSON.parse(answer.body) as T
  } catch (cause) {
    throw new OdooError(
      'network',
      `Odoo at ${url} did not answer JSON (HTTP ${answer.status}); is ODOO_URL the Odoo base URL and is it Odoo 19+?`,
      { cause },
    )
  }
}

/** Odoo 19 JSON-2 errors: a 4xx/5xx status with `{"name","message","arguments","context","debug"}`. */
export function errorFromJson2(answer: HttpAnswer, url: string): OdooError {
  let body: { name?: unknown; message?: unknown } | null = null
  try {
    body = JSON.parse(answer.body)
  } catch {
    body = null
  }
  if (!body || typeof body !== 'object') {
    if (answer.status === 401) return new OdooError('authentication_failed', 'Odoo refused the API key')
    return new OdooError(
      'network',
      `Odoo at ${url} answered HTTP ${answer.status} without a JSON error; is ODOO_URL the Odoo base URL, and is it Odoo 19+ (JSON-2)?`,
    )
  }
  const name = typeof body.name === 'string' ? body.name : null
  const message = typeof body.message === 'string' && body.message ? body.message : `HTTP ${answer.status}`
  const kind = answer.status === 401 ? 'authentication_failed' : kindOfOdooError(name, message)
  return new OdooError(kind, message, { odoo_name: name })
}
