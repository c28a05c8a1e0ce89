/**
 * Issue 4 acceptance, the seed story end to end (approvals.txt steps 1-4) with the official client
 * against `serve` and the sandbox: demo's connection gates delete_record and batch_delete with
 * approver admin. Asserts what changed in Odoo and what did not, through the sandbox's write counters.
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups, runCli } from '../helpers/countersign.js'
import { callTool, type Deployment, eventually, startDeployment } from '../helpers/deployment.js'
import { gatedAi } from './helpers.js'

describe('the seed story: demo’s AI deletes 12 quotations, admin approves', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let ai: Client
  let quotations: number[]
  let request_id: number

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    ai = (await gatedAi(d, 'demo', 'delete_record,batch_delete')).ai
    const drafts = await d.odooAdmin.call<Array<{ id: number }>>('sale.order', 'search_read', {
      kwargs: {
        domain: [
          ['user_id', '=', 6],
          ['state', '=', 'draft'],
        ],
        fields: ['id'],
        limit: 12,
        order: 'id',
      },
    })
    quotations = drafts.map((r) => r.id)
    expect(quotations).toHaveLength(12)
  })
  afterAll(() => cleanups.run())

  it('1. files the batch delete instead of running it, with a summary naming 12 and the model', async () => {
    d.sandbox.resetWrites()
    const pending = await callTool(ai, 'batch_delete', { model: 'sale.order', ids: quotations })
    expect(pending.status).toBe('pending_approval')
    expect(pending.summary).toMatch(
      /^Permanently delete 12 quotations on sale\.order \(“S\d+”, “S\d+”, … 10 more\)\.$/,
    )
    expect(pending.approver).toBe('Mitchell Admin')
    expect(pending.message).toContain(`request_id ${pending.request_id}`)
    request_id = pending.request_id
    // Nothing was deleted, or even attempted.
    expect(d.sandbox.writes().received['sale.order.unlink']).toBeUndefined()
    expect(
      await d.odooAdmin.call('sale.order', 'search_count', {
        kwargs: { domain: [['id', 'in', quotations]] },
      }),
    ).toBe(12)
  })

  it('1b. sends admin an Odoo "To-Do" activity with the summary and a link to the request', async () => {
    const activities = await d.odooAdmin.call<
      Array<{ user_id: [number, string]; note: string; activity_type_id: [number, string] }>
    >('mail.activity', 'search_read', {
      kwargs: { domain: [['user_id', '=', 2]], fields: ['user_id', 'note', 'activity_type_id'] },
    })
    const mine = activities.filter((a) => a.note.includes(`/approvals/${request_id}`))
    expect(mine).toHaveLength(1)
    expect(mine[0]?.note).toContain('Permanently delete 12 quotations')
    // The effect preview's first lines: the deletion flagged, and the first quotation with its customer,
    // as admin reads them from Odoo.
    expect(mine[0]?.note).toContain('<li>[cannot be undone] Delete 12 quotations (sale.order)</li>')
    const [first] = await d.odooAdmin.call<Array<{ display_name: string; partner_id: [number, string] }>>(
      'sale.order',
      'read',
      { ids: [quotations[0] as number], kwargs: { fields: ['display_name', 'partner_id'] } },
    )
    expect(mine[0]?.note).toContain(
      `<li>  - “${first?.display_name}” (#${quotations[0]}) — Customer (partner_id): “${first?.partner_id[1]}”`,
    )
    expect(mine[0]?.activity_type_id[1]).toBe('To-Do')
  })

  it('2. check_approval_status says pending', async () => {
    const status = await callTool(ai, 'check_approval_status', { request_id })
    expect(status).toMatchObject({ status: 'pending', execution_status: 'pending', result: null })
  })

  it('3. demo cannot approve his own AI’s request: 403 through the API, non-zero exit through the CLI', async () => {
    const api = await d.api('demo', 'demo', 'POST', `/approvals/${request_id}/approve`, {})
    expect(api.status).toBe(403)
    expect(api.body.code).toBe('CS_REQUESTER_CANNOT_DECIDE')
    const cli = await runCli(['approvals', 'approve', String(request_id), '--note', 'me'], {
      ...d.env,
      COUNTERSIGN_URL: d.servers[0]?.url ?? '',
      COUNTERSIGN_LOGIN: 'demo',
      COUNTERSIGN_PASSWORD: d.sandbox.user('demo').api_key,
    })
    expect(cli.code).not.toBe(0)
    expect(cli.stderr).toContain('refused (HTTP 403)')
    expect(d.sandbox.writes().received['sale.order.unlink']).toBeUndefined()
    expect((await callTool(ai, 'check_approval_status', { request_id })).status).toBe('pending')
  })

  it('4. admin approves with a note; the call runs as demo and the 12 are gone', async () => {
    const approved = await d.api('admin', 'admin', 'POST', `/approvals/${request_id}/approve`, {
      note: 'Checked with Marc',
    })
    expect(approved.status).toBe(200)
    expect(approved.body).toMatchObject({
      status: 'approved',
      approver_note: 'Checked with Marc',
      decided_by: { login: 'admin' },
    })
    const done = await eventually(async () => {
      const s = await callTool(ai, 'check_approval_status', { request_id })
      return s.execution_status === 'success' || s.execution_status === 'error' ? s : undefined
    })
    expect(done).toMatchObject({
      status: 'approved',
      execution_status: 'success',
      error: null,
      approver_note: 'Checked with Marc',
    })
    expect(done.result).toMatchObject({ model: 'sale.order', deleted_ids: quotations, count: 12 })
    expect(done.message).toContain('Do not call batch_delete again')
    expect(
      await d.odooAdmin.call('sale.order', 'search_count', {
        kwargs: { domain: [['id', 'in', quotations]] },
      }),
    ).toBe(0)
    expect(d.sandbox.writes().applied['sale.order.unlink']).toBe(1)
  })

  it('5. more status calls never execute again', async () => {
    const before = d.sandbox.writes()
    for (let i = 0; i < 3; i++)
      expect((await callTool(ai, 'check_approval_status', { request_id })).execution_status).toBe('success')
    const listed = await callTool(ai, 'list_my_approval_requests', {})
    expect(listed.requests.map((r: { request_id: number }) => r.request_id)).toContain(request_id)
    expect(d.sandbox.writes().received['sale.order.unlink']).toBe(before.received['sale.order.unlink'])
    // Deciding again is a conflict, not a second execution.
    const again = await d.api('admin', 'admin', 'POST', `/approvals/${request_id}/approve`, {})
    expect(again.status).toBe(409)
    expect(d.sandbox.writes().received['sale.order.unlink']).toBe(1)
  })

  it('6. the activity is marked done once the request left pending', async () => {
    await eventually(async () => {
      const left = await d.odooAdmin.call<unknown[]>('mail.activity', 'search_read', {
        kwargs: {
          domain: [
            ['user_id', '=', 2],
            ['note', 'ilike', `/approvals/${request_id}`],
          ],
          fields: ['id'],
        },
      })
      return left.length === 0 ? true : undefined
    })
    expect(d.sandbox.writes().applied['mail.activity.action_feedback']).toBe(1)
  })
})
