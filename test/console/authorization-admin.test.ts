/**
 * The administrators' routes (connections, audit log) and logging out × anonymous, the requester,
 * another user, the assigned approver (not an administrator) and an MCP administrator: only the
 * administrator gets in, and a refused change changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups } from '../helpers/countersign.js'
import { ConsoleAgent, type Deployment, startDeployment } from './helpers.js'
import { expectAnswers, logInAll, type Role, TO_LOGIN } from './roles.js'

describe('administrator pages: authorization matrix', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let agents: Record<Role, ConsoleAgent>

  beforeAll(async () => {
    d = await startDeployment(cleanups, { approver: 'reviewer' })
    agents = await logInAll(d)
  })
  afterAll(() => cleanups.run())

  it('GET pages: anonymous → login, everyone but the administrator 403', async () => {
    for (const path of [
      '/connections',
      '/connections/new',
      `/connections/${d.demo.connection_id}`,
      '/audit',
    ]) {
      await expectAnswers(agents, `GET ${path}`, (a) => a.get(path), {
        anonymous: [303, TO_LOGIN],
        requester: 403,
        other: 403,
        approver: 403,
        admin: 200,
      })
    }
  })

  it('connection routes: administrators only; everyone else is refused and nothing changes', async () => {
    const restrictedKey = d.odoo.user('restricted').api_key
    const form = {
      name: 'Restricted helper',
      odoo_login: 'restricted',
      odoo_secret: restrictedKey,
      approval_tools: ['delete_record'],
      approver_login: '',
      approval_expiry_hours: '2',
    }
    await expectAnswers(agents, 'POST /connections', (a) => a.post('/connections', form), {
      anonymous: 401,
      requester: 403,
      other: 403,
      approver: 403,
      admin: 200,
    })
    const listing = (await agents.admin.get('/connections')).text
    expect(listing.match(/Restricted helper/g)).toHaveLength(1) // only the administrator's attempt created one
    const id = Number(/href="\/connections\/(\d+)">Restricted helper/.exec(listing)?.[1])
    expect(id).toBeGreaterThan(d.demo.connection_id)

    const update = { ...form, name: 'Renamed by someone', approval_expiry_hours: '1' }
    for (const [path, body, adminStatus] of [
      [`/connections/${id}`, update, 303],
      [`/connections/${id}/rotate`, {}, 200],
      [`/connections/${id}/revoke`, {}, 303],
    ] as const) {
      await expectAnswers(agents, `POST ${path}`, (a) => a.post(path, body), {
        anonymous: 401,
        requester: 403,
        other: 403,
        approver: 403,
        admin: adminStatus,
      })
    }
    const page = (await agents.admin.get(`/connections/${id}`)).text
    expect(page).toContain('value="Renamed by someone"')
    expect(page).toContain('badge-revoked')
  })

  it('log out: needs the CSRF token, then the session is gone', async () => {
    const agent = new ConsoleAgent(d.server.url)
    expect((await agent.login('restricted', 'restricted')).status).toBe(303)
    const forged = await agent.request('POST', '/logout', { form: {} })
    expect(forged.status).toBe(403)
    expect((await agent.get('/approvals')).status).toBe(200)
    const out = await agent.post('/logout')
    expect([out.status, out.location]).toEqual([303, '/login'])
    const after = await agent.get('/approvals')
    expect(after.status).toBe(303)
    expect(after.location).toMatch(TO_LOGIN)
  })
})
