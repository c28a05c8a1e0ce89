/**
 * Every approvals route of the console and the JSON API × anonymous, the requester (demo), another
 * user (restricted), the assigned approver (reviewer, not an administrator) and an MCP administrator
 * (admin, not the approver). Requests are filed by demo's AI through MCP (delete_record on draft
 * invoices, which demo's Billing rights allow); the sandbox's write counters show what ran in Odoo.
 * Connection, audit and logout routes: authorization-admin.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups } from '../helpers/countersign.js'
import {
  type ConsoleAgent,
  type Deployment,
  existingDrafts,
  fileRequest,
  makeDraftInvoices,
  sandboxWrites,
  startDeployment,
} from './helpers.js'
import { expectAnswers, LOGIN, logInAll, type Role, TO_LOGIN } from './roles.js'

describe('approvals: console + API authorization matrix', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let agents: Record<Role, ConsoleAgent>
  let drafts: number[]
  let held: number

  beforeAll(async () => {
    d = await startDeployment(cleanups, { approver: 'reviewer' })
    agents = await logInAll(d)
    drafts = await makeDraftInvoices(d.demo.client, 6)
    // `held` stays pending through the whole file: every refusal below is tried on it.
    held = await fileRequest(d.demo.client, 'delete_record', { model: 'account.move', id: drafts[0] })
  })
  afterAll(() => cleanups.run())

  it('console pages: anonymous → login, approvals pages by visibility', async () => {
    const anon = [303, TO_LOGIN] as [number, RegExp]
    await expectAnswers(agents, 'GET /', (a) => a.get('/'), {
      anonymous: anon,
      requester: [303, /^\/approvals$/],
      other: [303, /^\/approvals$/],
      approver: [303, /^\/approvals$/],
      admin: [303, /^\/approvals$/],
    })
    await expectAnswers(agents, 'GET /approvals', (a) => a.get('/approvals'), {
      anonymous: anon,
      requester: 200,
      other: 200,
      approver: 200,
      admin: 200,
    })
    await expectAnswers(agents, 'GET /approvals/:held', (a) => a.get(`/approvals/${held}`), {
      anonymous: anon,
      requester: 200,
      other: 404,
      approver: 200,
      admin: 200,
    })
    await expectAnswers(agents, 'GET /approvals/999999', (a) => a.get('/approvals/999999'), {
      anonymous: anon,
      requester: 404,
      other: 404,
      approver: 404,
      admin: 404,
    })
    await expectAnswers(agents, 'GET /login', (a) => a.get('/login'), {
      anonymous: 200,
      requester: [303, /^\/approvals$/],
      other: [303, /^\/approvals$/],
      approver: [303, /^\/approvals$/],
      admin: [303, /^\/approvals$/],
    })
  })

  it('a request someone may not see answers exactly like one that does not exist', async () => {
    const hidden = await agents.other.get(`/approvals/${held}`)
    const unknown = await agents.other.get('/approvals/999999')
    const main = (text: string) => /<main[^>]*>([\s\S]*)<\/main>/.exec(text)?.[1]
    expect(hidden.status).toBe(404)
    expect(main(hidden.text)).toBe(main(unknown.text))
    expect(hidden.text).not.toContain('account.move')
  })

  it('lists show each person exactly what they may see', async () => {
    const listed = async (role: Role) =>
      (await agents[role].get('/approvals')).text.includes(`data-request-id="${held}"`)
    expect({
      requester: await listed('requester'),
      other: await listed('other'),
      approver: await listed('approver'),
      admin: await listed('admin'),
    }).toEqual({ requester: true, other: false, approver: true, admin: true })
    const apiIds = async (role: Role) =>
      (
        JSON.parse((await agents[role].api('GET', '/api/approvals?status=pending')).text).items as Array<{
          request_id: number
        }>
      ).map((i) => i.request_id)
    expect(await apiIds('other')).toEqual([])
    expect(await apiIds('requester')).toContain(held)
  })

  it('Approve / Reject are drawn for the approver and the administrator, never for the requester', async () => {
    const buttons = async (role: Role) => {
      const text = (await agents[role].get(`/approvals/${held}`)).text
      return {
        approve: text.includes(`formaction="/approvals/${held}/approve"`),
        reject: text.includes(`formaction="/approvals/${held}/reject"`),
        note: text.includes('id="approver_note"'),
      }
    }
    expect(await buttons('requester')).toEqual({ approve: false, reject: false, note: false })
    expect(await buttons('approver')).toEqual({ approve: true, reject: true, note: true })
    expect(await buttons('admin')).toEqual({ approve: true, reject: true, note: true })
  })

  it('JSON API reads: 401 anonymous, 404 not visible, can_decide only for approver and administrator', async () => {
    await expectAnswers(agents, 'GET /api/approvals', (a) => a.api('GET', '/api/approvals'), {
      anonymous: 401,
      requester: 200,
      other: 200,
      approver: 200,
      admin: 200,
    })
    await expectAnswers(agents, 'GET /api/approvals/:held', (a) => a.api('GET', `/api/approvals/${held}`), {
      anonymous: 401,
      requester: 200,
      other: 404,
      approver: 200,
      admin: 200,
    })
    const canDecide = async (role: Role) =>
      JSON.parse((await agents[role].api('GET', `/api/approvals/${held}`)).text).can_decide
    expect([await canDecide('requester'), await canDecide('approver'), await canDecide('admin')]).toEqual([
      false,
      true,
      true,
    ])
    // The session alone is not enough: the API wants the console's CSRF token too.
    const bare = await agents.admin.request('GET', `/api/approvals/${held}`)
    expect(bare.status).toBe(403)
  })

  it('refused decisions (console and API): 401 anonymous, 403 requester, 404 other, 403 without CSRF — nothing changes', async () => {
    const before = await sandboxWrites(d.odoo)
    for (const verdict of ['approve', 'reject']) {
      expect((await agents.anonymous.post(`/approvals/${held}/${verdict}`)).status).toBe(401)
      expect((await agents.requester.post(`/approvals/${held}/${verdict}`, { note: 'self' })).status).toBe(
        403,
      )
      expect((await agents.other.post(`/approvals/${held}/${verdict}`)).status).toBe(404)
      for (const role of ['approver', 'admin'] as const) {
        const noToken = await agents[role].request('POST', `/approvals/${held}/${verdict}`, {
          form: { note: 'x' },
        })
        expect({ role, status: noToken.status }).toEqual({ role, status: 403 })
        expect(noToken.text).toContain('CS_CSRF_INVALID')
      }
      expect((await agents.anonymous.api('POST', `/api/approvals/${held}/${verdict}`, {})).status).toBe(401)
      expect((await agents.requester.api('POST', `/api/approvals/${held}/${verdict}`, {})).status).toBe(403)
      expect((await agents.other.api('POST', `/api/approvals/${held}/${verdict}`, {})).status).toBe(404)
      const basic = await fetch(`${d.server.url}/api/approvals/${held}/${verdict}`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('demo:demo').toString('base64')}`,
          'content-type': 'application/json',
        },
        body: '{}',
      })
      expect(basic.status).toBe(403)
    }
    const after = JSON.parse((await agents.admin.api('GET', `/api/approvals/${held}`)).text)
    expect(after).toMatchObject({
      status: 'pending',
      execution_status: 'pending',
      decided_by: null,
      approver_note: null,
    })
    expect(await sandboxWrites(d.odoo)).toEqual(before)
  })

  it('allowed decisions: the approver and the administrator, in the console and the API; a second one is 409', async () => {
    const before = (await sandboxWrites(d.odoo)).applied['account.move.unlink'] ?? 0
    const file = (id: number) => fileRequest(d.demo.client, 'delete_record', { model: 'account.move', id })
    // Approvals execute, so each deletes its own draft invoice; rejections never run, so they share one.
    const cases = [
      { role: 'approver', verdict: 'approve', via: 'console', id: drafts[1] },
      { role: 'admin', verdict: 'approve', via: 'console', id: drafts[2] },
      { role: 'approver', verdict: 'approve', via: 'api', id: drafts[3] },
      { role: 'admin', verdict: 'approve', via: 'api', id: drafts[4] },
      { role: 'approver', verdict: 'reject', via: 'console', id: drafts[5] },
      { role: 'admin', verdict: 'reject', via: 'console', id: drafts[5] },
      { role: 'approver', verdict: 'reject', via: 'api', id: drafts[5] },
      { role: 'admin', verdict: 'reject', via: 'api', id: drafts[5] },
    ] as const
    for (const c of cases) {
      const request_id = await file(c.id as number)
      const agent = agents[c.role]
      const status = c.verdict === 'approve' ? 'approved' : 'rejected'
      if (c.via === 'console') {
        const answer = await agent.post(`/approvals/${request_id}/${c.verdict}`, {
          note: `${c.role} says ${c.verdict}`,
        })
        expect({ ...c, status: answer.status, location: answer.location }).toEqual({
          ...c,
          status: 303,
          location: `/approvals/${request_id}?decided=${status}`,
        })
        const shown = await agent.get(answer.location as string)
        expect(shown.text).toContain(`You ${status} request ${request_id}.`)
        expect(shown.text).toContain(`data-status="${status}"`)
        const again = await agent.post(`/approvals/${request_id}/${c.verdict}`)
        expect(again.status).toBe(409)
        expect(again.text).toContain('is no longer pending')
      } else {
        const answer = await agent.api('POST', `/api/approvals/${request_id}/${c.verdict}`, {
          note: `${c.role} via api`,
        })
        expect({ ...c, status: answer.status }).toEqual({ ...c, status: 200 })
        expect(JSON.parse(answer.text)).toMatchObject({ status, decided_by: { login: LOGIN[c.role] } })
        const again = await agent.api('POST', `/api/approvals/${request_id}/${c.verdict}`, {})
        expect(again.status).toBe(409)
      }
      const stored = JSON.parse((await agents.admin.api('GET', `/api/approvals/${request_id}`)).text)
      expect(stored).toMatchObject({
        status,
        execution_status: c.verdict === 'approve' ? 'success' : 'pending',
        decided_by: { login: LOGIN[c.role] },
      })
    }
    // Four approvals ran in Odoo, once each, as the requester; the rejections and `held` did not.
    expect((await sandboxWrites(d.odoo)).applied['account.move.unlink']).toBe(before + 4)
    expect(await existingDrafts(d.demo.client, drafts)).toEqual([drafts[0], drafts[5]])
  })
})
