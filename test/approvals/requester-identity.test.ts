/**
 * Issue 4 acceptance: an approved call runs with the REQUESTER's Odoo credentials, never the
 * approver's. demo's AI asks to delete two draft quotations that belong to Mitchell Admin; a record
 * rule keeps a salesman off other people's orders, so Odoo must refuse the call when it runs as demo
 * — even though admin, who approves it, could delete them himself.
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups } from '../helpers/countersign.js'
import { callTool, type Deployment, startDeployment } from '../helpers/deployment.js'
import { executed, gatedAi, writesOf } from './helpers.js'

describe('execution as the requester', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let ai: Client
  let adminsDrafts: number[]
  let request_id: number

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    ai = (await gatedAi(d, 'demo', 'batch_delete')).ai
    const drafts = await d.odooAdmin.call<Array<{ id: number }>>('sale.order', 'search_read', {
      kwargs: {
        domain: [
          ['user_id', '=', 2],
          ['state', '=', 'draft'],
        ],
        fields: ['id'],
        order: 'id',
      },
    })
    adminsDrafts = drafts.map((r) => r.id)
    expect(adminsDrafts.length).toBeGreaterThanOrEqual(2)
  })
  afterAll(() => cleanups.run())

  it('1. demo’s AI files a batch delete of admin’s quotations; nothing runs yet', async () => {
    d.sandbox.resetWrites()
    const pending = await callTool(ai, 'batch_delete', { model: 'sale.order', ids: adminsDrafts })
    expect(pending.status).toBe('pending_approval')
    // The summary is read as demo, who cannot see admin's orders: it says so instead of naming them.
    expect(pending.summary).toMatch(new RegExp(`^Permanently delete ${adminsDrafts.length} `))
    expect(pending.summary).toContain(adminsDrafts.join(', '))
    request_id = pending.request_id
    expect(writesOf(d, 'sale.order.unlink')).toEqual({ received: 0, applied: 0 })
  })

  it('2. admin approves; Odoo refuses the call as Marc Demo, and the request ends approved / error', async () => {
    const approved = await d.api('admin', 'admin', 'POST', `/approvals/${request_id}/approve`, {
      note: 'fine by me',
    })
    expect(approved.status).toBe(200)
    expect(approved.body).toMatchObject({ status: 'approved', decided_by: { login: 'admin' } })

    const done = await executed(ai, request_id)
    expect(done).toMatchObject({ status: 'approved', execution_status: 'error', result: null })
    // Odoo's own access message names the user the call ran as: demo (uid 6), not admin (uid 2).
    expect(done.error).toMatch(/^Access denied: /)
    expect(done.error).toContain("Sorry, Marc Demo (id=6) doesn't have 'unlink' access to:")
    expect(done.error).toContain('this Odoo user (demo) may not delete')
    expect(done.error).not.toContain('Mitchell Admin')
    expect(done.message).toContain('executing it in Odoo failed')
    expect(done.message).toContain('Do not retry automatically')
  })

  it('3. nothing was deleted: one unlink reached Odoo and none was applied', async () => {
    expect(writesOf(d, 'sale.order.unlink')).toEqual({ received: 1, applied: 0 })
    expect(
      await d.odooAdmin.call('sale.order', 'search_count', {
        kwargs: { domain: [['id', 'in', adminsDrafts]] },
      }),
    ).toBe(adminsDrafts.length)
  })

  it('4. the failure is final: asking again or approving again never re-runs the call', async () => {
    for (let i = 0; i < 2; i++)
      expect((await callTool(ai, 'check_approval_status', { request_id })).execution_status).toBe('error')
    const again = await d.api('admin', 'admin', 'POST', `/approvals/${request_id}/approve`, {})
    expect(again.status).toBe(409)
    expect(writesOf(d, 'sale.order.unlink')).toEqual({ received: 1, applied: 0 })
  })
})
