/**
 * The connection routes, the audit log and logging out × anonymous, the requester (demo, who owns
 * his connection), another user (restricted, owner of the helper connections made here), the
 * assigned approver (not an administrator) and an MCP administrator: everyone sees and changes
 * their own connections, only administrators everyone's and any policy, someone else's connection
 * does not exist for a non-administrator, and a refused change changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups } from '../helpers/countersign.js'
import { ConsoleAgent, type Deployment, startDeployment } from './helpers.js'
import { expectAnswers, logInAll, type Role, TO_LOGIN } from './roles.js'

describe('connection and administrator pages: authorization matrix', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let agents: Record<Role, ConsoleAgent>

  beforeAll(async () => {
    d = await startDeployment(cleanups, { approver: 'reviewer' })
    agents = await logInAll(d)
  })
  afterAll(() => cleanups.run())

  it('GET pages: anonymous → login; everyone their own connections; administrators everything', async () => {
    const anon = [303, TO_LOGIN] as [number, RegExp]
    for (const path of ['/connections', '/connections/connect']) {
      await expectAnswers(agents, `GET ${path}`, (a) => a.get(path), {
        anonymous: anon,
        requester: 200,
        other: 200,
        approver: 200,
        admin: 200,
      })
    }
    for (const path of ['/connections/new', '/audit']) {
      await expectAnswers(agents, `GET ${path}`, (a) => a.get(path), {
        anonymous: anon,
        requester: 403,
        other: 403,
        approver: 403,
        admin: 200,
      })
    }
    // demo's connection: his own, so he sees it; to anyone else but an administrator it does not exist.
    await expectAnswers(
      agents,
      'GET demo’s connection',
      (a) => a.get(`/connections/${d.demo.connection_id}`),
      {
        anonymous: anon,
        requester: 200,
        other: 404,
        approver: 404,
        admin: 200,
      },
    )
    const hidden = await agents.other.get(`/connections/${d.demo.connection_id}`)
    const unknown = await agents.other.get('/connections/999999')
    expect(hidden.text.replace(/content="[^"]+"|value="[^"]+"/g, '')).toBe(
      unknown.text.replace(/content="[^"]+"|value="[^"]+"/g, ''),
    )
    // The lists: demo's connection is in his and the administrator's, nobody else's.
    for (const [role, listed] of [
      ['requester', true],
      ['other', false],
      ['approver', false],
      ['admin', true],
    ] as const) {
      const list = (await agents[role].get('/connections')).text
      expect({ role, listed: list.includes(`href="/connections/${d.demo.connection_id}"`) }).toEqual({
        role,
        listed,
      })
    }
  })

  it('connection routes: owners and administrators; policy is the administrators’; refusals change nothing', async () => {
    const restrictedKey = d.odoo.user('restricted').api_key
    const form = {
      name: 'Restricted helper',
      odoo_login: 'restricted',
      odoo_secret: restrictedKey,
      approval_tools: ['delete_record'],
      approver_login: '',
      approval_expiry_hours: '2',
    }
    // Creating with an Odoo key one holds, and any policy: administrators only.
    await expectAnswers(agents, 'POST /connections', (a) => a.post('/connections', form), {
      anonymous: 401,
      requester: 403,
      other: 403,
      approver: 403,
      admin: 200,
    })
    const listing = (await agents.admin.get('/connections')).text
    expect(listing.match(/Restricted helper/g)).toHaveLength(1) // only the administrator's attempt created one
    const helper = async (name: string) => {
      const made = await agents.admin.post('/connections', { ...form, name })
      expect(made.status).toBe(200)
      return Number(/href="\/connections\/(\d+)"/.exec(made.text)?.[1])
    }
    const id = Number(/href="\/connections\/(\d+)">Restricted helper/.exec(listing)?.[1])
    expect(id).toBeGreaterThan(d.demo.connection_id)

    // The policy: not even restricted (the owner) may set it.
    const update = { ...form, name: 'Renamed by someone', approval_expiry_hours: '1' }
    await expectAnswers(agents, 'POST /connections/:id', (a) => a.post(`/connections/${id}`, update), {
      anonymous: 401,
      requester: 404,
      other: 403,
      approver: 404,
      admin: 303,
    })
    expect((await agents.admin.get(`/connections/${id}`)).text).toContain('value="Renamed by someone"')

    // Rotate: the owner gets a token; the administrator's rotation revokes and shows none.
    const rotations: Record<string, string> = {}
    await expectAnswers(
      agents,
      'POST /connections/:id/rotate',
      async (a) => {
        const answer = await a.post(`/connections/${id}/rotate`)
        rotations[a === agents.other ? 'other' : a === agents.admin ? 'admin' : 'x'] = answer.text
        return answer
      },
      { anonymous: 401, requester: 404, other: 200, approver: 404, admin: 200 },
    )
    expect(rotations.other).toMatch(/value="csk_/)
    expect(rotations.admin).not.toContain('csk_')
    expect(rotations.admin).toContain('rotating it revoked it and issued no new token')
    expect((await agents.admin.get(`/connections/${id}`)).text).toContain('badge-revoked')

    // Re-issue: the owner's alone, from a revoked connection.
    await expectAnswers(
      agents,
      'POST /connections/:id/reissue',
      (a) => a.post(`/connections/${id}/reissue`),
      {
        anonymous: 401,
        requester: 404,
        other: 200,
        approver: 404,
        admin: 403,
      },
    )

    // Revoke: the owner or an administrator; others are told it does not exist, and it stays active.
    const second = await helper('Restricted helper 2')
    for (const role of ['requester', 'approver'] as const)
      expect((await agents[role].post(`/connections/${second}/revoke`)).status).toBe(404)
    expect((await agents.anonymous.post(`/connections/${second}/revoke`)).status).toBe(401)
    expect((await agents.admin.get(`/connections/${second}`)).text).toContain('badge-active')
    expect((await agents.other.post(`/connections/${second}/revoke`)).status).toBe(303)
    const third = await helper('Restricted helper 3')
    expect((await agents.admin.post(`/connections/${third}/revoke`)).status).toBe(303)
    for (const c of [second, third])
      expect((await agents.admin.get(`/connections/${c}`)).text).toContain('badge-revoked')
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
