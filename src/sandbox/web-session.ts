/**
 * The part of Odoo's web client sessions Countersign uses: `/web/session/authenticate` (a password
 * login, API keys refused, answering the uid and a `session_id` cookie), `/web/dataset/call_kw/…`
 * (a method call as the session's user, the same rules as `/jsonrpc`) and `/web/session/destroy`.
 * Sessions live in memory for the sandbox's life. No web client, no CSRF, no other routes.
 */
import { randomBytes } from 'node:crypto'
import { executeCall } from './dispatch.js'
import { accessDenied, OdooException } from './errors.js'
import { downgrade, errorEnvelope } from './jsonrpc.js'
import type { Runtime } from './runtime.js'

export interface WebAnswer {
  body: Record<string, unknown>
  headers: Record<string, string>
}

const sessions = new WeakMap<Runtime, Map<string, { uid: number }>>()

function sessionsOf(runtime: Runtime): Map<string, { uid: number }> {
  let map = sessions.get(runtime)
  if (!map) {
    map = new Map()
    sessions.set(runtime, map)
  }
  return map
}

function sessionId(cookie: string | undefined): string | undefined {
  return /(?:^|;\s*)session_id=([^;]+)/.exec(cookie ?? '')?.[1]
}

function cookieHeader(sid: string): Record<string, string> {
  return { 'set-cookie': `session_id=${sid}; Max-Age=604800; HttpOnly; Path=/` }
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

export async function handleWebSession(
  runtime: Runtime,
  path: string,
  body: { id?: unknown; params?: Record<string, unknown> },
  cookie: string | undefined,
): Promise<WebAnswer | null> {
  const id = body.id ?? null
  const params = body.params ?? {}
  const store = sessionsOf(runtime)
  if (path === '/web/session/authenticate') {
    try {
      if (params.db !== runtime.state.db)
        throw new OdooException('odoo.exceptions.AccessError', 'Database not found.', 403)
      const uid = runtime.credentials.authenticatePassword(params.login, params.password)
      if (uid === false) throw accessDenied()
      const sid = randomBytes(20).toString('hex')
      store.set(sid, { uid })
      return {
        body: { jsonrpc: '2.0', id, result: { uid, db: runtime.state.db, is_internal_user: true } },
        headers: cookieHeader(sid),
      }
    } catch (error) {
      return { body: { jsonrpc: '2.0', id, error: errorEnvelope(error, 'authenticate') }, headers: {} }
    }
  }
  if (path === '/web/session/destroy') {
    const sid = sessionId(cookie)
    if (sid) store.delete(sid)
    return { body: { jsonrpc: '2.0', id }, headers: {} }
  }
  if (path.startsWith('/web/dataset/call_kw')) {
    const session = store.get(sessionId(cookie) ?? '')
    if (!session) return { body: sessionExpired(id), headers: {} }
    const args = Array.isArray(params.args) ? params.args : []
    const kwargs = (
      typeof params.kwargs === 'object' && params.kwargs !== null ? params.kwargs : {}
    ) as Record<string, unknown>
    try {
      const { value, def } = await executeCall(runtime.state, runtime.counters, {
        protocol: 'jsonrpc',
        authenticate: () => session.uid,
        model: String(params.model),
        method: String(params.method),
        args,
        kwargs,
      })
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
