/**
 * HTTP routes under `/__sandbox/` that are not part of Odoo, for tests running in another
 * process: write counters (`GET /__sandbox/writes`, `POST /__sandbox/writes/reset`), the hold
 * hook (`POST /__sandbox/hold {"model","method"}`, `POST /__sandbox/release`, `GET /__sandbox/held`)
 * extra users (`GET /__sandbox/users`, `POST /__sandbox/users {"login","name","groups"}`), a
 * user's second factor (`POST /__sandbox/second-factor {"login","enabled"}`: their interactive
 * login then stops before it, as with Odoo's auth_totp) and web
 * sessions (`GET /__sandbox/sessions`: counts; `POST /__sandbox/sessions/forget`: drop every saved
 * session, as Odoo's session garbage collector or a wiped session store would).
 * Does not authenticate: the sandbox is a local test double, never an exposed service.
 */
import { createUser, RESTRICTED_GROUPS } from './demo-data.js'
import { groupInfo } from './groups.js'
import type { Runtime } from './runtime.js'

export interface HookAnswer {
  status: number
  body: unknown
}

export function handleHook(runtime: Runtime, method: string, path: string, body: unknown): HookAnswer {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const route = `${method} ${path}`
  switch (route) {
    case 'GET /__sandbox/writes':
      return { status: 200, body: runtime.counters.snapshot() }
    case 'POST /__sandbox/writes/reset':
    case 'DELETE /__sandbox/writes':
      runtime.counters.reset()
      return { status: 200, body: runtime.counters.snapshot() }
    case 'POST /__sandbox/hold': {
      if (typeof input.model !== 'string' || typeof input.method !== 'string')
        return { status: 422, body: { error: 'expected {"model": "...", "method": "..."}' } }
      runtime.counters.hold(input.model, input.method)
      return { status: 200, body: { held: runtime.counters.held } }
    }
    case 'POST /__sandbox/release':
      return { status: 200, body: { released: runtime.counters.release() } }
    case 'GET /__sandbox/held':
      return { status: 200, body: { held: runtime.counters.held } }
    case 'GET /__sandbox/sessions':
      return { status: 200, body: runtime.sessions.snapshot() }
    case 'POST /__sandbox/sessions/forget':
      runtime.sessions.forget()
      return { status: 200, body: runtime.sessions.snapshot() }
    case 'GET /__sandbox/users':
      return { status: 200, body: runtime.users }
    case 'POST /__sandbox/users': {
      const login = input.login
      if (typeof login !== 'string' || login === '')
        return { status: 422, body: { error: 'expected {"login": "..."}' } }
      if (runtime.users.some((u) => u.login === login))
        return { status: 409, body: { error: `login ${login} exists` } }
      const groups = Array.isArray(input.groups) ? (input.groups as string[]) : RESTRICTED_GROUPS
      const unknown = groups.filter((g) => !groupInfo(g))
      if (unknown.length > 0) return { status: 422, body: { error: `unknown groups: ${unknown.join(', ')}` } }
      const user = createUser(runtime.state.store, runtime.credentials, {
        login,
        password: typeof input.password === 'string' ? input.password : login,
        name: typeof input.name === 'string' ? input.name : login,
        email: typeof input.email === 'string' ? input.email : `${login}@example.com`,
        groups,
      })
      runtime.users.push(user)
      return { status: 201, body: user }
    }
    case 'POST /__sandbox/second-factor': {
      const user = runtime.users.find((u) => u.login === input.login)
      if (!user || typeof input.enabled !== 'boolean')
        return { status: 422, body: { error: 'expected {"login": "<a user>", "enabled": true|false}' } }
      runtime.credentials.setSecondFactor(user.uid, input.enabled)
      return { status: 200, body: { login: user.login, enabled: input.enabled } }
    }
    default:
      return { status: 404, body: { error: `no sandbox hook ${route}` } }
  }
}
