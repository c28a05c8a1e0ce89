/**
 * The Odoos the conformance suite runs against, and one Countersign deployment per Odoo.
 *
 * Always: the sandbox, over JSON-RPC and over JSON-2. Also every real Odoo named in
 * `COUNTERSIGN_REAL_ODOO` (comma-separated paths of the `target.json` files that
 * `scripts/real-odoo.ts up` writes): over JSON-RPC, and over JSON-2 where that Odoo has it (19+).
 * In CI (`CI=true`) real Odoo 17 and 19 must both be there: a missing one fails the suite instead
 * of quietly testing the sandbox alone.
 *
 * `describeEachOdoo(title, body)` runs `body` once per target inside its own describe block, named
 * `conformance [<target>] <title>`, with a fresh deployment: `countersign serve` (a real process, its
 * own SQLite file) against that Odoo. Fixtures are each test's own business; nothing here creates
 * business records or asserts.
 */
import { readFileSync } from 'node:fs'
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe } from 'vitest'
import { createOdooClient } from '../../src/odoo/index.js'
import type { OdooSession } from '../../src/odoo/types.js'
import { startSandboxOdoo } from '../../src/sandbox/index.js'
import {
  basicApi,
  Cleanups,
  countersignEnv,
  createConnection,
  type Era,
  mcpHttpClient,
  type RunningServer,
  startServe,
  tempSqlite,
} from '../helpers/countersign.js'

export type Login = 'admin' | 'demo' | 'restricted'

export interface OdooUser {
  login: string
  password: string
  api_key: string
  uid: number
}

/** One Odoo spoken to over one protocol. */
export interface OdooTarget {
  /** e.g. `sandbox JSON-RPC`, `odoo17 JSON-RPC`, `odoo19 JSON-2`. */
  name: string
  real: boolean
  major: number
  protocol: 'jsonrpc' | 'json2'
  /** Brings the Odoo up (the sandbox) or checks that it answers (real Odoo). */
  open(cleanups: Cleanups): Promise<{ url: string; db: string; users: Record<Login, OdooUser> }>
}

interface RealTargetFile {
  name: string
  major: number
  url: string
  db: string
  protocols: Array<'jsonrpc' | 'json2'>
  users: Record<Login, OdooUser>
}

const PROTOCOL_LABEL = { jsonrpc: 'JSON-RPC', json2: 'JSON-2' } as const

function sandboxTarget(protocol: 'jsonrpc' | 'json2'): OdooTarget {
  return {
    name: `sandbox ${PROTOCOL_LABEL[protocol]}`,
    real: false,
    major: 17,
    protocol,
    async open(cleanups) {
      const sandbox = await startSandboxOdoo()
      cleanups.push(() => sandbox.close())
      const user = (login: Login): OdooUser => {
        const u = sandbox.user(login)
        return { login: u.login, password: u.password, api_key: u.api_key, uid: u.uid }
      }
      return {
        url: sandbox.url,
        db: sandbox.db,
        users: { admin: user('admin'), demo: user('demo'), restricted: user('restricted') },
      }
    },
  }
}

function realTargets(file: string): OdooTarget[] {
  let spec: RealTargetFile
  try {
    spec = JSON.parse(readFileSync(file, 'utf8')) as RealTargetFile
  } catch (error) {
    throw new Error(`COUNTERSIGN_REAL_ODOO names ${file}, which cannot be read: ${(error as Error).message}`)
  }
  return spec.protocols.map((protocol) => ({
    name: `${spec.name} ${PROTOCOL_LABEL[protocol]}`,
    real: true,
    major: spec.major,
    protocol,
    async open() {
      const answer = await fetch(`${spec.url}/web/webclient/version_info`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: {}, id: 1 }),
      }).catch((error: Error) => {
        throw new Error(
          `${spec.name} at ${spec.url} does not answer (${error.message}); start it with scripts/real-odoo.ts up ${spec.major}`,
        )
      })
      if (!answer.ok) throw new Error(`${spec.name} at ${spec.url} answered HTTP ${answer.status}`)
      return { url: spec.url, db: spec.db, users: spec.users }
    },
  }))
}

/** Every target of this run, sandbox first. */
export function conformanceTargets(): OdooTarget[] {
  const files = (process.env.COUNTERSIGN_REAL_ODOO ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
  return [sandboxTarget('jsonrpc'), sandboxTarget('json2'), ...files.flatMap(realTargets)]
}

/** Why this run lacks real Odoo where it must have it (CI), or null. */
export function missingRealOdoo(targets: OdooTarget[]): string | null {
  if (process.env.CI !== 'true') return null
  const majors = new Set(targets.filter((t) => t.real).map((t) => t.major))
  const missing = [17, 19].filter((m) => !majors.has(m))
  return missing.length === 0
    ? null
    : `CI must run the conformance suite against real Odoo ${missing.join(' and ')}: set COUNTERSIGN_REAL_ODOO (see .ci/run)`
}

export interface ConformanceDeployment {
  target: OdooTarget
  url: string
  db: string
  users: Record<Login, OdooUser>
  /** The secret a user logs in to Odoo with over this target's protocol (JSON-2: API keys only). */
  secret(login: Login): string
  /** The environment of `countersign` commands for this deployment. */
  env: Record<string, string>
  server: RunningServer
  /** Odoo's admin over JSON-RPC (every target answers it): to set up fixtures and look at what happened. */
  odooAdmin: OdooSession
  /** The same as any user. */
  odooAs(login: Login): Promise<OdooSession>
  connection(login: Login, args: string[]): Promise<{ connection_id: number; token: string }>
  mcp(token: string, era?: Era): Promise<Client>
  /** Marc Demo's AI on a write connection whose `tools` (comma-separated) wait for admin; `extra` CLI flags. */
  gatedDemo(tools: string, extra?: string[]): Promise<Client>
  /** The JSON API as an Odoo user over HTTP Basic. */
  api(
    login: string,
    secret: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }>
  /** A name no earlier run against the same database used: fixtures carry it. */
  unique(label: string): string
  /**
   * The open To-Do activities this deployment's server made for one of its requests. Request ids
   * restart with every deployment, real Odoo is shared between deployments and runs, and a port can
   * come round again: so besides the summary ("Approve AI request #<id>: …", the colon keeps #1 from
   * matching #12) and the link to this server, only activities made after this deployment started count.
   */
  activities<T extends object>(request_id: number, fields: string[]): Promise<T[]>
  cleanups: Cleanups
}

/** Extra environment for `serve`, given the target's users (their keys differ per Odoo). */
export type ExtraEnv = (users: Record<Login, OdooUser>) => Record<string, string>

export async function startConformanceDeployment(
  target: OdooTarget,
  cleanups: Cleanups,
  extraEnv: ExtraEnv = () => ({}),
): Promise<ConformanceDeployment> {
  const odoo = await target.open(cleanups)
  const secret = (login: Login) =>
    target.protocol === 'json2' ? odoo.users[login].api_key : odoo.users[login].password
  const env = countersignEnv(odoo, tempSqlite(), {
    ODOO_PROTOCOL: target.protocol,
    COUNTERSIGN_ODOO_SERVICE_LOGIN: 'admin',
    COUNTERSIGN_ODOO_SERVICE_KEY: odoo.users.admin.api_key,
    ...extraEnv(odoo.users),
  })
  const server = await startServe(env, cleanups)
  const client = createOdooClient({ url: odoo.url, db: odoo.db, protocol: 'jsonrpc', timeout_ms: 30_000 })
  cleanups.push(() => client.close())
  const odooAdmin = await client.authenticate({ login: 'admin', secret: odoo.users.admin.password })
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
  let counter = 0
  // Ids only grow: every activity this deployment's server makes is above the newest one now.
  const [newest] = await odooAdmin.call<Array<{ id: number }>>('mail.activity', 'search_read', {
    kwargs: { domain: [], fields: ['id'], order: 'id desc', limit: 1 },
  })
  const activitiesAbove = newest?.id ?? 0
  return {
    target,
    ...odoo,
    secret,
    env,
    server,
    odooAdmin,
    odooAs: (login) => client.authenticate({ login, secret: odoo.users[login].password }),
    connection: (login, args) =>
      createConnection(env, {
        user: login,
        key: odoo.users[login].api_key,
        args,
        name: `${login} conformance`,
      }),
    mcp: (token, era = 'legacy') => mcpHttpClient(server.url, token, era, cleanups),
    async gatedDemo(tools, extra = []) {
      const made = await createConnection(env, {
        user: 'demo',
        key: odoo.users.demo.api_key,
        args: ['--write', '--approval-tools', tools, '--approver', 'admin', ...extra],
        name: 'demo conformance (gated)',
      })
      return mcpHttpClient(server.url, made.token, 'legacy', cleanups)
    },
    api: (login, secret, method, path, body) => basicApi(server.url, login, secret, method, path, body),
    unique: (label) => `CS ${label} ${run}-${++counter}`,
    activities: (request_id, fields) =>
      odooAdmin.call('mail.activity', 'search_read', {
        kwargs: {
          domain: [
            ['id', '>', activitiesAbove],
            ['summary', 'ilike', `request #${request_id}:`],
            ['note', 'ilike', `href="${server.url}/approvals/${request_id}"`],
          ],
          fields,
        },
      }),
    cleanups,
  }
}

/**
 * Runs `body` once per target in `conformance [<target>] <title>`; `body` gets a getter for the
 * deployment, started in beforeAll and torn down in afterAll.
 */
export function describeEachOdoo(
  title: string,
  body: (deployment: () => ConformanceDeployment, target: OdooTarget) => void,
  options: { env?: ExtraEnv } = {},
): void {
  for (const target of conformanceTargets()) {
    // Real Odoo on a shared 2-core machine can be slow for a while: a whole story (file, notify,
    // decide, execute, check) gets more than the default 30 s before it counts as failed.
    describe(`conformance [${target.name}] ${title}`, { timeout: 90_000 }, () => {
      const cleanups = new Cleanups()
      let deployment: ConformanceDeployment | null = null
      beforeAll(async () => {
        deployment = await startConformanceDeployment(target, cleanups, options.env)
      })
      afterAll(() => cleanups.run())
      body(() => {
        if (!deployment) throw new Error(`the deployment for ${target.name} did not start`)
        return deployment
      }, target)
    })
  }
}
