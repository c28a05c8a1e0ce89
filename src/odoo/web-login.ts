/**
 * A person's Odoo web session, opened with their login and password the way Odoo's own login page
 * does (`/web/session/authenticate`), read through `/web/dataset/call_kw`, and logged out again.
 * Only for checking a password where the API in use takes none (JSON-2 takes API keys only); every
 * tool call still goes through the configured protocol with a connection's API key. The cookie
 * lives in this object alone: never stored, never logged. (Not web-session.ts: that is the anonymous
 * session JSON-RPC calls carry; this one has a user.) Plain fetch, no pooling: a login is rare.
 */

import { OdooError } from './errors.js'
import { errorFromJsonRpc, positionalValues } from './jsonrpc.js'
import type { CallParams, OdooCredentials, OdooSession } from './types.js'

export interface WebLogin extends OdooSession {
  /** Logs the session out in Odoo (`/web/session/destroy`); never throws. */
  close(): Promise<void>
}

interface Envelope<T> {
  result?: T
  error?: {
    code?: number
    message?: string
    data?: { name?: string; message?: string; arguments?: unknown[] }
  }
}

export async function openWebLogin(
  options: { url: string; db: string; timeout_ms: number },
  credentials: OdooCredentials,
): Promise<WebLogin> {
  let cookie = ''

  async function post<T>(path: string, params: Record<string, unknown>): Promise<T> {
    let response: Response
    try {
      response = await fetch(new URL(path, `${options.url}/`), {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          ...(cookie && { Cookie: cookie }),
        },
        body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params, id: 1 }),
        signal: AbortSignal.timeout(options.timeout_ms),
        redirect: 'manual',
      })
    } catch (cause) {
      const timedOut = cause instanceof Error && cause.name === 'TimeoutError'
      throw new OdooError(
        timedOut ? 'timeout' : 'network',
        timedOut
          ? `Odoo at ${options.url} did not answer within ${options.timeout_ms} ms`
          : `Cannot reach Odoo at ${options.url}: ${(cause as Error).message}`,
        { cause },
      )
    }
    // Odoo 19 rotates the session id now and then; keep following it.
    const sid = /(?:^|[,\s])session_id=([^;,\s]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1]
    if (sid) cookie = `session_id=${sid}`
    let body: Envelope<T>
    try {
      body = (await response.json()) as Envelope<T>
    } catch (cause) {
      throw new OdooError(
        'network',
        `Odoo at ${options.url} answered ${path} with HTTP ${response.status}, not JSON`,
        {
          cause,
        },
      )
    }
    if (body.error) throw errorFromJsonRpc(body.error)
    return (body.result ?? null) as T
  }

  const info = await post<{ uid?: unknown } | null>('/web/session/authenticate', {
    db: options.db,
    login: credentials.login,
    password: credentials.secret,
  })
  const uid = info?.uid
  if (typeof uid !== 'number' || uid <= 0) {
    // Odoo answers uid null when the password is right but a second factor is due.
    throw new OdooError(
      'authentication_failed',
      `Odoo wants a second factor for '${credentials.login}': log in with an Odoo API key instead of the password`,
    )
  }
  return {
    uid,
    login: credentials.login,
    call<T>(model: string, method: string, params: CallParams = {}): Promise<T> {
      const { positional, named } = positionalValues(method, params.args ?? [], params.kwargs ?? {})
      const args = params.ids ? [params.ids, ...positional] : positional
      const kwargs = params.context ? { ...named, context: params.context } : named
      return post<T>(`/web/dataset/call_kw/${encodeURIComponent(model)}/${encodeURIComponent(method)}`, {
        model,
        method,
        args,
        kwargs,
      })
    },
    async close() {
      await post('/web/session/destroy', {}).catch(() => undefined)
    },
  }
}
