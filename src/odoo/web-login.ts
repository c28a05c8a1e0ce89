/**
 * A person's Odoo web session, opened with their login and password the way Odoo's own login page
 * does (`/web/session/authenticate`), read through `/web/dataset/call_kw`, and logged out again.
 * Only for checking a password where the API in use takes none (JSON-2 takes API keys only); every
 * tool call still goes through the configured protocol with a connection's API key. The cookie
 * lives in this object alone: never stored, never logged. (Not web-session.ts: that is the anonymous
 * session JSON-RPC calls carry; this one has a user.)
 */

import { OdooError } from './errors.js'
import type { HttpPoster } from './http-post.js'
import { callArguments, resultOfJsonRpc } from './jsonrpc.js'
import type { CallParams, OdooCredentials, OdooSession } from './types.js'

export interface WebLogin extends OdooSession {
  /** Logs the session out in Odoo (`/web/session/destroy`); never throws. */
  close(): Promise<void>
}

export async function openWebLogin(
  options: { url: string; db: string; timeout_ms: number; http: HttpPoster },
  credentials: OdooCredentials,
): Promise<WebLogin> {
  let cookie = ''

  async function post<T>(path: string, params: Record<string, unknown>): Promise<T> {
    const answer = await options.http.request(
      'POST',
      new URL(path, `${options.url}/`),
      { jsonrpc: '2.0', method: 'call', params, id: 1 },
      cookie ? { Cookie: cookie } : {},
      options.timeout_ms,
    )
    // Odoo 19 rotates the session id now and then; keep following it.
    const sid = answer.setCookie.map((line) => /^session_id=([^;]+)/.exec(line)?.[1]).find(Boolean)
    if (sid) cookie = `session_id=${sid}`
    return resultOfJsonRpc<T>(answer, options.url)
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
      const { args, kwargs } = callArguments(method, params)
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
