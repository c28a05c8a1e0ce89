/**
 * Figure 7: the same `search_read` (20 partners, the tool's default fields, as Marc Demo) on each
 * real Odoo named in COUNTERSIGN_REAL_ODOO (the `target.json` files of scripts/real-odoo.ts), by
 * every route there is, in interleaved rounds at concurrency 1:
 *
 * - direct `/jsonrpc` without a cookie (what a plain JSON-RPC client sends),
 * - direct `/jsonrpc` with an anonymous session cookie bound to the database (what Countersign's
 *   client sends since it has one; src/odoo/web-session.ts),
 * - direct `/web/dataset/call_kw` with a logged-in web session (the web client's route),
 * - direct JSON-2 where the Odoo has it (19),
 * - Countersign's own Odoo client (src/odoo) in this process,
 * - MCP `tools/call search_read` to a `countersign serve` process on that Odoo (SQLite store), over
 *   JSON-RPC and, where the Odoo has it, over JSON-2;
 * - and two floors on the same server, to tell where the MCP call's time goes: `GET /healthz` (an
 *   HTTP hop) and `tools/call list_my_approval_requests` (the SDK and Countersign's per-call work
 *   around a tool that reads only Countersign's store, no Odoo).
 *
 * The direct routes are raw HTTP over a keep-alive agent like the product's, written out here so
 * that they do not depend on the code being measured. Reads only; nothing is written to the Odoo.
 */
import { readFileSync } from 'node:fs'
import { createOdooClient } from '../src/odoo/index.js'
import { defaultFields } from '../src/tools/read-tools.js'
import { type Deployment, deploy } from './deployment.js'
import { type HttpAnswer, keepAlive, mcpPoster, request } from './http.js'
import { type Row, ratioOf } from './report.js'
import { compare, measure, type Summary } from './stats.js'
import type { OdooTarget } from './target.js'

const MODEL = 'res.partner'
const LIMIT = 20
const FLOOR_NOTES: Record<string, string> = {
  mcpNoOdoo: 'reads only Countersign’s store: what an MCP call costs around the Odoo call',
  healthz: 'the extra HTTP hop every MCP call makes and a direct call does not',
}

/** The median ratio the product aims at: MCP against the fastest direct route (17) or direct JSON-2 (19). */
const TARGET_RATIO = 1.15

interface User {
  login: string
  password: string
  api_key: string
  uid: number
}

interface RealOdoo {
  name: string
  major: number
  url: string
  db: string
  protocols: Array<'jsonrpc' | 'json2'>
  users: Record<'admin' | 'demo', User>
}

export function realOdooFiles(env: NodeJS.ProcessEnv): string[] {
  return (env.COUNTERSIGN_REAL_ODOO ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
}

export function readRealOdoo(file: string): RealOdoo {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RealOdoo
  } catch (error) {
    throw new Error(`COUNTERSIGN_REAL_ODOO names ${file}, which cannot be read: ${(error as Error).message}`)
  }
}

/** The bench's view of a real Odoo: demo files (his API key), admin approves and is the service user. */
function benchTarget(odoo: RealOdoo, protocol: 'jsonrpc' | 'json2'): OdooTarget {
  const { admin, demo } = odoo.users
  return {
    kind: 'odoo',
    url: odoo.url,
    db: odoo.db,
    protocol,
    requester: { login: demo.login, secret: demo.api_key },
    requester_password: demo.password,
    approver: { login: admin.login, secret: admin.password },
    service: { login: admin.login, secret: admin.api_key },
    nextWrite: null,
    close: async () => {},
  }
}

export async function realOdooFigures(
  file: string,
  options: { quick: boolean; say: (text: string) => void; node_args?: string[] },
): Promise<{ rows: Row[]; version: string }> {
  const odoo = readRealOdoo(file)
  const demo = odoo.users.demo
  const kwargs = { domain: [], fields: defaultFields(MODEL), offset: 0, limit: LIMIT + 1 }
  const agent = keepAlive(8)
  const mcpAgent = keepAlive(8)
  const at = (path: string) => new URL(path, `${odoo.url}/`)
  const json = (headers: Record<string, string> = {}) => ({ 'content-type': 'application/json', ...headers })
  let id = 1

  /** The rows of an answer, or a thrown error: a failing route must not be timed as a fast one. */
  const rowsOf = (answer: HttpAnswer, route: string): unknown[] => {
    const body = JSON.parse(answer.body) as { result?: unknown; error?: unknown }
    const rows = Array.isArray(body) ? body : body.result
    if (answer.status !== 200 || !Array.isArray(rows) || rows.length !== LIMIT + 1)
      throw new Error(`${route} on ${odoo.name} answered HTTP ${answer.status}: ${answer.body.slice(0, 300)}`)
    return rows
  }
  const jsonrpc = (cookie: string | null) => async () =>
    rowsOf(
      await request(agent, at('/jsonrpc'), {
        method: 'POST',
        headers: json(cookie ? { cookie: `session_id=${cookie}` } : {}),
        body: JSON.stringify({
          jsonrpc: '2.0',
          method: 'call',
          id: id++,
          params: {
            service: 'object',
            method: 'execute_kw',
            args: [odoo.db, demo.uid, demo.api_key, MODEL, 'search_read', [], kwargs],
          },
        }),
      }),
      '/jsonrpc',
    )
  const sessionOf = (answer: HttpAnswer) =>
    /(?:^|,\s*)session_id=([^;]+)/.exec((answer.headers['set-cookie'] ?? []).join(', '))?.[1] ?? null

  // An anonymous session bound to the database, obtained as src/odoo/web-session.ts does.
  const bind = await request(agent, at(`/web?db=${encodeURIComponent(odoo.db)}`))
  const bound = sessionOf(bind)
  const logout = await request(agent, at('/web/session/logout'), {
    headers: bound ? { cookie: `session_id=${bound}` } : {},
  })
  const anonymous = sessionOf(logout)
  if (!anonymous) throw new Error(`${odoo.name}: /web/session/logout set no session cookie`)

  // A logged-in web session, as the web client has after its login form.
  const login = await request(agent, at('/web/session/authenticate'), {
    method: 'POST',
    headers: json(),
    body: JSON.stringify({
      jsonrpc: '2.0',
      method: 'call',
      id: id++,
      params: { db: odoo.db, login: demo.login, password: demo.password },
    }),
  })
  const loggedIn = sessionOf(login)
  if (!loggedIn)
    throw new Error(`${odoo.name}: /web/session/authenticate set no session cookie: ${login.body}`)
  const callKw = async () =>
    rowsOf(
      await request(agent, at(`/web/dataset/call_kw/${MODEL}/search_read`), {
        method: 'POST',
        headers: json({ cookie: `session_id=${loggedIn}` }),
        body: JSON.stringify({
          jsonrpc: '2.0',
          method: 'call',
          id: id++,
          params: { model: MODEL, method: 'search_read', args: [], kwargs },
        }),
      }),
      '/web/dataset/call_kw',
    )
  const json2 = async () =>
    rowsOf(
      await request(agent, at(`/json/2/${MODEL}/search_read`), {
        method: 'POST',
        headers: json({ authorization: `bearer ${demo.api_key}`, 'x-odoo-database': odoo.db }),
        body: JSON.stringify(kwargs),
      }),
      'JSON-2',
    )

  // Countersign's own client in this process: after its first calls it carries its own session cookie.
  const client = createOdooClient({ url: odoo.url, db: odoo.db, protocol: 'jsonrpc', timeout_ms: 30_000 })
  const clientSession = client.session({ login: demo.login, secret: demo.api_key, uid: demo.uid })
  const viaClient = () => clientSession.call(MODEL, 'search_read', { kwargs })

  const hasJson2 = odoo.protocols.includes('json2')
  const deployments: Deployment[] = []
  try {
    options.say(
      `real Odoo ${odoo.name}: starting countersign serve over JSON-RPC${hasJson2 ? ' and JSON-2' : ''}`,
    )
    const deployOptions = { node_args: options.node_args ?? [] }
    const overRpc = await deploy(benchTarget(odoo, 'jsonrpc'), 'sqlite', deployOptions)
    deployments.push(overRpc)
    const overJson2 = hasJson2 ? await deploy(benchTarget(odoo, 'json2'), 'sqlite', deployOptions) : null
    if (overJson2) deployments.push(overJson2)
    const mcpCall = (d: Deployment) => {
      const mcp = mcpPoster(d.server.url, d.plain.token, { agent: mcpAgent })
      return () => mcp.call('tools/call', { name: 'search_read', arguments: { model: MODEL, limit: LIMIT } })
    }
    const mcpRpc = mcpCall(overRpc)
    const mcpJson2 = overJson2 ? mcpCall(overJson2) : null
    const noOdoo = mcpPoster(overRpc.server.url, overRpc.plain.token, { agent: mcpAgent })
    const mcpNoOdoo = () =>
      noOdoo.call('tools/call', { name: 'list_my_approval_requests', arguments: { limit: 1 } })
    const healthz = () => request(mcpAgent, new URL('/healthz', overRpc.server.url))

    const version = (await client.version()).server_version
    options.say(`real Odoo ${odoo.name} (${version}): search_read by every route, interleaved`)
    const variants: Record<string, () => Promise<unknown>> = {
      rpc: jsonrpc(null),
      rpcCookie: jsonrpc(anonymous),
      callKw,
      ...(hasJson2 && { json2 }),
      client: viaClient,
      mcpRpc,
      ...(mcpJson2 && { mcpJson2 }),
      mcpNoOdoo,
      healthz,
    }
    const count = options.quick ? 200 : 1000
    const m = await compare(variants, { warmup: options.quick ? 30 : 100, count, concurrency: 1, rounds: 20 })
    const cpuPerCall = async (d: Deployment, op: () => Promise<unknown>) => {
      const calls = options.quick ? 200 : 1000
      const before = d.server.cpu_ms()
      await measure(op, { warmup: 0, count: calls, concurrency: 1 })
      return (d.server.cpu_ms() - before) / calls
    }
    const cpuRpc = await cpuPerCall(overRpc, mcpRpc)
    const cpuJson2 = overJson2 && mcpJson2 ? await cpuPerCall(overJson2, mcpJson2) : null

    const of = (key: string): Summary => {
      const summary = m[key]
      if (!summary) throw new Error(`no figure ${key}`)
      return summary
    }
    const fastestName = (['rpc', 'rpcCookie', 'callKw'] as const).reduce((a, b) =>
      of(b).median_ms < of(a).median_ms ? b : a,
    )
    const fastest = of(fastestName)
    const label: Record<string, string> = {
      rpc: 'direct /jsonrpc, no cookie',
      rpcCookie: 'direct /jsonrpc, anonymous db cookie',
      callKw: 'direct /web/dataset/call_kw, logged in',
      json2: 'direct JSON-2',
      client: 'Countersign’s Odoo client (src/odoo)',
      mcpRpc: 'MCP tools/call, serve over JSON-RPC',
      mcpJson2: 'MCP tools/call, serve over JSON-2',
      mcpNoOdoo: 'MCP tools/call without Odoo (list_my_…)',
      healthz: 'HTTP floor: GET /healthz, same server',
    }
    const baseline = 'fastest direct'
    const section = `7. search_read, 20 partners as demo, on real Odoo ${version} (${odoo.name}, c=1)`
    const rows: Row[] = []
    for (const [key, summary] of Object.entries(m)) {
      const row: Row = { section, name: label[key] ?? key, summary }
      if (key === fastestName) row.note = 'the fastest direct route: the baseline of the ratios'
      if (key === 'mcpJson2') row.ratio = ratioOf(summary, of('json2'), 'direct JSON-2')
      else if (key === 'mcpNoOdoo' || key === 'healthz') row.note = FLOOR_NOTES[key]
      else if (key !== fastestName) row.ratio = ratioOf(summary, fastest, baseline)
      if (key === 'mcpRpc' && odoo.major < 19)
        row.target = {
          text: `≤ ${TARGET_RATIO}× fastest direct`,
          met: summary.median_ms / fastest.median_ms <= TARGET_RATIO,
        }
      if (key === 'mcpJson2')
        row.target = {
          text: `≤ ${TARGET_RATIO}× direct JSON-2`,
          met: summary.median_ms / of('json2').median_ms <= TARGET_RATIO,
        }
      rows.push(row)
    }
    rows.push(
      {
        section,
        name: 'MCP over JSON-RPC − Countersign’s client',
        value: { amount: of('mcpRpc').median_ms - of('client').median_ms, unit: 'ms' },
        note: 'medians: the MCP hop, the SDK and Countersign’s per-call work, without the Odoo call',
      },
      {
        section,
        name: 'MCP without Odoo − GET /healthz',
        value: { amount: of('mcpNoOdoo').median_ms - of('healthz').median_ms, unit: 'ms' },
        note: 'medians: the SDK and Countersign’s per-call work (token, audit row), without the HTTP hop',
      },
      { section, name: 'server CPU per MCP call (JSON-RPC)', value: { amount: cpuRpc, unit: 'ms' } },
    )
    if (cpuJson2 !== null)
      rows.push(
        {
          section,
          name: 'MCP over JSON-2 − direct JSON-2',
          value: { amount: of('mcpJson2').median_ms - of('json2').median_ms, unit: 'ms' },
        },
        { section, name: 'server CPU per MCP call (JSON-2)', value: { amount: cpuJson2, unit: 'ms' } },
      )
    return { rows, version: `Odoo ${version} at ${odoo.url}` }
  } finally {
    for (const d of deployments) await d.close()
    await client.close()
    agent.destroy()
    mcpAgent.destroy()
  }
}
