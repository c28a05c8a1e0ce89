/**
 * Issue 4 acceptance, seed step 3 "Click Reject": the request becomes rejected, the deferred call
 * is dropped (the sandbox never receives it), the approver note reaches the model through
 * check_approval_status, and the approver's Odoo activity is marked done.
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups } from '../helpers/countersign.js'
import { callTool, type Deployment, startDeployment } from '../helpers/deployment.js'
import { activitiesClosed, file, gatedAi, openActivities, writesOf } from './helpers.js'

const NOTE = 'Not before the customer confirms by phone'

describe('rejecting a request', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let ai: Client
  let request_id: number
  let phoneBefore: unknown

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    ai = (await gatedAi(d, 'demo', 'update_record')).ai
    const [partner] = await d.odooAdmin.call<Array<{ phone: unknown }>>('res.partner', 'read', {
      ids: [10],
      kwargs: { fields: ['phone'] },
    })
    phoneBefore = partner?.phone
  })
  afterAll(() => cleanups.run())

  it('1. the AI files an update; admin gets an open "To Do" activity', async () => {
    d.sandbox.resetWrites()
    request_id = await file(ai, 'update_record', {
      model: 'res.partner',
      ids: [10],
      values: { phone: '+1 555 0100' },
    })
    const open = await openActivities(d, request_id)
    expect(open.map((a) => a.user_id[0])).toEqual([2])
    expect(writesOf(d, 'res.partner.write')).toEqual({ received: 0, applied: 0 })
  })

  it('2. admin rejects with a note: 200, rejected, nothing executed', async () => {
    const rejected = await d.api('admin', 'admin', 'POST', `/approvals/${request_id}/reject`, { note: NOTE })
    expect(rejected.status).toBe(200)
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      execution_status: 'pending',
      approver_note: NOTE,
      decided_by: { login: 'admin' },
      result: null,
      error: null,
    })
    expect(writesOf(d, 'res.partner.write')).toEqual({ received: 0, applied: 0 })
  })

  it('3. check_approval_status gives the model the rejection and the note, and says not to retry', async () => {
    const status = await callTool(ai, 'check_approval_status', { request_id })
    expect(status).toMatchObject({
      status: 'rejected',
      execution_status: 'pending',
      approver_note: NOTE,
      decided_by: { login: 'admin', name: 'Mitchell Admin' },
      result: null,
      error: null,
    })
    expect(status.decided_at).toEqual(expect.any(String))
    expect(status.message).toContain('was rejected by Mitchell Admin; the action was not performed')
    expect(status.message).toContain(`Approver note: "${NOTE}"`)
    expect(status.message).toContain('Do not call update_record again')
  })

  it('4. the approver’s activity is marked done', async () => {
    await activitiesClosed(d, request_id)
    expect(writesOf(d, 'mail.activity.action_feedback')).toEqual({ received: 1, applied: 1 })
  })

  it('5. a rejected request stays rejected: a late approve or reject is 409 and still nothing runs', async () => {
    const approve = await d.api('admin', 'admin', 'POST', `/approvals/${request_id}/approve`, {})
    expect(approve.status).toBe(409)
    expect(approve.body.code).toBe('CS_NOT_PENDING')
    const reject = await d.api('admin', 'admin', 'POST', `/approvals/${request_id}/reject`, { note: 'again' })
    expect(reject.status).toBe(409)
    const status = await callTool(ai, 'check_approval_status', { request_id })
    expect(status).toMatchObject({ status: 'rejected', approver_note: NOTE })
    expect(writesOf(d, 'res.partner.write')).toEqual({ received: 0, applied: 0 })
    const [partner] = await d.odooAdmin.call<Array<{ phone: unknown }>>('res.partner', 'read', {
      ids: [10],
      kwargs: { fields: ['phone'] },
    })
    expect(partner?.phone).toEqual(phoneBefore)
  })
})
