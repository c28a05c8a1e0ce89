/**
 * Issue 4 acceptance, "who may decide": never the requester — not even an administrator who is also
 * the connection's assigned approver. Mitchell Admin's own connection names himself as approver;
 * his AI files an update; he cannot decide it (403 through the API, non-zero through the CLI), and
 * another MCP administrator (`admin2`, in base.group_system) can. Since the assigned approver may not
 * act, the other administrators are the ones told in Odoo.
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups, runCli } from '../helpers/countersign.js'
import { callTool, type Deployment, startDeployment } from '../helpers/deployment.js'
import {
  activitiesClosed,
  addSandboxUser,
  cliEnv,
  executed,
  gatedAi,
  openActivities,
  SECOND_ADMIN_GROUPS,
  writesOf,
} from './helpers.js'

describe('the approver is the requester', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let ai: Client
  let admin2: number
  let request_id: number

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    admin2 = await addSandboxUser(d, 'admin2', 'Second Admin', SECOND_ADMIN_GROUPS)
    ai = (await gatedAi(d, 'admin', 'update_record')).ai
    d.sandbox.resetWrites()
  })
  afterAll(() => cleanups.run())

  it('1. admin’s AI files an update; the other administrator gets the activity, admin none', async () => {
    const pending = await callTool(ai, 'update_record', {
      model: 'res.partner',
      ids: [10],
      values: { phone: '+1 555 0123' },
    })
    // The AI must not tell Mitchell that Mitchell is the one to approve.
    expect(pending).toMatchObject({
      status: 'pending_approval',
      approver: 'any MCP administrator other than Mitchell Admin',
    })
    expect(pending.message).toContain(
      'awaiting human approval by an MCP administrator other than Mitchell Admin',
    )
    request_id = pending.request_id
    const open = await openActivities(d, request_id)
    expect(open.map((a) => a.user_id[0])).toEqual([admin2])
  })

  it('2. admin cannot decide his own AI’s request, though he is its approver: 403, and the CLI exits non-zero', async () => {
    for (const verdict of ['approve', 'reject']) {
      const refused = await d.api('admin', 'admin', 'POST', `/approvals/${request_id}/${verdict}`, {})
      expect(refused.status).toBe(403)
      expect(refused.body.code).toBe('CS_REQUESTER_CANNOT_DECIDE')
    }
    const cli = await runCli(['approvals', 'approve', String(request_id)], cliEnv(d, 'admin'))
    expect(cli.code).not.toBe(0)
    expect(cli.stderr).toContain('refused (HTTP 403)')
    // He still sees it, without the right to decide.
    const shown = await d.api('admin', 'admin', 'GET', `/approvals/${request_id}`)
    expect(shown.body).toMatchObject({ status: 'pending', can_decide: false })
    expect(writesOf(d, 'res.partner.write')).toEqual({ received: 0, applied: 0 })
  })

  it('3. another administrator can: admin2 approves, and the call runs once, as admin', async () => {
    const shown = await d.api('admin2', 'admin2', 'GET', `/approvals/${request_id}`)
    expect(shown.body).toMatchObject({ status: 'pending', can_decide: true })
    const approved = await d.api('admin2', 'admin2', 'POST', `/approvals/${request_id}/approve`, {
      note: 'second pair of eyes',
    })
    expect(approved.status).toBe(200)
    expect(approved.body).toMatchObject({ status: 'approved', decided_by: { login: 'admin2' } })
    const done = await executed(ai, request_id)
    expect(done).toMatchObject({ execution_status: 'success', result: { updated_ids: [10] } })
    expect(writesOf(d, 'res.partner.write')).toEqual({ received: 1, applied: 1 })
    await activitiesClosed(d, request_id)
  })
})
