/**
 * Figure 2: filing a gated request (`update_record` of a quotation, or of a partner with a real
 * Odoo; never approved, so nothing is written). Each call sets another value: an identical call
 * while its request is pending would only point to that request (approvals/file-request.ts). End to end through MCP at concurrency 1 and 32 (latency and filings per second), and in
 * this process with the product's own functions: `gateCall` (effects read, gate, filing) with its Odoo session and notifier
 * wrapped by timers, so Countersign's own share = total − time spent waiting for Odoo; and each of
 * its pieces (validation, summary, fingerprint, the request + audit transaction, the filing limits'
 * lock and counts, the read-back and activity ids, the tool_call audit row) timed alone. Nothing here
 * is added to the product's path. All of it goes through one gated connection, whose filing limits
 * the deployment sets far above their defaults (bench/deployment.ts).
 */
import { performance } from 'node:perf_hooks'
import { gateCall } from '../src/approvals/gate-call.js'
import { fingerprint } from '../src/domain/canonical-json.js'
import { expiresAt } from '../src/domain/decide.js'
import { summarize } from '../src/domain/summary.js'
import { resolvePrincipal } from '../src/mcp/principal.js'
import type { Notifier } from '../src/notify/odoo-activity.js'
import type { OdooSession } from '../src/odoo/types.js'
import type { Runtime } from '../src/runtime.js'
import {
  countFilingLoad,
  findPendingTwin,
  getApprovalRequest,
  insertApprovalRequest,
} from '../src/store/approval-requests.js'
import { setNotification } from '../src/store/approval-transitions.js'
import { appendAudit } from '../src/store/audit-log.js'
import { lockConnectionForFiling } from '../src/store/connections.js'
import { updateRecord } from '../src/tools/write-tools.js'
import type { Deployment } from './deployment.js'
import { mcpPoster } from './http.js'
import { type Row, ratioOf } from './report.js'
import { measure, type Summary, summarize as summarizeTimes } from './stats.js'
import type { OdooTarget } from './target.js'

/** A record the requester may read, whose update the bench files (and never approves). */
export async function recordToDelete(
  d: Deployment,
  target: OdooTarget,
): Promise<{ model: string; id: number }> {
  const session = await d.odoo.authenticate(target.requester)
  for (const [model, domain] of [
    ['sale.order', [['state', '=', 'draft']]],
    ['res.partner', []],
  ] as const) {
    const [row] = await session
      .call<Array<{ id: number }>>(model, 'search_read', { kwargs: { domain, fields: ['id'], limit: 1 } })
      .catch(() => [])
    if (row) return { model, id: row.id }
  }
  throw new Error(`${target.requester.login} can read no sale.order or res.partner to file an update of`)
}

/**
 * Wall time during which at least one Odoo call was in flight: describe() reads two things at once,
 * so summing the calls' own times would count the overlap twice.
 */
class OdooClock {
  ms = 0
  private inFlight = 0
  private since = 0
  async time<T>(call: () => Promise<T>): Promise<T> {
    if (this.inFlight++ === 0) this.since = performance.now()
    try {
      return await call()
    } finally {
      if (--this.inFlight === 0) this.ms += performance.now() - this.since
    }
  }
}

function timedSession(session: OdooSession, clock: OdooClock): OdooSession {
  return {
    uid: session.uid,
    login: session.login,
    call: (model, method, params) => clock.time(() => session.call(model, method, params)),
  }
}

function timedNotifier(notifier: Notifier, clock: OdooClock): Notifier {
  return {
    requestFiled: (request, recipients, link) =>
      clock.time(() => notifier.requestFiled(request, recipients, link)),
    requestClosed: (request, feedback) => notifier.requestClosed(request, feedback),
    health: () => notifier.health(),
  }
}

export async function filing(
  target: OdooTarget,
  d: Deployment,
  runtime: Runtime,
  options: { quick: boolean },
): Promise<Row[]> {
  const section = `2. filing a gated request (${d.engine})`
  const record = await recordToDelete(d, target)
  let serial = 0
  // A field both models have is not needed: the values are stored, never written.
  const nextArgs = () => ({
    model: record.model,
    ids: [record.id],
    values: { client_order_ref: `bench ${serial++}` },
  })
  const args = nextArgs()
  const n = options.quick ? 100 : 1000
  const rows: Row[] = []

  // End to end: what the AI waits for.
  const mcp = mcpPoster(d.server.url, d.gated.token)
  const file = () => mcp.call('tools/call', { name: 'update_record', arguments: nextArgs() })
  const e2e1 = await measure(file, { warmup: 50, count: n, concurrency: 1 })
  const e2e32 = await measure(file, { warmup: 50, count: n * 2, concurrency: 32 })
  mcp.close()

  // In process, the real gateCall with the Odoo waits timed apart.
  const principal = await resolvePrincipal(
    { db: runtime.store.db, odoo: runtime.odoo, secrets: runtime.secrets },
    d.gated.token,
  )
  if (!principal) throw new Error('the gated connection token does not resolve')
  const totals: number[] = []
  const odooTimes: number[] = []
  const own: number[] = []
  for (let i = 0; i < n + 50; i++) {
    const spent = new OdooClock()
    const session = timedSession(principal.odoo, spent)
    const deps = {
      ...runtime.approvals.deps,
      notifier: timedNotifier(runtime.approvals.deps.notifier, spent),
    }
    const ctx = { odoo: session, odoo_major: runtime.odoo_major, protocol: runtime.odoo.protocol }
    const t0 = performance.now()
    const parsed = updateRecord.input.parse(nextArgs())
    // gateCall as mcp/server.ts calls it: the effects read, the gate decides (update_record is gated by name).
    const output = await gateCall(deps, { ...principal, odoo: session }, updateRecord, parsed, ctx)
    if (!output) throw new Error('update_record was not filed')
    // The tool_call audit row mcp/server.ts writes after every call.
    await appendAudit(runtime.store.db, {
      at: new Date(),
      event: 'tool_call',
      outcome: 'pending_approval',
      connection_id: principal.connection_id,
      actor_uid: principal.odoo.uid,
      actor_login: principal.odoo.login,
      tool: updateRecord.name,
      model: record.model,
      request_id: output.structured.request_id as number,
      duration_ms: performance.now() - t0,
    })
    const total = performance.now() - t0
    if (i < 50) continue
    totals.push(total)
    odooTimes.push(spent.ms)
    own.push(total - spent.ms)
  }
  const totalS = summarizeTimes(totals, 0)
  const odooS = summarizeTimes(odooTimes, 0)
  const ownS = summarizeTimes(own, 0)

  // Each piece alone, with the product's functions.
  const facts = await updateRecord.describe?.(
    { odoo: principal.odoo, odoo_major: runtime.odoo_major, protocol: runtime.odoo.protocol },
    updateRecord.input.parse(args),
  )
  if (!facts) throw new Error('update_record has no describe()')
  const db = runtime.store.db
  const piece = (op: () => unknown): Promise<Summary> =>
    measure(async () => op(), { warmup: 100, count: n, concurrency: 1 })
  const validate = await piece(() => updateRecord.input.safeParse(args))
  const wording = await piece(() => summarize(facts))
  const hashing = await piece(() => fingerprint(args))
  const now = new Date()
  const insertRow = {
    connection_id: principal.connection_id,
    tool: updateRecord.name,
    model: record.model,
    ...fingerprint(args),
    summary: summarize(facts),
    requester_uid: principal.odoo.uid,
    requester_login: principal.odoo.login,
    requester_name: principal.user_name,
    approver_uid: principal.policy.approver?.uid ?? null,
    approver_login: principal.policy.approver?.login ?? null,
    approver_name: principal.policy.approver?.name ?? null,
    requested_at: now,
    expires_at: expiresAt(now, 4),
  }
  let last = 0
  const store = await piece(() =>
    db.transaction().execute(async (trx) => {
      const request = await insertApprovalRequest(trx, insertRow)
      last = request.request_id
      await appendAudit(trx, {
        at: now,
        event: 'request_filed',
        outcome: 'pending',
        request_id: request.request_id,
      })
    }),
  )
  const twin = await piece(() =>
    findPendingTwin(db, {
      connection_id: principal.connection_id,
      tool: updateRecord.name,
      arguments_sha256: fingerprint(nextArgs()).arguments_sha256,
      now,
    }),
  )
  // What filing adds to its transaction for the limits: the connection's filing lock and one
  // statement counting its pending requests and those of the last minute (both up to their limit,
  // here the bench's 1,000,000, so every one of the thousands filed above is counted).
  const limits = runtime.approvals.deps.filing_limits
  const limitCheck = await piece(() =>
    db.transaction().execute(async (trx) => {
      await lockConnectionForFiling(trx, principal.connection_id)
      await countFilingLoad(trx, principal.connection_id, {
        now,
        since: new Date(now.getTime() - 60_000),
        pending_limit: limits.max_pending,
        filed_limit: limits.max_per_minute,
      })
    }),
  )
  const readBack = await piece(async () => {
    await getApprovalRequest(db, last)
    await setNotification(db, last, { activity_ids: [1], error: null })
  })
  const auditRow = await piece(() =>
    appendAudit(db, {
      at: now,
      event: 'tool_call',
      outcome: 'pending_approval',
      request_id: last,
      duration_ms: 1,
    }),
  )
  const describeS = await measure(
    () =>
      updateRecord.describe?.(
        { odoo: principal.odoo, odoo_major: runtime.odoo_major, protocol: runtime.odoo.protocol },
        updateRecord.input.parse(args),
      ) ?? Promise.resolve(),
    { warmup: 50, count: n, concurrency: 1 },
  )

  rows.push(
    {
      section,
      name: 'MCP tools/call → pending_approval, c=1',
      summary: e2e1,
      ratio: ratioOf(e2e1, odooS, 'its Odoo look-ups'),
    },
    {
      section,
      name: 'MCP tools/call → pending_approval, c=32',
      summary: e2e32,
      ratio: ratioOf(e2e32, e2e1, 'c=1'),
    },
    { section, name: 'in process: gateCall + tool_call audit', summary: totalS },
    { section, name: '  of which Odoo look-ups (describe + activity)', summary: odooS },
    {
      section,
      name: '  of which Countersign’s own work',
      summary: ownS,
      ratio: ratioOf(ownS, totalS, 'in-process total'),
      target: { text: '≤ 1 ms median', met: ownS.median_ms <= 1 },
    },
    { section, name: 'piece: describe() alone (Odoo)', summary: describeS },
    { section, name: 'piece: validate arguments (zod)', summary: validate },
    { section, name: 'piece: summary wording', summary: wording },
    { section, name: 'piece: canonical JSON + SHA-256', summary: hashing },
    { section, name: 'piece: look for an identical pending request', summary: twin },
    { section, name: 'piece: insert request + audit (1 transaction)', summary: store },
    { section, name: 'piece: filing limits (lock + counts, 1 transaction)', summary: limitCheck },
    { section, name: 'piece: read back + store activity ids', summary: readBack },
    { section, name: 'piece: tool_call audit row', summary: auditRow },
  )
  return rows
}
