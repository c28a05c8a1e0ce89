/**
 * The part of Odoo's web client sessions Countersign uses: `/web/session/authenticate` (a password
 * login, API keys refused, answering the uid and a `session_id` cookie), `/web/dataset/call_kw/…`
 * (a method call as the session's user, the same rules as `/jsonrpc`) and `/web/session/destroy`,
 * on the sandbox's one store of web sessions (web-sessions.ts). No web client, no CSRF. These routes
 * speak for the Odoo 19 that `/web/version` names (only a JSON-2 client logs in here): a method that
 * 18+ made a record method (`has_group`) takes its ids first, where 17's JSON-RPC raises TypeError.
 */
import { executeCall, findMethod } from './dispatch.js'
import { accessDenied, OdooException } from './errors.js'
import { downgrade, errorEnvelope } from './jsonrpc.js'
import type { Runtime } from './runtime.js'
import { sessionCookie } from './web-sessions.js'

export interface WebAnswer {
  body: Record<string, unknown>
  headers: Record<string, string>
}

/** Odoo answers a call without a logged-in session with JSON-RPC error code 100. */
function sessionExpired(id: unknown): Record<string, unknown> {
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: 100,
      message: 'Odoo Session Expired',
      data: {
        name: 'odoo.http.SessionExpiredException',
        message: 'Session expired',
        arguments: ['Session expired'],
        context: {},
        debug: '',
      },
    },
  }
}

export async function handleWebLogin(
  runtime: Runtime,
  path: string,
  body: { id?: unknown; params?: Record<string, unknown> },
  cookie: string | undefined,
): Promise<WebAnswer | null> {
  const id = body.id ?? null
  const params = body.params ?? {}
  const sessions = runtime.sessions
  if (path === '/web/session/authenticate') {
    try {
      if (params.db !== runtime.state.db)
        throw new OdooException('odoo.exceptions.AccessError', 'Database not found.', 403)
      const uid = runtime.credentials.authenticatePassword(params.login, params.password)
      if (uid === false) throw accessDenied()
      // auth_totp: the password was right, the session waits for the code and has no user yet;
      // web/controllers/session.py answers exactly {'uid': None} then (17 and 19).
      if (runtime.credentials.hasSecondFactor(uid))
        return { body: { jsonrpc: '2.0', id, result: { uid: null } }, headers: {} }
      const { setCookie } = sessions.loggedIn(uid)
      return {
        body: { jsonrpc: '2.0', id, result: { uid, db: runtime.state.db, is_internal_user: true } },
        headers: { 'set-cookie': setCookie },
      }
    } catch (error) {
      return { body: { jsonrpc: '2.0', id, error: errorEnvelope(error, 'authenticate') }, headers: {} }
    }
  }
  if (path === '/web/session/destroy') {
    sessions.destroy(sessionCookie(cookie ?? undefined))
    return { body: { jsonrpc: '2.0', id }, headers: {} }
  }
  if (path.startsWith('/web/dataset/call_kw')) {
    const sid = sessionCookie(cookie ?? undefined)
    const uid = sessions.userOf(sid)
    const request = sessions.requestSession(sid)
    if (uid === null || request === null) return { body: sessionExpired(id), headers: {} }
    const args = Array.isArray(params.args) ? params.args : []
    const kwargs = (
      typeof params.kwargs === 'object' && params.kwargs !== null ? params.kwargs : {}
    ) as Record<string, unknown>
    const model = String(params.model)
    const method = String(params.method)
    const recordMethod = findMethod(runtime.state, model, method)?.flex_ids && Array.isArray(args[0])
    const { context, ...named } = kwargs
    try {
      const { value, def } = await executeCall(
        runtime.state,
        runtime.counters,
        recordMethod
          ? {
              protocol: 'json2',
              authenticate: () => uid,
              model,
              method,
              ids: args[0],
              kwargs: named,
              context: (context ?? {}) as Record<string, unknown>,
              request,
            }
          : { protocol: 'jsonrpc', authenticate: () => uid, model, method, args, kwargs, request },
      )
      const result = downgrade(value, Boolean(def.api_create), def.returns, args)
      return {
        body:
          result === null || result === undefined ? { jsonrpc: '2.0', id } : { jsonrpc: '2.0', id, result },
        headers: {},
      }
    } catch (error) {
      return { body: { jsonrpc: '2.0', id, error: errorEnvelope(error, String(params.method)) }, headers: {} }
    }
  }
  return null
}
