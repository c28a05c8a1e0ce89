/**
 * Conformance: the seed's story (approvals.txt steps 1-4) on every Odoo the suite knows. Marc Demo's
 * AI files; Mitchell Admin is the approver. Each step is checked in Odoo itself: the approver's
 * "To-Do" activity (assigned to them, with the summary and the link, marked done after the
 * decision), the records deleted or left alone, the call executed as the requester under the
 * requester's own rights.
 */
import type { Client } from '@modelcontextprotocol/client'
import { beforeAll, expect, it } from 'vitest'
import { executed } from '../approvals/helpers.js'
import { ConsoleAgent } from '../console/helpers.js'
import { runCli } from '../helpers/countersign.js'
import { callTool, eventually } from '../helpers/deployment.js'
import { customer, draftInvoice, exists, quotations, read, throwawayUser } from './fixtures.js'
import { type ConformanceDeployment, describeEachOdoo } from './targets.js'

const GATED = 'delete_record,batch_delete,execute_method,update_record'

interface Activity {
  id: number
  user_id: [number, string]
  summary: string
  note: string
  res_model: string
  res_id: number
  activity_type_id: [number, string]
}

/** The open (not done) activities Countersign made for a request. */
function openActivities(d: ConformanceDeployment, request_id: number): Promise<Activity[]> {
  return d.activities<Activity>(request_id, [
    'user_id',
    'summary',
    'note',
    'res_model',
    'res_id',
    'activity_type_id',
  ])
}

async function file(ai: Client, tool: string, args: Record<string, unknown>): Promise<Record<string, any>> {
  const pending = await callTool(ai, tool, args)
  if (pending.status !== 'pending_approval')
    throw new Error(`expected pending_approval: ${JSON.stringify(pending)}`)
  return pending
}

function cliEnv(d: ConformanceDeployment, login: 'admin' | 'demo'): Record<string, string> {
  return {
    ...d.env,
    COUNTERSIGN_URL: d.server.url,
    COUNTERSIGN_LOGIN: login,
    COUNTERSIGN_PASSWORD: d.secret(login),
  }
}

describeEachOdoo('approvals', (deployment) => {
  let ai: Client

  beforeAll(async () => {
    ai = await deployment().gatedDemo(GATED)
  })

  it('the seed story: file, notify the approver in Odoo, the requester cannot decide, approve, run as the requester, result', async () => {
    const d = deployment()
    const ids = await quotations(d, 'demo', 3)
    const names = (await read<{ id: number; name: string }>(d.odooAdmin, 'sale.order', ids, ['name'])).map(
      (r) => r.name,
    )

    // Step 1: filed, not run.
    const pending = await file(ai, 'batch_delete', { model: 'sale.order', ids })
    const request_id = pending.request_id as number
    expect(pending.summary).toMatch(/^Permanently delete 3 quotations on sale\.order \(/)
    for (const name of names) expect(pending.summary).toContain(name)
    expect(pending.approver).toBe('Mitchell Admin')
    expect(pending.message).toContain(`request_id ${request_id}`)
    for (const id of ids) expect(await exists(d.odooAdmin, 'sale.order', id)).toBe(true)

    // The approver's Odoo activity: a To-Do for admin on demo's contact, with the summary and the link.
    const [demoUser] = await read(d.odooAdmin, 'res.users', [d.users.demo.uid], ['partner_id'])
    const activities = await openActivities(d, request_id)
    expect(activities).toHaveLength(1)
    const activity = activities[0] as Activity
    expect(activity.user_id[0]).toBe(d.users.admin.uid)
    expect(activity.activity_type_id[1]).toBe('To-Do')
    expect([activity.res_model, activity.res_id]).toEqual(['res.partner', demoUser?.partner_id[0]])
    expect(activity.note).toContain('Permanently delete 3 quotations')
    expect(activity.note).toContain(`${d.server.url}/approvals/${request_id}`)

    // Step 2: pending for the AI.
    expect(await callTool(ai, 'check_approval_status', { request_id })).toMatchObject({
      status: 'pending',
      execution_status: 'pending',
    })

    // The requester is refused on every path: JSON API, CLI, console (form and session API).
    const api = await d.api('demo', d.secret('demo'), 'POST', `/approvals/${request_id}/approve`, {})
    expect([api.status, api.body.code]).toEqual([403, 'CS_REQUESTER_CANNOT_DECIDE'])
    const cli = await runCli(['approvals', 'approve', String(request_id)], cliEnv(d, 'demo'))
    expect(cli.code).not.toBe(0)
    expect(cli.stderr).toContain('refused (HTTP 403)')
    const console_ = new ConsoleAgent(d.server.url)
    expect((await console_.login('demo', d.secret('demo'))).status).toBe(303)
    const page = await console_.get(`/approvals/${request_id}`)
    expect(page.status).toBe(200)
    expect(page.text).not.toContain(`formaction="/approvals/${request_id}/approve"`)
    expect((await console_.post(`/approvals/${request_id}/approve`, { note: 'self' })).status).toBe(403)
    expect((await console_.api('POST', `/api/approvals/${request_id}/approve`, {})).status).toBe(403)
    for (const id of ids) expect(await exists(d.odooAdmin, 'sale.order', id)).toBe(true)

    // Step 3: admin approves; the call runs as demo.
    const approved = await d.api('admin', d.secret('admin'), 'POST', `/approvals/${request_id}/approve`, {
      note: 'Checked with Marc',
    })
    expect(approved.status).toBe(200)
    const done = await executed(ai, request_id, 30_000)
    expect(done).toMatchObject({
      status: 'approved',
      execution_status: 'success',
      error: null,
      approver_note: 'Checked with Marc',
      result: { model: 'sale.order', deleted_ids: ids, count: 3 },
    })
    expect(done.decided_by).toMatchObject({ login: 'admin' })
    expect(done.message).toContain('Do not call batch_delete again')
    for (const id of ids) expect(await exists(d.odooAdmin, 'sale.order', id)).toBe(false)

    // The activity is marked done once the request left pending.
    await eventually(
      async () => ((await openActivities(d, request_id)).length === 0 ? true : undefined),
      15_000,
      'the activity to be marked done',
    )
  })

  it('posting an invoice waits for approval with the invoice’s partner and amount in the summary', async () => {
    const d = deployment()
    const billing = await d.gatedDemo('transition_state')
    const invoice = await draftInvoice(d, 'demo')
    const pending = await file(billing, 'transition_state', {
      model: 'account.move',
      ids: [invoice.id],
      transition: 'action_post',
    })
    expect(pending.summary).toMatch(/^Post 1 invoice on account\.move: /)
    expect(pending.summary).toContain(invoice.partner)
    expect(pending.summary).toMatch(/1,250\.00/)
    expect((await read(d.odooAdmin, 'account.move', [invoice.id], ['state']))[0]?.state).toBe('draft')
    expect(
      (await d.api('admin', d.secret('admin'), 'POST', `/approvals/${pending.request_id}/approve`, {}))
        .status,
    ).toBe(200)
    expect(await executed(billing, pending.request_id, 30_000)).toMatchObject({ execution_status: 'success' })
    expect((await read(d.odooAdmin, 'account.move', [invoice.id], ['state']))[0]?.state).toBe('posted')
  })

  it('reject: the call is dropped, the records stay, the AI reads the note, the activity is closed', async () => {
    const d = deployment()
    const ids = await quotations(d, 'demo', 2)
    const { request_id } = await file(ai, 'batch_delete', { model: 'sale.order', ids })
    expect(await openActivities(d, request_id)).toHaveLength(1)
    const cli = await runCli(
      ['approvals', 'reject', String(request_id), '--note', 'Keep them: the customer called back'],
      cliEnv(d, 'admin'),
    )
    expect(cli.code).toBe(0)
    expect(await callTool(ai, 'check_approval_status', { request_id })).toMatchObject({
      status: 'rejected',
      execution_status: 'pending',
      approver_note: 'Keep them: the customer called back',
    })
    for (const id of ids) expect(await exists(d.odooAdmin, 'sale.order', id)).toBe(true)
    await eventually(
      async () => ((await openActivities(d, request_id)).length === 0 ? true : undefined),
      15_000,
    )
  })

  it('expiry: a request past expires_at is expired by `countersign expire`, cannot be approved, changes nothing', async () => {
    const d = deployment()
    const shortAi = await d.gatedDemo('update_record', ['--expiry-hours', '0.0005'])
    const partner = await customer(d)
    const pending = await file(shortAi, 'update_record', {
      model: 'res.partner',
      ids: [partner.id],
      values: { phone: '+1 555 0100' },
    })
    const wait = new Date(pending.expires_at).getTime() - Date.now() + 100
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    const swept = await runCli(['expire'], d.env)
    expect(swept.code).toBe(0)
    expect(
      await callTool(shortAi, 'check_approval_status', { request_id: pending.request_id }),
    ).toMatchObject({
      status: 'expired',
      execution_status: 'pending',
    })
    const late = await d.api(
      'admin',
      d.secret('admin'),
      'POST',
      `/approvals/${pending.request_id}/approve`,
      {},
    )
    expect(late.status).toBe(409)
    expect((await read(d.odooAdmin, 'res.partner', [partner.id], ['phone']))[0]?.phone).toBe(false)
    await eventually(
      async () => ((await openActivities(d, pending.request_id)).length === 0 ? true : undefined),
      15_000,
    )
  })

  it('an approved call runs under the requester’s rights: demo deleting a user fails with Odoo’s access error', async () => {
    const d = deployment()
    const victim = await throwawayUser(d)
    const { request_id } = await file(ai, 'execute_method', {
      model: 'res.users',
      method: 'unlink',
      ids: [victim],
    })
    const approved = await d.api('admin', d.secret('admin'), 'POST', `/approvals/${request_id}/approve`, {})
    expect(approved.status).toBe(200)
    const done = await executed(ai, request_id, 30_000)
    expect(done).toMatchObject({ status: 'approved', execution_status: 'error', result: null })
    expect(done.error).toMatch(/^Access denied: /)
    expect(done.error).toContain('(res.users)')
    expect(await exists(d.odooAdmin, 'res.users', victim)).toBe(true)
  })
})
