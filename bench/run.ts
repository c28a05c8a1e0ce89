/**
 * `npm run bench`: measures Countersign against the sandbox Odoo (or a real Odoo when ODOO_URL is
 * set), on SQLite and, when it answers, PostgreSQL; with COUNTERSIGN_REAL_ODOO also a search_read
 * on each real Odoo named there, by every direct route and through MCP (figure 7). Prints a table of
 * medians, p99 and ratios measured in the same run and writes bench/results.json. Settings
 * (docs/performance.md): BENCH_QUICK=1 (fewer samples, 100,000 rows), BENCH_ROWS, BENCH_CLIENTS,
 * BENCH_ENGINES=sqlite,postgres (empty: figure 7 only), BENCH_SKIP_BUILD=1, BENCH_CPU_PROF=<dir>
 * (profiles the server), COUNTERSIGN_REAL_ODOO=<target.json,…>. Not part of `npm test`.
 */
import { writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { sql } from 'kysely'
import { getConnection } from '../src/store/connections.js'
import type { Engine } from '../src/store/engine.js'
import { approveToExecution } from './approve.js'
import { type Deployment, deploy, inProcessRuntime, POSTGRES_URL, postgresAvailable } from './deployment.js'
import { effectGate } from './effect-gate.js'
import { filing } from './filing.js'
import { listFigures } from './lists.js'
import { mcpOverhead } from './mcp-overhead.js'
import { mcpPieces } from './mcp-pieces.js'
import { memoryFigures } from './memory.js'
import { realOdooFigures, realOdooFiles } from './real-odoo.js'
import { type Row, ratioOf, renderTable } from './report.js'
import { reopen, type SeedOwner, seedRequests } from './seed.js'
import { buildCountersign } from './server.js'
import { sweepFigures } from './sweep.js'
import { openTarget } from './target.js'

const env = process.env
const quick = env.BENCH_QUICK === '1'
const totalRows = Number(env.BENCH_ROWS ?? (quick ? 100_000 : 1_000_000))
const dueRows = Math.round(totalRows / 100)
const clients = Number(env.BENCH_CLIENTS ?? 1000)
const profile = env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_CPU_PROF}`] : []
const say = (text: string) => process.stderr.write(`bench: ${text}\n`)
const n = (x: number) => x.toLocaleString('en-US')

async function ownerOf(d: Deployment): Promise<SeedOwner> {
  const connection = await getConnection(d.store.db, d.gated.connection_id)
  if (!connection || connection.approver_uid === null) throw new Error('the gated connection has no approver')
  return {
    connection_id: connection.connection_id,
    requester: { uid: connection.odoo_uid, login: connection.odoo_login, name: connection.odoo_user_name },
    approver: {
      uid: connection.approver_uid,
      login: connection.approver_login ?? '',
      name: connection.approver_name ?? '',
    },
  }
}

async function engineVersion(d: Deployment): Promise<string> {
  const query =
    d.engine === 'sqlite'
      ? sql<{ v: string }>`select 'SQLite ' || sqlite_version() as v`
      : sql<{ v: string }>`select version() as v`
  const { rows } = await query.execute(d.store.db)
  return rows[0]?.v.split(' on ')[0] ?? d.engine
}

async function benchEngine(engine: Engine, rows: Row[], versions: string[]): Promise<void> {
  const target = await openTarget(env)
  const d = await deploy(target, engine, { node_args: profile })
  const runtime = await inProcessRuntime(d)
  try {
    versions.push(await engineVersion(d))
    say(`${engine}: 1. search_read direct vs MCP`)
    rows.push(...(await mcpOverhead(target, d, { quick, sdk: engine === 'sqlite' })))
    rows.push(...(await mcpPieces(d, runtime, { quick })))
    say(`${engine}: 2. filing`)
    rows.push(...(await filing(target, d, runtime, { quick })))
    say(`${engine}: 8. an ungated write with effects gated`)
    rows.push(...(await effectGate(target, d, { quick })))
    say(`${engine}: 3. approve → execution`)
    rows.push(...(await approveToExecution(target, d, { quick })))
    say(`${engine}: 6. memory with ${n(clients)} clients`)
    rows.push(...(await memoryFigures(d, clients)))

    const owner = await ownerOf(d)
    const now = new Date()
    const sweepSamples = quick ? 3 : 7
    const listSamples = quick ? 50 : 300
    say(`${engine}: seeding ${n(dueRows)} due requests`)
    const dueIds = await seedRequests(d.store, owner, 'due', dueRows, now)
    say(`${engine}: 4. + 5. at ${n(dueRows)} stored`)
    const smallSweep = await sweepFigures(runtime, d.store, dueIds, sweepSamples)
    await reopen(d.store, dueIds)
    const smallLists = await listFigures(d, target, listSamples)
    say(`${engine}: seeding ${n(totalRows - dueRows)} decided requests`)
    const seeded = performance.now()
    await seedRequests(d.store, owner, 'history', totalRows - dueRows, now)
    const seedSeconds = (performance.now() - seeded) / 1000
    say(`${engine}: 4. + 5. at ${n(totalRows)} stored`)
    const largeSweep = await sweepFigures(runtime, d.store, dueIds, sweepSamples)
    await reopen(d.store, dueIds)
    const largeLists = await listFigures(d, target, listSamples)

    const s4 = `4. expiry sweep, ${n(dueRows)} due (${engine})`
    const ratio = largeSweep.due.median_ms / smallSweep.due.median_ms
    rows.push(
      { section: s4, name: `${n(dueRows)} stored, all due`, summary: smallSweep.due },
      {
        section: s4,
        name: `${n(totalRows)} stored, 1 % due`,
        summary: largeSweep.due,
        ratio: ratioOf(largeSweep.due, smallSweep.due, `${n(dueRows)} stored`),
        target: { text: 'ratio ≈ 1 (≤ 1.5)', met: ratio <= 1.5 },
      },
      {
        section: s4,
        name: 'per due request',
        value: { amount: (largeSweep.due.median_ms * 1000) / largeSweep.expired_per_sweep, unit: 'µs' },
      },
      {
        section: s4,
        name: `nothing due, ${n(totalRows)} stored`,
        summary: largeSweep.nothing_due,
        note: `seeding ${n(totalRows - dueRows)} rows took ${seedSeconds.toFixed(1)} s (one INSERT … SELECT)`,
      },
    )
    const s5 = `5. console and JSON API lists (${engine})`
    const pairs = [
      ['console first page (GET / → /approvals)', 'first_page', true],
      ['console, status=all', 'console_all', false],
      ['GET /api/approvals (all, 50 a page)', 'api_list', false],
      ['GET /api/approvals?status=pending', 'api_pending', false],
    ] as const
    for (const [name, key, targeted] of pairs) {
      rows.push(
        { section: s5, name: `${name}, ${n(dueRows)} stored`, summary: smallLists[key] },
        {
          section: s5,
          name: `${name}, ${n(totalRows)} stored`,
          summary: largeLists[key],
          ratio: ratioOf(largeLists[key], smallLists[key], `${n(dueRows)} stored`),
          ...(targeted && { target: { text: '≤ 30 ms median', met: largeLists[key].median_ms <= 30 } }),
          ...(targeted && { note: `pager at ${n(totalRows)}: "${largeLists.pager}"` }),
        },
      )
    }
    rows.push({
      section: s5,
      name: `first view with ${n(dueRows)} due (it sweeps them)`,
      value: { amount: largeLists.first_view_ms, unit: 'ms' },
      note: 'one sample: lists expire due requests before listing (ef2273f)',
    })
  } finally {
    await runtime.close()
    await d.close()
    await target.close()
  }
}

const started = new Date()
const loadBefore = loadavg()
const load1 = loadBefore[0] ?? 0
if (load1 > cpus().length / 2)
  say(`the machine is busy (load ${load1.toFixed(2)} on ${cpus().length} CPUs): figures will be noisy`)
if (env.BENCH_SKIP_BUILD !== '1') {
  say('building Countersign into .bench-build/')
  buildCountersign()
}
const engines = (env.BENCH_ENGINES ?? 'sqlite,postgres')
  .split(',')
  .map((e) => e.trim())
  .filter(Boolean) as Engine[]
const rows: Row[] = []
const versions: string[] = []
const skipped: string[] = []
for (const engine of engines) {
  if (engine === 'postgres' && !(await postgresAvailable())) {
    skipped.push(`PostgreSQL: not reachable at ${new URL(POSTGRES_URL).host} (set DATABASE_URL); skipped`)
    continue
  }
  await benchEngine(engine, rows, versions)
}
const realOdoo: string[] = []
for (const file of realOdooFiles(env)) {
  const figures = await realOdooFigures(file, { quick, say, node_args: profile })
  rows.push(...figures.rows)
  realOdoo.push(figures.version)
}
const environment = {
  node: process.version,
  cpus: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown'}`,
  memory_gib: Math.round(totalmem() / 2 ** 30),
  databases: versions,
  odoo: env.ODOO_URL ? `${env.ODOO_URL} (${env.ODOO_PROTOCOL ?? 'jsonrpc'})` : 'sandbox (in this process)',
  real_odoo: realOdoo,
  load_average: {
    before: loadBefore.map((l) => Number(l.toFixed(2))),
    after: loadavg().map((l) => Number(l.toFixed(2))),
  },
  rows: totalRows,
  clients,
  quick,
}
writeFileSync(
  'bench/results.json',
  `${JSON.stringify({ started_at: started.toISOString(), environment, skipped, rows }, null, 2)}\n`,
)
const header = [
  `Countersign benchmark, ${started.toISOString()}${quick ? ' (BENCH_QUICK: fewer samples)' : ''}`,
  `Node ${environment.node} · ${environment.cpus} · ${environment.memory_gib} GiB · ${versions.join(' · ')}`,
  `Odoo: ${environment.odoo}${realOdoo.length > 0 ? ` · figure 7: ${realOdoo.join(', ')}` : ''} · load average ${environment.load_average.before[0]} before, ${environment.load_average.after[0]} after`,
  ...skipped,
  '',
]
console.log(`${header.join('\n')}${renderTable(rows)}\n\nWrote bench/results.json.`)
