/**
 * The environment a call runs in, like Odoo's `env`: which user, whether rights are bypassed
 * (`su`, Odoo's sudo), the context, and the sandbox's shared state. Does not authenticate
 * (auth.ts did before an Env is made) and holds no per-request cache.
 */
import type { Credentials } from './auth.js'
import type { ModelDef } from './fields.js'
import type { Store } from './store.js'

export interface Registry {
  readonly models: ReadonlyMap<string, ModelDef>
}

export interface SandboxState {
  readonly registry: Registry
  readonly store: Store
  readonly db: string
  /** Passwords and API keys, kept out of the store; `res.users` writes a password here. */
  readonly credentials: Credentials
  /** The clock, so demo dates and tests can be deterministic. */
  now(): Date
}

/**
 * The part of Odoo's `request.session` a method reads: when the user last passed an identity check
 * (`check_identity`, 10 minutes). A web login's session keeps it between calls; any other request
 * has a session of its own that lasts that one call (`/jsonrpc` never saves its session).
 */
export interface RequestSession {
  identity_check_last: number
}

export interface Env {
  readonly state: SandboxState
  readonly uid: number
  readonly su: boolean
  readonly context: Readonly<Record<string, unknown>>
  readonly request: RequestSession
}

export function makeEnv(
  state: SandboxState,
  uid: number,
  context: Record<string, unknown> = {},
  request: RequestSession = { identity_check_last: 0 },
): Env {
  return { state, uid, su: false, context, request }
}

export function sudo(env: Env): Env {
  return { ...env, su: true }
}

export function withContext(env: Env, context: Record<string, unknown>): Env {
  return { ...env, context: { ...env.context, ...context } }
}

export function modelDef(env: Env, name: string): ModelDef {
  const model = env.state.registry.models.get(name)
  if (!model) throw new Error(`sandbox: model ${name} is not defined`)
  return model
}

export const today = (env: Env): string => env.state.now().toISOString().slice(0, 10)
export const nowString = (env: Env): string => env.state.now().toISOString().slice(0, 19).replace('T', ' ')
