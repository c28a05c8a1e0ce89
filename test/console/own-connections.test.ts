/**
 * People connect their own AI clients in the console (issue 13), over plain HTTP: with their Odoo
 * password Countersign makes an Odoo API key under their user and keeps only that; a pasted key
 * must be their own; a wrong password or someone else's key stores nothing. The owner alone sees
 * the token, once; someone else's connection does not exist for a non-administrator; nobody but an
 * administrator sets policy. An administrator rotating someone else's connection revokes it and
 * receives nothing that authenticates; the owner re-issues it and gets a working token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups, mcpHttpClient } from '../helpers/countersign.js'
import { postMcp } from '../helpers/mcp-raw.js'
import { ConsoleAgent, type Deployment, startDeployment } from './helpers.js'

const TOKEN = /<input id="token" class="token" readonly value="(csk_[^"]+)"/
const ID = /href="\/connections\/(\d+)"/

async function mcpStatus(url: string, token: string): Promise<number> {
  return (await postMcp(url, token, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} })).status
}

describe('connections people make for themselves', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let demo: ConsoleAgent
  let restricted: ConsoleAgent
  let admin: ConsoleAgent

  /** Every key in Odoo, with its owner's uid (read as the sandbox's admin). */
  async function odooKeys(): Promise<Array<{ name: string; user_id: [number, string] }>> {
    const response = await fetch(`${d.odoo.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'call',
        params: {
          service: 'object',
          method: 'execute_kw',
          args: [
            d.odoo.db,
            2,
            'admin',
            'res.users.apikeys',
            'search_read',
            [[]],
            { fields: ['name', 'user_id'] },
          ],
        },
      }),
    })
    return ((await response.json()) as { result: Array<{ name: string; user_id: [number, string] }> }).result
  }

  const connectionCount = async (agent: ConsoleAgent) =>
    (await agent.get('/connections')).text.match(/<tr class="connection-/g)?.length ?? 0

  beforeAll(async () => {
    // A small login limit, so that the test of guessing through the connect form reaches it.
    d = await startDeployment(cleanups, { env: { COUNTERSIGN_LOGIN_FAILURE_LIMIT: '3' } })
    demo = new ConsoleAgent(d.server.url)
    restricted = new ConsoleAgent(d.server.url)
    admin = new ConsoleAgent(d.server.url)
    expect((await demo.login('demo', 'demo')).status).toBe(303)
    expect((await restricted.login('restricted', 'restricted')).status).toBe(303)
    expect((await admin.login('admin', 'admin')).status).toBe(303)
  })
  afterAll(() => cleanups.run())

  it('with the password: an Odoo API key under demo, the token once, working as demo', async () => {
    const form = (await demo.get('/connections/connect')).text
    expect(form).toContain('<option value="Claude Desktop" selected>Claude Desktop</option>')
    const created = await demo.post('/connections/connect', {
      name: 'Marc on his laptop',
      ai_client: 'Claude Desktop',
      method: 'password',
      password: 'demo',
    })
    expect(created.status).toBe(200)
    expect(created.text).not.toContain('value="demo"') // the password is never echoed
    const token = TOKEN.exec(created.text)?.[1] as string
    expect(token).toMatch(/^csk_/)
    expect(created.text).toContain('claude mcp add --transport http countersign')
    const id = Number(ID.exec(created.text)?.[1])

    const demoUid = d.odoo.user('demo').uid
    expect(await odooKeys()).toContainEqual({
      id: expect.any(Number),
      name: 'Countersign — Claude Desktop',
      user_id: [demoUid, 'Marc Demo'],
    })

    const client = await mcpHttpClient(d.server.url, token, 'legacy', cleanups)
    const tools = (await client.listTools()).tools.map((t) => t.name)
    expect(tools).toContain('search_read')
    expect(tools).toContain('delete_record') // DEFAULT_OWN_POLICY: write access, risky tools gated
    const page = await demo.get(`/connections/${id}`)
    expect(page.status).toBe(200)
    expect(page.text).not.toContain(token)
    expect(page.text).toContain('<dt>AI client</dt><dd>Claude Desktop</dd>')
    expect(page.text).toContain('named <q>Countersign — Claude Desktop</q>')
    expect(page.text).not.toContain('name="write_access"') // the owner sees the policy, no form to change it
    const audit = (await admin.get(`/audit?connection_id=${id}`)).text
    expect(audit).toContain('<code>connection_created</code>')
    // His list: name, client, status, created and last use of each of his connections.
    const list = (await demo.get('/connections')).text
    const row =
      new RegExp(`<tr class="connection-active">\\s*<td><a href="/connections/${id}">[\\s\\S]*?</tr>`).exec(
        list,
      )?.[0] ?? ''
    expect(row).toContain('Marc on his laptop')
    expect(row).toContain('<td>Claude Desktop</td>')
    expect(row).toContain('badge-active')
    expect(row.match(/<time datetime=|<span class="none">—<\/span>/g)?.length).toBeGreaterThanOrEqual(2)
  })

  it('a wrong password is a clear error; nothing is stored, no key made', async () => {
    const before = { connections: await connectionCount(admin), keys: (await odooKeys()).length }
    const refused = await demo.post('/connections/connect', {
      name: 'Wrong password',
      ai_client: 'Cursor',
      method: 'password',
      password: 'not-his',
    })
    expect(refused.status).toBe(422)
    expect(refused.text).toContain(
      'Odoo refused the login &#39;demo&#39; with that password: no API key was made',
    )
    expect(refused.text).toContain('Nothing was stored.')
    expect(refused.text).toContain('value="Wrong password"')
    expect(refused.text).not.toContain('not-his')
    expect({ connections: await connectionCount(admin), keys: (await odooKeys()).length }).toEqual(before)
  })

  it('a pasted key must be the person’s own: another user’s key or a password is refused', async () => {
    const before = await connectionCount(admin)
    const others = await restricted.post('/connections/connect', {
      name: 'Borrowed key',
      ai_client: 'other',
      ai_client_other: 'My own agent',
      method: 'api_key',
      odoo_api_key: d.odoo.user('demo').api_key,
    })
    expect(others.status).toBe(422)
    expect(others.text).toContain('Odoo does not accept this API key for your login &#39;restricted&#39;')
    expect(others.text).not.toContain(d.odoo.user('demo').api_key)
    const password = await restricted.post('/connections/connect', {
      name: 'Password as key',
      ai_client: 'Cursor',
      method: 'api_key',
      odoo_api_key: 'restricted',
    })
    expect(password.status).toBe(422)
    expect(password.text).toContain('not a password')
    expect(await connectionCount(admin)).toBe(before)

    const own = await restricted.post('/connections/connect', {
      name: 'Own key',
      ai_client: 'other',
      ai_client_other: 'My own agent',
      method: 'api_key',
      odoo_api_key: d.odoo.user('restricted').api_key,
    })
    expect(own.status).toBe(200)
    const token = TOKEN.exec(own.text)?.[1] as string
    expect(await mcpStatus(d.server.url, token)).toBe(200)
    expect((await restricted.get(`/connections/${Number(ID.exec(own.text)?.[1])}`)).text).toContain(
      '<dt>AI client</dt><dd>My own agent</dd>',
    )
  })

  it('someone else’s connection does not exist for a non-administrator; policy is the administrators’', async () => {
    const created = await demo.post('/connections/connect', {
      name: 'Marc in Cursor',
      ai_client: 'Cursor',
      method: 'password',
      password: 'demo',
    })
    const token = TOKEN.exec(created.text)?.[1] as string
    const id = Number(ID.exec(created.text)?.[1])
    expect((await restricted.get('/connections')).text).not.toContain(`href="/connections/${id}"`)
    for (const [method, path] of [
      ['GET', `/connections/${id}`],
      ['POST', `/connections/${id}/rotate`],
      ['POST', `/connections/${id}/revoke`],
      ['POST', `/connections/${id}/reissue`],
      ['POST', `/connections/${id}`],
    ] as const) {
      const answer =
        method === 'GET' ? await restricted.get(path) : await restricted.post(path, { name: 'x' })
      expect({ method, path, status: answer.status }).toEqual({ method, path, status: 404 })
    }
    // The owner may not set the policy of his own connection either: 403, and nothing changes.
    const loosen = await demo.post(`/connections/${id}`, {
      name: 'Marc in Cursor',
      write_access: 'on',
      approver_login: '',
      approval_expiry_hours: '8',
    })
    expect(loosen.status).toBe(403)
    const page = (await demo.get(`/connections/${id}`)).text
    expect(page).toContain('badge-active')
    expect(page).toContain('<dt>tools that need approval</dt><dd>delete_record, batch_delete, execute_method')
    expect(await mcpStatus(d.server.url, token)).toBe(200)
  })

  it('an administrator rotating demo’s connection revokes it and gets nothing that authenticates; demo re-issues', async () => {
    const created = await demo.post('/connections/connect', {
      name: 'Marc in Claude Code',
      ai_client: 'Claude Code',
      method: 'password',
      password: 'demo',
    })
    const first = TOKEN.exec(created.text)?.[1] as string
    const id = Number(ID.exec(created.text)?.[1])
    expect(await mcpStatus(d.server.url, first)).toBe(200)

    const rotated = await admin.post(`/connections/${id}/rotate`)
    expect(rotated.status).toBe(200)
    expect(rotated.text).not.toMatch(/csk_/)
    expect(rotated.text).not.toMatch(/Bearer/)
    expect(rotated.text).toContain('rotating it revoked it and issued no new token')
    expect(await mcpStatus(d.server.url, first)).toBe(401)
    expect((await demo.get(`/connections/${id}`)).text).toContain('badge-revoked')
    const audit = (await admin.get(`/audit?connection_id=${id}`)).text
    expect(audit).toContain('<code>connection_revoked</code>')
    expect(audit).not.toContain('<code>connection_rotated</code>')

    // The owner re-issues it: a new connection like it, the token shown to him once, working.
    const reissued = await demo.post(`/connections/${id}/reissue`)
    expect(reissued.status).toBe(200)
    const second = TOKEN.exec(reissued.text)?.[1] as string
    expect(second).toMatch(/^csk_/)
    expect(await mcpStatus(d.server.url, second)).toBe(200)
    expect(await mcpStatus(d.server.url, first)).toBe(401)
    const newId = Number(ID.exec(reissued.text)?.[1])
    expect(newId).toBeGreaterThan(id)

    // And the owner's own rotation hands him a new token, the old one stopping at once.
    const own = await demo.post(`/connections/${newId}/rotate`)
    const third = TOKEN.exec(own.text)?.[1] as string
    expect(third).toMatch(/^csk_/)
    expect(await mcpStatus(d.server.url, second)).toBe(401)
    expect(await mcpStatus(d.server.url, third)).toBe(200)
    expect((await admin.post(`/connections/${newId}/revoke`)).status).toBe(303)
    expect(await mcpStatus(d.server.url, third)).toBe(401)
  })

  it('passwords typed to connect count against the login limit: a stolen session cannot guess one', async () => {
    const reviewer = new ConsoleAgent(d.server.url)
    expect((await reviewer.login('reviewer', 'reviewer')).status).toBe(303)
    const before = await connectionCount(admin)
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) {
      const answer = await reviewer.post('/connections/connect', {
        name: 'Guess',
        ai_client: 'Cursor',
        method: 'password',
        password: `guess-${i}`,
      })
      statuses.push(answer.status)
    }
    expect(statuses.slice(0, 3)).toEqual([422, 422, 422])
    expect(statuses.slice(3)).toEqual([429, 429])
    // Refused before Odoo is asked, even with the right password, until the window ends.
    const right = await reviewer.post('/connections/connect', {
      name: 'Right',
      ai_client: 'Cursor',
      method: 'password',
      password: 'reviewer',
    })
    expect(right.status).toBe(429)
    expect(await connectionCount(admin)).toBe(before)
  })

  it('a person picks a policy profile of their groups; one of other groups is refused and leaves no key', async () => {
    const profile = (name: string, group: string, approval_tools: string[]) => ({
      name,
      description: `For ${name}`,
      odoo_groups: group,
      write_access: 'on',
      approval_tools,
      approval_effects: ['delete'],
      approver_login: '',
      approval_expiry_hours: '2',
    })
    expect(
      (await admin.post('/profiles', profile('Sales', 'sales_team.group_sale_salesman', ['delete_record'])))
        .status,
    ).toBe(303)
    expect(
      (await admin.post('/profiles', profile('Managers', 'sales_team.group_sale_manager', []))).status,
    ).toBe(303)
    const form = (await demo.get('/connections/connect')).text
    const ids = Object.fromEntries(
      [...form.matchAll(/<option value="(\d+)">(\w+) \(for /g)].map((m) => [m[2], m[1]]),
    )
    expect(Object.keys(ids).sort()).toEqual(['Managers', 'Sales'])

    const before = { connections: await connectionCount(admin), keys: (await odooKeys()).length }
    const refused = await demo.post('/connections/connect', {
      name: 'As a manager',
      ai_client: 'Cursor',
      method: 'password',
      password: 'demo',
      profile: ids.Managers as string,
    })
    expect(refused.status).toBe(422)
    expect(refused.text).toContain('you may not use this profile')
    expect({ connections: await connectionCount(admin), keys: (await odooKeys()).length }).toEqual(before)

    const created = await demo.post('/connections/connect', {
      name: 'As a salesman',
      ai_client: 'Cursor',
      method: 'password',
      password: 'demo',
      profile: ids.Sales as string,
    })
    expect(created.status).toBe(200)
    const token = TOKEN.exec(created.text)?.[1] as string
    const id = ID.exec(created.text)?.[1] as string
    const page = (await admin.get(`/connections/${id}`)).text
    expect(page).toContain(`takes its policy from profile <a href="/profiles/${ids.Sales}">Sales</a>`)
    const client = await mcpHttpClient(d.server.url, token, 'modern', cleanups)
    const names = (await client.listTools()).tools.map((t) => t.name)
    expect(names).toContain('delete_record')
  })

  it('the owner moves their connection to a stricter profile of their groups, never to a looser or foreign one', async () => {
    const strict = {
      name: 'Strict sales',
      description: 'More approvals',
      odoo_groups: 'sales_team.group_sale_salesman',
      write_access: 'on',
      approval_tools: ['delete_record', 'create_record'],
      approval_effects: ['delete', 'send'],
      approver_login: '',
      approval_expiry_hours: '1',
    }
    expect((await admin.post('/profiles', strict)).status).toBe(303)
    const mine = (await demo.get('/connections')).text
    const id = /href="\/connections\/(\d+)">As a salesman</.exec(mine)?.[1] as string
    const page = (await demo.get(`/connections/${id}`)).text
    const options = Object.fromEntries(
      [...page.matchAll(/<option value="(\d+)"(?: selected)?>([^<]+)<\/option>/g)].map((m) => [m[2], m[1]]),
    )
    expect(Object.keys(options).sort()).toEqual(['Managers', 'Sales', 'Strict sales'])
    const move = (who: ConsoleAgent, name: string) =>
      who.post(`/connections/${id}/profile`, { profile_id: options[name] as string })

    const foreign = await move(demo, 'Managers')
    expect(foreign.status).toBe(422)
    expect(foreign.text).toContain('you may not use')
    expect((await move(restricted, 'Strict sales')).status).toBe(404)
    expect((await move(demo, 'Strict sales')).location).toBe(`/connections/${id}?done=profile`)
    expect((await demo.get(`/connections/${id}`)).text).toContain('From the policy profile Strict sales')
    // Back to Sales would take create_record out of approval: a loosening, refused.
    const looser = await move(demo, 'Sales')
    expect(looser.status).toBe(422)
    expect(looser.text).toContain('create_record')
    expect((await demo.get(`/connections/${id}`)).text).toContain('From the policy profile Strict sales')
  })
})
