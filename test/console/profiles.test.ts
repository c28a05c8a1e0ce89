/**
 * Policy profiles in the console (issue 13) × anonymous, the requester, another user, the assigned
 * approver and an MCP administrator: only the administrator sees or changes profiles or puts a
 * connection on one, and a refused change changes nothing. The administrator's changes apply to a
 * connected AI client at once; bad input and deleting a profile in use are refused with the reason;
 * nobody loosens their own connection by choosing a profile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups, createConnection } from '../helpers/countersign.js'
import { type ConsoleAgent, type Deployment, startDeployment } from './helpers.js'
import { expectAnswers, logInAll, type Role, TO_LOGIN } from './roles.js'

describe('policy profiles in the console', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let agents: Record<Role, ConsoleAgent>
  let profile_id: number

  beforeAll(async () => {
    d = await startDeployment(cleanups, { approver: 'reviewer' })
    agents = await logInAll(d)
  })
  afterAll(() => cleanups.run())

  const form = (overrides: Record<string, string | string[]> = {}) => ({
    name: 'Sales',
    description: 'For salespeople',
    odoo_groups: 'sales_team.group_sale_salesman\nsales_team.group_sale_manager',
    write_access: 'on',
    approval_tools: ['delete_record', 'batch_delete'],
    approval_effects: ['delete', 'send'],
    approver_login: '',
    approval_expiry_hours: '2',
    ...overrides,
  })
  const tools = async () => (await d.demo.client.listTools()).tools.map((t) => t.name)

  it('only the administrator creates a profile; refused attempts create nothing', async () => {
    await expectAnswers(agents, 'POST /profiles', (a) => a.post('/profiles', form()), {
      anonymous: 401,
      requester: 403,
      other: 403,
      approver: 403,
      admin: [303, /^\/profiles\/\d+\?done=created$/],
    })
    const listing = (await agents.admin.get('/profiles')).text
    expect(listing.match(/>Sales<\/a>/g)).toHaveLength(1)
    profile_id = Number(/href="\/profiles\/(\d+)">Sales</.exec(listing)?.[1])
    expect(listing).toContain('sales_team.group_sale_manager, sales_team.group_sale_salesman')
  })

  it('GET pages: anonymous → login, everyone but the administrator 403', async () => {
    for (const path of ['/profiles', '/profiles/new', `/profiles/${profile_id}`]) {
      await expectAnswers(agents, `GET ${path}`, (a) => a.get(path), {
        anonymous: [303, TO_LOGIN],
        requester: 403,
        other: 403,
        approver: 403,
        admin: 200,
      })
    }
    expect((await agents.admin.get('/approvals')).text).toContain('href="/profiles"')
    expect((await agents.requester.get('/approvals')).text).not.toContain('href="/profiles"')
  })

  it('only the administrator puts any connection on a profile; its AI gets the policy at once', async () => {
    const path = `/connections/${d.demo.connection_id}/profile`
    // The owner may move only to a profile that loosens nothing: Sales has no approver, demo's
    // connection has reviewer, so it is refused; someone else's connection does not exist for them.
    await expectAnswers(agents, `POST ${path}`, (a) => a.post(path, { profile_id: String(profile_id) }), {
      anonymous: 401,
      requester: 422,
      other: 404,
      approver: 404,
      admin: [303, /\?done=profile$/],
    })
    const page = (await agents.admin.get(`/connections/${d.demo.connection_id}`)).text
    expect(page).toContain('takes its policy from profile <a href="/profiles/')
    expect(page).toContain('Policy (from profile Sales)')
    expect(page).not.toContain('Save policy')
    expect(await tools()).toContain('create_record')
  })

  it('only the administrator edits a profile: tightening it hides a tool of the connected AI', async () => {
    const path = `/profiles/${profile_id}`
    const readOnly = form({ write_access: [] })
    await expectAnswers(agents, `POST ${path}`, (a) => a.post(path, readOnly), {
      anonymous: 401,
      requester: 403,
      other: 403,
      approver: 403,
      admin: [303, /\?done=updated$/],
    })
    expect(await tools()).not.toContain('create_record')
    expect(await tools()).toContain('search_read')
  })

  it('refuses bad input with the reason and changes nothing', async () => {
    const rows = async () => /<tbody>[\s\S]*<\/tbody>/.exec((await agents.admin.get('/profiles')).text)?.[0]
    const before = await rows()
    const bad = await agents.admin.post('/profiles', form({ name: 'Bad', odoo_groups: 'salesman' }))
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('an Odoo group is named by its xml id')
    const twin = await agents.admin.post('/profiles', form())
    expect(twin.status).toBe(422)
    expect(twin.text).toContain('a profile named &#39;Sales&#39; exists already')
    const unknown = await agents.admin.post(`/connections/${d.demo.connection_id}/profile`, {
      profile_id: '99999',
    })
    expect(unknown.status).toBe(422)
    expect(await rows()).toBe(before)
    expect(before).toContain('>Sales</a>')
  })

  it('refuses to delete a profile in use, then deletes it once unused (administrator only)', async () => {
    const path = `/profiles/${profile_id}/delete`
    await expectAnswers(agents, `POST ${path}`, (a) => a.post(path), {
      anonymous: 401,
      requester: 403,
      other: 403,
      approver: 403,
      admin: 409,
    })
    expect((await agents.admin.post(path)).text).toContain('profile Sales is used by 1 connection(s)')
    // Back to its own policy: it keeps what it had on the profile (read-only now).
    await agents.admin.post(`/connections/${d.demo.connection_id}/profile`, { profile_id: '' })
    const page = (await agents.admin.get(`/connections/${d.demo.connection_id}`)).text
    expect(page).toContain('This connection has its own policy')
    expect(page).not.toMatch(/id="write_access"[^>]*checked/)
    expect(await tools()).not.toContain('create_record')
    expect((await agents.admin.post(path)).location).toBe('/profiles?done=deleted')
    expect((await agents.admin.get('/profiles')).text).toContain('No profiles yet')
  })

  it('an administrator cannot loosen their own connection by putting it on a profile', async () => {
    const own = await createConnection(d.env, {
      user: 'admin',
      key: d.odoo.user('admin').api_key,
      args: ['--approval-tools', 'delete_record'],
      name: 'admin own',
    })
    const made = await agents.admin.post('/profiles', form({ name: 'Loose', approval_tools: [] }))
    const loose = Number(/\/profiles\/(\d+)/.exec(made.location ?? '')?.[1])
    const answer = await agents.admin.post(`/connections/${own.connection_id}/profile`, {
      profile_id: String(loose),
    })
    expect(answer.status).toBe(422)
    expect(answer.text).toContain('you cannot loosen the policy of your own connection')
    expect((await agents.admin.get(`/connections/${own.connection_id}`)).text).toContain(
      'This connection has its own policy',
    )
  })
})
