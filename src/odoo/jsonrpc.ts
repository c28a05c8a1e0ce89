/**
 * The Odoo client over JSON-RPC (`POST /jsonrpc`: `common.version`, `common.authenticate`,
 * `object.execute_kw`), which every Odoo from 8 to 19 answers. Every call carries the credentials
 * it runs with, plus the cookie of an anonymous session bound to the database so that Odoo skips
 * listing its databases (web-session.ts). Maps Odoo's error envelope to OdooError. Does not retry:
 * a write that timed out may have been applied, and only the caller knows whether repeating it is safe.
 */
import { kindOfOdooError, OdooError } from './errors.js'
import type { HttpAnswer, HttpPoster } from './http-post.js'
import { isReadOnlyMethod } from './read-only.js'
import type { CallParams, OdooClient, OdooCredentials, OdooSession, OdooVersion } from './types.js'
import { parseVersion } from './version.js'
import { createWebSession, type WebSessionOptions } from './web-session.js'

interface JsonRpcErrorBody {
  code?: number
  message?: string
  data?: { name?: string; message?: string; arguments?: unknown[] }
}

export interface JsonRpcClientOptions {
  url: string
  db: string
  timeout_ms: number
  http: HttpPoster
  /** For tests: how soon the session cookie is renewed or fetched again after a failure. */
  web_session?: Pick<WebSessionOptions, 'renew_after_ms' | 'retry_after_ms'>
}

export function createJsonRpcClient(options: JsonRpcClientOptions): OdooClient {
  const endpoint = new URL('/jsonrpc', `${options.url}/`)
  let nextId = 1
  let version: Promise<OdooVersion> | null = null
  const webSession = createWebSession({
    url: options.url,
    db: options.db,
    http: options.http,
    timeout_ms: options.timeout_ms,
    ...options.web_session,
  })

  async function rpc<T>(
    service: string,
    method: string,
    args: unknown[],
    timeout_ms = options.timeout_ms,
  ): Promise<T> {
    // `common` calls (version, authenticate) change nothing; `object` calls name the Odoo method in args[4].
    const read_only = service === 'common' || (service === 'object' && isReadOnlyMethod(String(args[4])))
    const sid = webSession.current()
    const answer = await options.http
      .request(
        'POST',
        endpoint,
        { jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: nextId++ },
        sid ? { Cookie: `session_id=${sid}` } : {},
        timeout_ms,
        { read_only },
      )
      .catch((error: unknown) => {
        if (error instanceof OdooError && error.kind === 'network') webSession.unreachable()
        throw error
      })
    webSession.answered(sid, answer.setCookie)
    return resultOfJsonRpc<T>(answer, options.url)
  }

  function session(credentials: OdooCredentials & { uid: number }): OdooSession {
    const { login, secret, uid } = credentials
    return {
      uid,
      login,
      call<T>(model: string, method: string, params: CallParams = {}): Promise<T> {
        const { args, kwargs } = callArguments(method, params)
        return rpc<T>(
          'object',
          'execute_kw',
          [options.db, uid, secret, model, method, args, kwargs],
          params.timeout_ms,
        )
      },
    }
  }

  return {
    url: options.url,
    db: options.db,
    protocol: 'jsonrpc',
    async ping() {
      parseVersion(await rpc<Record<string, unknown>>('common', 'version', []))
    },
    version() {
      version ??= rpc<Record<string, unknown>>('common', 'version', []).then(parseVersion)
      version.catch(() => {
        version = null
      })
      return version
    },
    async authenticate(credentials) {
      const uid = await rpc<number | false>('common', 'authenticate', [
        options.db,
        credentials.login,
        credentials.secret,
        {},
      ])
      if (typeof uid !== 'number' || uid <= 0) {
        throw new OdooError(
          'authentication_failed',
          `Odoo refused the login '${credentials.login}': wrong login, password or API key`,
        )
      }
      return session({ ...credentials, uid })
    },
    async withLogin(credentials, use) {
      return use(await this.authenticate(credentials))
    },
    session,
    async close() {
      webSession.close()
      options.http.close()
    },
  }
}

/**
 * The result of an answer in Odoo's JSON-RPC envelope (`/jsonrpc` and the web routes alike), or the
 * OdooError it carries. A body that is not JSON-RPC (an HTML page, a proxy's error) is a network fault.
 */
export function resultOfJsonRpc<T>(answer: HttpAnswer, url: string): T {
  let parsed: { result?: T; error?: JsonRpcErrorBody }
  try {
    parsed = JSON.parse(answer.body)
  } catch (cause) {
    throw new OdooError(
      'network',
      `Odoo at ${url} did not answer JSON-RPC (HTTP ${answer.status}, ${answer.contentType || 'no content type'}); is ODOO_URL the Odoo base URL?`,
      { cause },
    )
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { jsonrpc?: unknown }).jsonrpc !== '2.0') {
    throw new OdooError(
      'network',
      `Odoo at ${url} answered HTTP ${answer.status} with something that is not JSON-RPC`,
    )
  }
  if (parsed.error) throw errorFromJsonRpc(parsed.error)
  // Odoo 17 leaves `result` out when the method returned None (odoo/http.py `_response`), e.g.
  // sale.order.action_lock or account.move.button_cancel: that is a success.
  return (parsed.result ?? null) as T
}

/** `args` and `kwargs` of an Odoo call as `call_kw` reads them: ids first, values positional where needed. */
export function callArguments(
  method: string,
  params: CallParams,
): { args: unknown[]; kwargs: Record<string, unknown> } {
  const { positional, named } = positionalValues(method, params.args ?? [], params.kwargs ?? {})
  return {
    args: params.ids ? [params.ids, ...positional] : positional,
    kwargs: params.context ? { ...named, context: params.context } : named,
  }
}

/**
 * The ORM methods whose values Odoo reads positionally over `/jsonrpc`, whatever their parameter is
 * called: `create` (odoo/api.py `_call_kw_model_create` reads `args[0]`; as a keyword it fails with
 * IndexError on 17 and 19) and `write` (overrides in 17 name it `values`, e.g. SaleOrder.write, so
 * `vals` as a keyword is a TypeError there). Callers speak named parameters, as JSON-2 wants them.
 */
const POSITIONAL_VALUES: Record<string, string> = { create: 'vals_list', write: 'vals' }

export function positionalValues(
  method: string,
  args: unknown[],
  kwargs: Record<string, unknown>,
): { positional: unknown[]; named: Record<string, unknown> } {
  const name = Object.hasOwn(POSITIONAL_VALUES, method) ? POSITIONAL_VALUES[method] : undefined
  if (!name || args.length > 0 || !Object.hasOwn(kwargs, name)) return { positional: args, named: kwargs }
  const { [name]: values, ...named } = kwargs
  return { positional: [values], named }
}

/** Odoo 17: `{"code":200,"message":"Odoo Server Error","data":{"name":"odoo.exceptions.AccessError","message":…}}`. */
export function errorFromJsonRpc(error: JsonRpcErrorBody): OdooError {
  const name = error.data?.name ?? null
  const message =
    error.data?.message ||
    (typeof error.data?.arguments?.[0] === 'string' ? error.data.arguments[0] : '') ||
    error.message ||
    'Odoo Server Error'
  return new OdooError(kindOfOdooError(name, message), message, { odoo_name: name })
}
