/**
 * A whole test deployment: the sandbox Odoo (in-process), a fresh database (SQLite file or its own
 * PostgreSQL database), one or more `countersign serve` processes, and helpers to act as the AI
 * (official MCP client), as an approver (JSON API with HTTP Basic) and as Odoo's admin (to look at
 * the sandbox's data). Everything is undone by the Cleanups the caller passes in.
 */
import type { Client } from '@modelcontextprotocol/client'
import { createOdooClient } from '../../src/odoo/index.js'
import type { OdooSession } from '../../src/odoo/types.js'
import { type SandboxOdoo, startSandboxOdoo } from '../../src/sandbox/index.js'
import {
  basicApi,
  type Cleanups,
  countersignEnv,
  createConnection,
  type Era,
  mcpHttpClient,
  type RunningServer,
  startServe,
} from './countersign.js'
import { createTestStore, type Engine } from './databases.js'

export interface Deployment {
  sandbox: SandboxOdoo
  env: Record<string, string>
  servers: RunningServer[]
  /** Odoo's admin, straight over JSON-RPC: to inspect what really happened in the sandbox. */
  odooAdmin: OdooSession
  /** A connection for `user` (CLI `connection create` arguments), and an MCP client on server `n`. */
  connection(user: string, args: string[]): Promise<{ connection_id: number; token: string }>
  mcp(token: string, options?: { server?: number; era?: Era }): Promise<Client>
  /** The JSON API as an Odoo user (HTTP Basic), on server `n`. */
  api(
    login: string,
    secret: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    server?: number,
  ): Promise<{ status: number; body: any }>
  /** Starts another `serve` on the same database and Odoo (a replica, or a restart). */
  startServer(extraEnv?: Record<string, string>): Promise<RunningServer>
}

export async function startDeployment(
  cleanups: Cleanups,
  options: { engine?: Engine; replicas?: number; env?: Record<string, string> } = {},
): Promise<Deployment> {
  const sandbox = await startSandboxOdoo()
  cleanups.push(() => sandbox.close())
  const testStore = await createTestStore(options.engine ?? 'sqlite', { migrate: false })
  cleanups.push(() => testStore.cleanup())
  // Only the servers use the database; the helper's own handle would hold SQLite locks for nothing.
  await testStore.store.close()
  const env = countersignEnv(
    sandbox,
    { database: testStore.config.database, secret: testStore.config.secret as string },
    {
      COUNTERSIGN_ODOO_SERVICE_LOGIN: 'admin',
      COUNTERSIGN_ODOO_SERVICE_KEY: sandbox.user('admin').api_key,
      ...options.env,
    },
  )
  const odoo = createOdooClient({ url: sandbox.url, db: sandbox.db, protocol: 'jsonrpc', timeout_ms: 10_000 })
  cleanups.push(() => odoo.close())
  const odooAdmin = await odoo.authenticate({ login: 'admin', secret: 'admin' })

  const servers: RunningServer[] = []
  const startServer = async (extraEnv: Record<string, string> = {}) => {
    const server = await startServe({ ...env, ...extraEnv }, cleanups)
    servers.push(server)
    return server
  }
  for (let i = 0; i < (options.replicas ?? 1); i++) await startServer()

  return {
    sandbox,
    env,
    servers,
    odooAdmin,
    startServer,
    connection: (user, args) => createConnection(env, { user, key: sandbox.user(user).api_key, args }),
    mcp: (token, o = {}) =>
      mcpHttpClient((servers[o.server ?? 0] as RunningServer).url, token, o.era ?? 'legacy', cleanups),
    api: (login, secret, method, path, body, server = 0) =>
      basicApi((servers[server] as RunningServer).url, login, secret, method, path, body),
  }
}

/** Calls a tool and returns its structured content; throws on a tool error. */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<Record<string, any>> {
  const result = await client.callTool({ name, arguments: args })
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`)
  return result.structuredContent as Record<string, any>
}

/** Polls until `check` returns a value (not undefined), or fails after `timeout_ms`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeout_ms = 15_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeout_ms
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
