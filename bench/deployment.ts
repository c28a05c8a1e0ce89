/**
 * One Countersign deployment for the benchmark: a fresh database (an SQLite file in a temp folder,
 * or a PostgreSQL database created for this run and dropped after), two connections of the
 * requester made through the product's own `createConnection`, and `serve` started on it. The bench
 * keeps its own store handle on the same database for seeding and for timing store functions.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { readOdooConfig, readServerConfig, readStoreConfig } from '../src/config.js'
import { createConnection } from '../src/connections/manage.js'
import { RECOMMENDED_APPROVAL_EFFECTS } from '../src/domain/policy.js'
import { createLogger } from '../src/logger.js'
import { createOdooClient } from '../src/odoo/index.js'
import type { OdooClient } from '../src/odoo/types.js'
import { createRuntime, type Runtime } from '../src/runtime.js'
import type { Engine } from '../src/store/engine.js'
import { migrateToLatest } from '../src/store/migrate.js'
import { openStore, type Store } from '../src/store/open-store.js'
import { createSecretBox, type SecretBox } from '../src/store/secret-box.js'
import { type ServerProcess, startServer } from './server.js'
import type { OdooTarget } from './target.js'

export const POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'

/** The tools gated on the bench's approval connection. */
export const GATED_TOOLS = ['delete_record', 'update_record', 'search_read']

export interface Deployment {
  engine: Engine
  database: string
  secret: string
  store: Store
  secrets: SecretBox
  odoo: OdooClient
  server: ServerProcess
  /** No approval needed: the MCP overhead and memory runs. */
  plain: { connection_id: number; token: string }
  /** delete_record, update_record and search_read wait for the approver. */
  gated: { connection_id: number; token: string }
  /** No tool gated by name, the recommended effect kinds gated (figure 8). */
  effects: { connection_id: number; token: string }
  serverEnv: Record<string, string>
  restart(options?: { node_args?: string[] }): Promise<void>
  close(): Promise<void>
}

export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.query('select 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

async function makeDatabase(engine: Engine): Promise<{ url: string; drop(): Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'countersign-bench-'))
    return {
      url: `sqlite:${join(dir, 'countersign.db')}`,
      drop: async () => rmSync(dir, { recursive: true }),
    }
  }
  const name = `countersign_bench_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: POSTGRES_URL })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(POSTGRES_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const again = new pg.Client({ connectionString: POSTGRES_URL })
      await again.connect()
      await again.query(`drop database if exists ${name} with (force)`)
      await again.end()
    },
  }
}

export async function deploy(
  target: OdooTarget,
  engine: Engine,
  options: { node_args?: string[] } = {},
): Promise<Deployment> {
  const made = await makeDatabase(engine)
  const secret = randomBytes(36).toString('base64url')
  const store = await openStore({
    database: made.url,
    kind: engine,
    sqlite_path: engine === 'sqlite' ? made.url.slice('sqlite:'.length) : null,
  })
  await migrateToLatest(store.db)
  const secrets = createSecretBox(secret)
  const odoo = createOdooClient({
    url: target.url,
    db: target.db,
    protocol: target.protocol,
    timeout_ms: 30_000,
  })
  const manage = { db: store.db, odoo, secrets, clock: () => new Date() }
  const base = {
    odoo_login: target.requester.login,
    odoo_secret: target.requester.secret,
    write_access: true,
    allowed_tools: [],
    approval_effects: [],
    approval_expiry_hours: 4,
  }
  const operator = { kind: 'operator' } as const
  const plain = await createConnection(
    manage,
    { ...base, name: 'bench: direct tools', approval_tools: [], approver_login: null },
    operator,
  )
  const gated = await createConnection(
    manage,
    {
      ...base,
      name: 'bench: gated tools',
      approval_tools: GATED_TOOLS,
      approver_login: target.approver.login,
    },
    operator,
  )
  // Figure 8: the same direct tools, with the recommended effects gated (no tool gated by name).
  const effects = await createConnection(
    manage,
    {
      ...base,
      name: 'bench: effects gated',
      approval_tools: [],
      approval_effects: [...RECOMMENDED_APPROVAL_EFFECTS],
      approver_login: target.approver.login,
    },
    operator,
  )
  const serverEnv: Record<string, string> = {
    ODOO_URL: target.url,
    ODOO_DB: target.db,
    ODOO_PROTOCOL: target.protocol,
    COUNTERSIGN_DATABASE: made.url,
    COUNTERSIGN_SECRET: secret,
    COUNTERSIGN_ADMINS: target.approver.login,
    // Figures 2 and 3 file thousands of requests a minute through the one gated connection, far past
    // the default per-connection filing limits (which would refuse most of them).
    COUNTERSIGN_MAX_PENDING_REQUESTS: '1000000',
    COUNTERSIGN_MAX_REQUESTS_PER_MINUTE: '1000000',
    ...(target.service && {
      COUNTERSIGN_ODOO_SERVICE_LOGIN: target.service.login,
      COUNTERSIGN_ODOO_SERVICE_KEY: target.service.secret,
    }),
  }
  const deployment: Deployment = {
    engine,
    database: made.url,
    secret,
    store,
    secrets,
    odoo,
    server: await startServer(serverEnv, options),
    plain: { connection_id: plain.connection.connection_id, token: plain.token },
    gated: { connection_id: gated.connection.connection_id, token: gated.token },
    effects: { connection_id: effects.connection.connection_id, token: effects.token },
    serverEnv,
    async restart(restartOptions = {}) {
      await deployment.server.stop()
      deployment.server = await startServer(serverEnv, restartOptions)
    },
    async close() {
      await deployment.server.stop()
      await odoo.close()
      await store.close()
      await made.drop()
    },
  }
  return deployment
}

/** The same composition root `serve` uses, in this process, on the deployment's database and Odoo. */
export function inProcessRuntime(d: Deployment): Promise<Runtime> {
  const env = { ...d.serverEnv, COUNTERSIGN_PORT: '1' }
  return createRuntime(
    { odoo: readOdooConfig(env), store: readStoreConfig(env), server: readServerConfig(env) },
    createLogger({ level: 'error' }),
  )
}
