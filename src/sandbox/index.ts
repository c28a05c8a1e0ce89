/**
 * Starts the sandbox Odoo: a simulated Odoo 17 (JSON-RPC) that also answers Odoo 19's JSON-2,
 * with demo data and the users admin, demo and restricted, for the demo and the tests. Exports
 * `startSandboxOdoo` (in-process handle with URL, users and their API keys, write counters,
 * hold/release, close) and `runSandboxCommand` (the `countersign sandbox` CLI). Does not read
 * the environment or configuration; never used when a real ODOO_URL is configured.
 */
import type { AddressInfo } from 'node:net'
import type { SandboxUser } from './demo-data.js'
import { createRuntime } from './runtime.js'
import { createSandboxServer } from './server.js'
import type { SessionCounts } from './web-sessions.js'
import type { WriteCounts } from './write-counters.js'

export type { SandboxUser } from './demo-data.js'
export type { SessionCounts } from './web-sessions.js'
export type { WriteCounts } from './write-counters.js'

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number
  host?: string
  db?: string
  /** The sandbox's clock (dates of new records, "today"); defaults to the real time. */
  now?: () => Date
  /** Hears of every write call (create, write, unlink, action_…) as it arrives, e.g. to time it. */
  onWriteReceived?: (model: string, method: string) => void
}

export interface SandboxOdoo {
  url: string
  db: string
  /** admin, demo and restricted, with their passwords, this run's API keys and uids. */
  users: SandboxUser[]
  user(login: string): SandboxUser
  writes(): WriteCounts
  resetWrites(): void
  /** Parks calls to model.method until `release()` (received counted, applied not yet). */
  hold(model: string, method: string): void
  release(): number
  /** Calls parked right now. */
  held(): number
  /** Web sessions saved, and which session /jsonrpc calls carried (see web-sessions.ts). */
  sessions(): SessionCounts
  /** Drops every saved web session, as Odoo's session garbage collector would; Odoo tells no client. */
  forgetSessions(): void
  close(): Promise<void>
}

export async function startSandboxOdoo(options: SandboxOptions = {}): Promise<SandboxOdoo> {
  const db = options.db ?? 'sandbox'
  const host = options.host ?? '127.0.0.1'
  const runtime = createRuntime(db, options.now, options.onWriteReceived)
  const server = createSandboxServer(runtime)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const urlHost = host.includes(':') ? `[${host}]` : host
  let closed: Promise<void> | null = null
  return {
    url: `http://${urlHost}:${port}`,
    db,
    users: runtime.users,
    user(login) {
      const found = runtime.users.find((u) => u.login === login)
      if (!found) throw new Error(`sandbox has no user ${login}`)
      return found
    },
    writes: () => runtime.counters.snapshot(),
    resetWrites: () => runtime.counters.reset(),
    hold: (model, method) => runtime.counters.hold(model, method),
    release: () => runtime.counters.release(),
    held: () => runtime.counters.held,
    sessions: () => runtime.sessions.snapshot(),
    forgetSessions: () => runtime.sessions.forget(),
    close() {
      runtime.counters.abandon()
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closed
    },
  }
}

/** `countersign sandbox`: starts the sandbox, prints how to reach it, runs until SIGINT/SIGTERM. */
export async function runSandboxCommand(options: { port?: number; host?: string } = {}): Promise<void> {
  const sandbox = await startSandboxOdoo({ port: options.port ?? 8069, host: options.host ?? '127.0.0.1' })
  const lines = [
    `Sandbox Odoo listening on ${sandbox.url}`,
    `database: ${sandbox.db}  (JSON-RPC at ${sandbox.url}/jsonrpc, JSON-2 at ${sandbox.url}/json/2/<model>/<method>)`,
    'users (login / password / API key, new keys at every start):',
    ...sandbox.users.map(
      (u) => `  ${u.login.padEnd(10)} ${u.password.padEnd(10)} ${u.api_key}   uid ${u.uid}, ${u.name}`,
    ),
    'Press Ctrl+C to stop.',
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      sandbox.close().then(resolve, resolve)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}
