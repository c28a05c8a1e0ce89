/**
 * The Odoo the benchmark talks to: the sandbox (started here, in this process, with a hook that
 * timestamps each write call as it arrives), or a real Odoo when ODOO_URL is set. Reads only the
 * bench's own variables (documented in docs/performance.md); never writes to a real Odoo except
 * what the approved benchmark calls do (read-only there: a gated search_read).
 */
import { performance } from 'node:perf_hooks'
import { startSandboxOdoo } from '../src/sandbox/index.js'

export interface Login {
  login: string
  secret: string
}

export interface OdooTarget {
  kind: 'sandbox' | 'odoo'
  url: string
  db: string
  protocol: 'jsonrpc' | 'json2'
  /** The AI's Odoo user: every connection of the bench belongs to them. */
  requester: Login
  /**
   * That user's Odoo password, for signing an MCP client in over OAuth (the consent page makes an
   * API key with it); null: the OAuth case is left out (a real Odoo without BENCH_REQUESTER_PASSWORD).
   */
  requester_password: string | null
  /** Decides in the console and the JSON API; must be an MCP administrator (COUNTERSIGN_ADMINS). */
  approver: Login
  /** Creates the approvers' Odoo activities; null = no activities (real Odoo without a service user). */
  service: Login | null
  /**
   * Resolves with performance.now() when Odoo receives the next write call to model.method; only the
   * sandbox can tell (null on a real Odoo).
   */
  nextWrite: ((model: string, method: string) => Promise<number>) | null
  close(): Promise<void>
}

export async function openTarget(env: NodeJS.ProcessEnv): Promise<OdooTarget> {
  if (env.ODOO_URL) return realOdoo(env)
  const waiters: { key: string; resolve: (at: number) => void }[] = []
  const sandbox = await startSandboxOdoo({
    onWriteReceived(model, method) {
      const at = performance.now()
      const key = `${model}.${method}`
      const found = waiters.findIndex((w) => w.key === key)
      if (found >= 0) waiters.splice(found, 1)[0]?.resolve(at)
    },
  })
  const demo = sandbox.user('demo')
  const admin = sandbox.user('admin')
  return {
    kind: 'sandbox',
    url: sandbox.url,
    db: sandbox.db,
    protocol: 'jsonrpc',
    requester: { login: demo.login, secret: demo.api_key },
    requester_password: demo.password,
    approver: { login: admin.login, secret: admin.password },
    service: { login: admin.login, secret: admin.api_key },
    nextWrite: (model, method) =>
      new Promise<number>((resolve) => waiters.push({ key: `${model}.${method}`, resolve })),
    close: () => sandbox.close(),
  }
}

function need(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name]?.trim()
  if (!value) throw new Error(`${name} is not set: with ODOO_URL, give ${what}`)
  return value
}

function realOdoo(env: NodeJS.ProcessEnv): OdooTarget {
  const service =
    env.COUNTERSIGN_ODOO_SERVICE_LOGIN && env.COUNTERSIGN_ODOO_SERVICE_KEY
      ? { login: env.COUNTERSIGN_ODOO_SERVICE_LOGIN, secret: env.COUNTERSIGN_ODOO_SERVICE_KEY }
      : null
  return {
    kind: 'odoo',
    url: (env.ODOO_URL as string).replace(/\/+$/, ''),
    db: need(env, 'ODOO_DB', 'the database name'),
    protocol: env.ODOO_PROTOCOL === 'json2' ? 'json2' : 'jsonrpc',
    requester: {
      login: need(env, 'BENCH_REQUESTER_LOGIN', "the AI's Odoo login"),
      secret: need(env, 'BENCH_REQUESTER_KEY', "that user's API key"),
    },
    requester_password: env.BENCH_REQUESTER_PASSWORD?.trim() || null,
    approver: {
      login: need(env, 'BENCH_APPROVER_LOGIN', 'an MCP administrator’s Odoo login'),
      secret: need(env, 'BENCH_APPROVER_PASSWORD', "that user's password (the console login needs one)"),
    },
    service,
    nextWrite: null,
    close: async () => {},
  }
}
