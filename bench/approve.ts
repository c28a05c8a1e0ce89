/**
 * Figure 3: approve → execution start. For each sample a gated call is filed through MCP (untimed),
 * then the approver's `POST /api/approvals/:id/approve` is sent and timed until the sandbox
 * receives the approved write call (its arrival hook), and until the API answers (it waits for
 * the execution). `execution_started_at` (ms resolution, the server's clock) is reported too; it
 * is the only figure a real Odoo allows, where the approved call is a harmless gated search_read.
 * Baseline: `GET /api/approvals/:id` on the same server with the same credentials.
 */
import { performance } from 'node:perf_hooks'
import { getApprovalRequest } from '../src/store/approval-requests.js'
import type { Deployment } from './deployment.js'
import { keepAlive, mcpPoster, request } from './http.js'
import { type Row, ratioOf } from './report.js'
import { measure, summarize } from './stats.js'
import type { OdooTarget } from './target.js'

export function basicAuth(login: { login: string; secret: string }): string {
  return `Basic ${Buffer.from(`${login.login}:${login.secret}`).toString('base64')}`
}

async function gatedCall(d: Deployment, target: OdooTarget) {
  if (target.kind === 'odoo')
    return { name: 'search_read', arguments: { model: 'res.partner', limit: 1 }, write: null }
  const session = await d.odoo.authenticate(target.requester)
  const [partner] = await session.call<Array<{ id: number }>>('res.partner', 'search_read', {
    kwargs: { domain: [['is_company', '=', true]], fields: ['id'], limit: 1 },
  })
  if (!partner) throw new Error('the sandbox requester sees no company to update')
  return {
    name: 'update_record',
    arguments: { model: 'res.partner', ids: [partner.id], values: { phone: '+32 2 555 01 01' } },
    write: { model: 'res.partner', method: 'write' },
  }
}

export async function approveToExecution(
  target: OdooTarget,
  d: Deployment,
  options: { quick: boolean },
): Promise<Row[]> {
  const section = `3. approve → execution start (${d.engine})`
  const call = await gatedCall(d, target)
  const mcp = mcpPoster(d.server.url, d.gated.token)
  const agent = keepAlive(8)
  const headers = { authorization: basicAuth(target.approver), 'content-type': 'application/json' }
  const file = async () => {
    const result = await mcp.call('tools/call', { name: call.name, arguments: call.arguments })
    return (result.structuredContent as { request_id: number }).request_id
  }

  const toArrival: number[] = []
  const toAnswer: number[] = []
  const toStartedAt: number[] = []
  const samples = options.quick ? 30 : 300
  for (let i = 0; i < samples + 20; i++) {
    const id = await file()
    const arrival =
      call.write && target.nextWrite ? target.nextWrite(call.write.model, call.write.method) : null
    const wall0 = Date.now()
    const t0 = performance.now()
    const answer = request(agent, new URL(`/api/approvals/${id}/approve`, d.server.url), {
      method: 'POST',
      headers,
      body: '{}',
    })
    const arrived = arrival ? await arrival : null
    const answered = await answer
    const t1 = performance.now()
    if (answered.status !== 200) throw new Error(`approve answered ${answered.status}: ${answered.body}`)
    const stored = await getApprovalRequest(d.store.db, id)
    if (stored?.execution_status !== 'success')
      throw new Error(`request ${id} did not execute: ${stored?.execution_status} ${stored?.error}`)
    if (i < 20) continue
    if (arrived !== null) toArrival.push(arrived - t0)
    toAnswer.push(t1 - t0)
    toStartedAt.push((stored.execution_started_at?.getTime() ?? Number.NaN) - wall0)
  }
  const lastId = await file()
  const baseline = await measure(
    () =>
      request(agent, new URL(`/api/approvals/${lastId}`, d.server.url), {
        headers: { authorization: headers.authorization },
      }),
    { warmup: 50, count: samples, concurrency: 1 },
  )
  mcp.close()
  agent.destroy()

  const rows: Row[] = [{ section, name: 'baseline: GET /api/approvals/:id', summary: baseline }]
  if (toArrival.length > 0) {
    const s = summarize(toArrival, 0)
    rows.push({
      section,
      name: 'approve sent → Odoo receives the call',
      summary: s,
      ratio: ratioOf(s, baseline, 'GET one request'),
    })
  }
  const started = summarize(toStartedAt, 0)
  rows.push(
    {
      section,
      name: 'approve sent → execution_started_at',
      summary: started,
      ratio: ratioOf(started, baseline, 'GET one request'),
      note: 'execution_started_at has millisecond resolution',
    },
    {
      section,
      name: 'approve answered (after the execution)',
      summary: summarize(toAnswer, 0),
      ratio: ratioOf(summarize(toAnswer, 0), baseline, 'GET one request'),
    },
  )
  return rows
}
