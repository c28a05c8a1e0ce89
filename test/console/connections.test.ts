/**
 * Connections managed in the console by an MCP administrator, end to end: the token shown once
 * with client snippets really opens MCP, a policy edit changes what the AI sees, rotate replaces
 * the token, revoke ends it; an administrator cannot loosen their own connection (tools or effects
 * that need approval); bad input is a form error that creates nothing. Plain HTTP (forms +
 * redirects, as without JavaScript).
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups, mcpHttpClient } from '../helpers/countersign.js'
import { postMcp } from '../helpers/mcp-raw.js'
import { ConsoleAgent, type Deployment, startDeployment } from './helpers.js'

// serve listens on a random port, so the default public URL would not name it; give one.
const PUBLIC_URL = 'http://countersign.example.test:8080'
const TOKEN = /<input id="token" class="token" readonly value="(csk_[^"]+)"/

async function toolNames(client: Client): Promise<string[]> {
  return (await client.listTools()).tools.map((t) => t.name).sort()
}

async function mcpStatus(url: string, token: string): Promise<number> {
  return (await postMcp(url, token, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} })).status
}

describe('connections in the console', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  const admin = () => new ConsoleAgent(d.server.url)
  let agent: ConsoleAgent

  beforeAll(async () => {
    d = await startDeployment(cleanups, { env: { COUNTERSIGN_PUBLIC_URL: PUBLIC_URL } })
    agent = admin()
    expect((await agent.login('admin', 'admin')).status).toBe(303)
  })
  afterAll(() => cleanups.run())

  it('creates a connection: the token is shown once, with snippets, and opens MCP as that user', async () => {
    const created = await agent.post('/connections', {
      name: 'Restricted in Cursor',
      odoo_login: 'restricted',
      odoo_secret: d.odoo.user('restricted').api_key,
      allowed_tools: ['search_read', 'count_records'],
      approver_login: '',
      approval_expiry_hours: '2',
    })
    expect(created.status).toBe(200)
    const token = TOKEN.exec(created.text)?.[1] as string
    expect(token).toMatch(/^csk_/)
    const mcp_url = `${PUBLIC_URL}/mcp`
    expect(created.text).toContain(
      `claude mcp add --transport http countersign ${mcp_url} --header &quot;Authorization: Bearer ${token}&quot;`,
    )
    expect(created.text).toContain('&quot;mcp-remote&quot;')
    expect(created.text).toContain('&quot;--allow-http&quot;') // mcp-remote wants it for http beyond localhost
    expect(created.text).toContain(`&quot;url&quot;: &quot;${mcp_url}&quot;`)
    expect(created.text).not.toContain(d.odoo.user('restricted').api_key) // the Odoo secret is never shown

    const id = Number(/href="\/connections\/(\d+)"/.exec(created.text)?.[1])
    const page = await agent.get(`/connections/${id}`)
    expect(page.status).toBe(200)
    expect(page.text).not.toContain(token) // shown once: only its prefix afterwards
    expect(page.text).toContain(`${token.slice(0, 8)}`)

    const client = await mcpHttpClient(d.server.url, token, 'legacy', cleanups)
    expect(await toolNames(client)).toEqual([
      'check_approval_status',
      'count_records',
      'list_my_approval_requests',
      'search_read',
    ])
  })

  it('refuses bad input as a form error, creating nothing', async () => {
    const before = (await agent.get('/connections')).text.match(/<tr class="connection-/g)?.length ?? 0
    const wrongKey = await agent.post('/connections', {
      name: 'Wrong key',
      odoo_login: 'restricted',
      odoo_secret: 'not-the-key',
      approval_expiry_hours: '2',
    })
    expect(wrongKey.status).toBe(422)
    expect(wrongKey.text).toContain('Odoo refused this login')
    expect(wrongKey.text).toContain('value="Wrong key"') // what was typed comes back…
    expect(wrongKey.text).not.toContain('not-the-key') // …except the secret
    const noHours = await agent.post('/connections', {
      name: 'No hours',
      odoo_login: 'restricted',
      odoo_secret: d.odoo.user('restricted').api_key,
      approval_expiry_hours: '',
    })
    expect(noHours.status).toBe(422)
    expect(noHours.text).toContain('approval_expiry_hours')
    const after = (await agent.get('/connections')).text.match(/<tr class="connection-/g)?.length ?? 0
    expect(after).toBe(before)
  })

  // The administrator's own connection: rotating someone else's revokes it (own-connections.test.ts).
  it('edits the policy, rotates and revokes; each takes effect on MCP at once', async () => {
    const created = await agent.post('/connections', {
      name: 'Admin in Claude Code',
      odoo_login: 'admin',
      odoo_secret: d.odoo.user('admin').api_key,
      write_access: 'on',
      approval_tools: ['delete_record'],
      approver_login: 'reviewer',
      approval_expiry_hours: '4',
    })
    const first = TOKEN.exec(created.text)?.[1] as string
    const id = Number(/href="\/connections\/(\d+)"/.exec(created.text)?.[1])
    const client = await mcpHttpClient(d.server.url, first, 'legacy', cleanups)
    expect(await toolNames(client)).toContain('delete_record')

    const edited = await agent.post(`/connections/${id}`, {
      name: 'Admin in Claude Code (read only)',
      approval_tools: ['delete_record'],
      approver_login: 'reviewer',
      approval_expiry_hours: '4',
    })
    expect([edited.status, edited.location]).toEqual([303, `/connections/${id}?done=updated`])
    expect((await agent.get(edited.location as string)).text).toContain('Policy saved.')
    expect(await toolNames(client)).not.toContain('delete_record') // write access is off now

    const rotated = await agent.post(`/connections/${id}/rotate`)
    expect(rotated.status).toBe(200)
    const second = TOKEN.exec(rotated.text)?.[1] as string
    expect(second).not.toBe(first)
    expect(await mcpStatus(d.server.url, first)).toBe(401)
    expect(await mcpStatus(d.server.url, second)).toBe(200)

    const revoked = await agent.post(`/connections/${id}/revoke`)
    expect([revoked.status, revoked.location]).toEqual([303, `/connections/${id}?done=revoked`])
    expect(await mcpStatus(d.server.url, second)).toBe(401)
    expect((await agent.post(`/connections/${id}/rotate`)).status).toBe(409) // a revoked connection stays revoked
    // Everything above is in the audit log, by the administrator.
    const audit = (await agent.get(`/audit?connection_id=${id}`)).text
    for (const event of [
      'connection_created',
      'connection_updated',
      'connection_rotated',
      'connection_revoked',
    ])
      expect(audit).toContain(`<code>${event}</code>`)
  })

  it('an administrator cannot loosen the policy of their own connection', async () => {
    const created = await agent.post('/connections', {
      name: 'Admin’s own',
      odoo_login: 'admin',
      odoo_secret: d.odoo.user('admin').api_key,
      approval_tools: ['delete_record', 'batch_delete'],
      approver_login: '',
      approval_expiry_hours: '2',
    })
    const id = Number(/href="\/connections\/(\d+)"/.exec(created.text)?.[1])
    const loosen = await agent.post(`/connections/${id}`, {
      name: 'Admin’s own',
      write_access: 'on',
      approval_tools: ['delete_record'],
      approver_login: '',
      approval_expiry_hours: '2',
    })
    expect(loosen.status).toBe(422)
    expect(loosen.text).toContain('you cannot loosen the policy of your own connection')
    const page = (await agent.get(`/connections/${id}`)).text
    expect(page).toContain(
      'id="approval_tools-batch_delete" name="approval_tools" value="batch_delete" checked',
    )
    expect(page).not.toContain('id="write_access" name="write_access" type="checkbox" value="on" checked')
  })

  it('escapes what people typed: a connection name with markup is shown as text', async () => {
    const name = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'
    const created = await agent.post('/connections', {
      name,
      odoo_login: 'restricted',
      odoo_secret: d.odoo.user('restricted').api_key,
      approval_expiry_hours: '1',
    })
    expect(created.status).toBe(200)
    const list = (await agent.get('/connections')).text
    expect(list).toContain(
      '&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;',
    )
    expect(list).not.toContain('<script>alert')
    expect(list).not.toContain('<img src=x')
  })

  describe('effects that need approval', () => {
    const checkbox = (kind: string, checked: boolean) =>
      `id="approval_effects-${kind}" name="approval_effects" value="${kind}"${checked ? ' checked' : ''} aria-describedby`
    const rowOf = (list: string, id: number) =>
      new RegExp(`<tr class="connection-active">\\s*<td><a href="/connections/${id}">[\\s\\S]*?</tr>`).exec(
        list,
      )?.[0] ?? ''
    const idOf = (text: string) => Number(/href="\/connections\/(\d+)"/.exec(text)?.[1])
    const count = async () =>
      (await agent.get('/connections')).text.match(/<tr class="connection-/g)?.length ?? 0

    it('the new-connection form offers every kind, described, with the recommended set ticked', async () => {
      const form = (await agent.get('/connections/new')).text
      expect(form).toContain('<legend>Effects that need approval (whatever tool carries them)</legend>')
      for (const kind of ['delete', 'archive', 'state', 'send', 'call'])
        expect(form).toContain(checkbox(kind, true))
      for (const kind of ['create', 'write']) expect(form).toContain(checkbox(kind, false))
      expect(form).toContain(
        `<span id="approval_effects-delete-help" class="help">deleting records, also through update_record&#39;s x2many commands or execute_method unlink</span>`,
      )
    })

    it('creates and edits them; the list and the connection page show them', async () => {
      const created = await agent.post('/connections', {
        name: 'Effects in Cursor',
        odoo_login: 'restricted',
        odoo_secret: d.odoo.user('restricted').api_key,
        write_access: 'on',
        approval_effects: ['send', 'delete'],
        approver_login: '',
        approval_expiry_hours: '2',
      })
      expect(created.status).toBe(200)
      const id = idOf(created.text)
      let page = (await agent.get(`/connections/${id}`)).text
      for (const kind of ['delete', 'send']) expect(page).toContain(checkbox(kind, true))
      for (const kind of ['create', 'write', 'archive', 'state', 'call'])
        expect(page).toContain(checkbox(kind, false))
      expect(rowOf((await agent.get('/connections')).text, id)).toContain('<td>delete, send</td>')

      // Someone else's connection: an administrator may change the kinds either way.
      const edited = await agent.post(`/connections/${id}`, {
        name: 'Effects in Cursor',
        write_access: 'on',
        approval_effects: ['archive', 'state', 'call'],
        approver_login: '',
        approval_expiry_hours: '2',
      })
      expect([edited.status, edited.location]).toEqual([303, `/connections/${id}?done=updated`])
      page = (await agent.get(`/connections/${id}`)).text
      for (const kind of ['archive', 'state', 'call']) expect(page).toContain(checkbox(kind, true))
      for (const kind of ['delete', 'send']) expect(page).toContain(checkbox(kind, false))
      expect(rowOf((await agent.get('/connections')).text, id)).toContain('<td>archive, state, call</td>')

      const cleared = await agent.post(`/connections/${id}`, {
        name: 'Effects in Cursor',
        write_access: 'on',
        approver_login: '',
        approval_expiry_hours: '2',
      })
      expect(cleared.status).toBe(303)
      expect(rowOf((await agent.get('/connections')).text, id)).toMatch(
        /<td><span class="none">none<\/span><\/td>\s*<td><span class="none">none<\/span><\/td>/,
      )
      const audit = (await agent.get(`/audit?connection_id=${id}`)).text
      expect(audit.match(/<code>connection_updated<\/code>/g)).toHaveLength(2)
    })

    it('an administrator cannot remove an effect kind from their own connection; adding one is fine', async () => {
      const created = await agent.post('/connections', {
        name: 'Admin’s effects',
        odoo_login: 'admin',
        odoo_secret: d.odoo.user('admin').api_key,
        approval_effects: ['delete', 'archive', 'send'],
        approver_login: '',
        approval_expiry_hours: '2',
      })
      const id = idOf(created.text)
      const form = {
        name: 'Admin’s effects',
        approver_login: '',
        approval_expiry_hours: '2',
      }
      const loosen = await agent.post(`/connections/${id}`, {
        ...form,
        approval_effects: ['delete', 'state'],
      })
      expect(loosen.status).toBe(422)
      expect(loosen.text).toContain('you cannot loosen the policy of your own connection')
      expect(loosen.text).toContain(
        'removes approval for archiving records, sending to people outside (whatever the tool)',
      )
      const page = (await agent.get(`/connections/${id}`)).text
      for (const kind of ['delete', 'archive', 'send']) expect(page).toContain(checkbox(kind, true))
      expect(page).toContain(checkbox('state', false)) // refused as a whole: the added kind is not kept either
      const audit = (await agent.get(`/audit?connection_id=${id}`)).text
      expect(audit).not.toContain('<code>connection_updated</code>')

      const tighten = await agent.post(`/connections/${id}`, {
        ...form,
        approval_effects: ['delete', 'archive', 'send', 'call'],
      })
      expect(tighten.status).toBe(303)
      expect((await agent.get(`/connections/${id}`)).text).toContain(checkbox('call', true))
    })

    it('refuses an unknown or repeated kind as a form error: nothing created, nothing changed', async () => {
      const before = await count()
      const unknown = await agent.post('/connections', {
        name: 'Bad effects',
        odoo_login: 'restricted',
        odoo_secret: d.odoo.user('restricted').api_key,
        approval_effects: ['delete', '<b>unlink</b>'],
        approver_login: '',
        approval_expiry_hours: '2',
      })
      expect(unknown.status).toBe(422)
      expect(unknown.text).toContain(
        'approval_effects[1]: &#39;&lt;b&gt;unlink&lt;/b&gt;&#39; is not an effect kind: use create, write, delete, archive, state, send, call',
      )
      expect(unknown.text).not.toContain('<b>unlink</b>')
      expect(unknown.text).toContain(checkbox('delete', true)) // what was ticked comes back
      expect(await count()).toBe(before)

      const created = await agent.post('/connections', {
        name: 'Good effects',
        odoo_login: 'restricted',
        odoo_secret: d.odoo.user('restricted').api_key,
        approval_effects: ['delete'],
        approver_login: '',
        approval_expiry_hours: '2',
      })
      const id = idOf(created.text)
      for (const [approval_effects, message] of [
        [['delete', 'explode'], 'approval_effects[1]: &#39;explode&#39; is not an effect kind'],
        [['delete', 'send', 'send'], 'approval_effects: names an effect kind more than once'],
      ] as const) {
        const refused = await agent.post(`/connections/${id}`, {
          name: 'Renamed',
          approval_effects: [...approval_effects],
          approver_login: '',
          approval_expiry_hours: '2',
        })
        expect(refused.status).toBe(422)
        expect(refused.text).toContain(message)
      }
      const page = (await agent.get(`/connections/${id}`)).text
      expect(page).toContain('value="Good effects"')
      expect(page).toContain(checkbox('delete', true))
      expect(page).toContain(checkbox('send', false))
    })
  })
})
