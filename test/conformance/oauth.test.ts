/**
 * Conformance: a remote MCP client signs in with OAuth on every Odoo and protocol the suite knows.
 * demo allows it on the consent page with his Odoo password; Countersign makes his API key in Odoo
 * (listed under him), the client's access token works at /mcp over the target's protocol, and a
 * gated call is filed as demo; revoking it in the console with his password deletes the key in Odoo
 * and ends the token. The person's part is plain HTTP here (the browser flow is
 * test/oauth/flow.test.ts).
 */
import { expect, it } from 'vitest'
import { ConsoleAgent } from '../console/helpers.js'
import { mcpHttpClient } from '../helpers/countersign.js'
import { callTool } from '../helpers/deployment.js'
import { postMcp } from '../helpers/mcp-raw.js'
import { signInOverHttp } from '../helpers/oauth-client.js'
import { describeEachOdoo } from './targets.js'

const REDIRECT = 'http://127.0.0.1:9/conformance/callback'

describeEachOdoo('OAuth sign-in of an MCP client', (deployment) => {
  it('demo allows a client: his key in Odoo, tools as demo, a gated call filed as demo', async () => {
    const d = deployment()
    const base = d.server.url
    const client_name = d.unique('OAuth client')
    const registered = await fetch(`${base}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name, redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }),
    })
    expect(registered.status).toBe(201)
    const { client_id } = (await registered.json()) as { client_id: string }
    const tokens = await signInOverHttp(base, client_id, REDIRECT, {
      login: 'demo',
      password: d.users.demo.password,
    })

    const keys = await d.odooAdmin.call<Array<{ user_id: [number, string] }>>(
      'res.users.apikeys',
      'search_read',
      { kwargs: { domain: [['name', 'like', client_name]], fields: ['user_id'] } },
    )
    expect(keys.map((k) => k.user_id[0])).toEqual([d.users.demo.uid])

    const mcp = await mcpHttpClient(base, tokens.access_token, 'legacy', d.cleanups)
    const names = (await mcp.listTools()).tools.map((t) => t.name)
    expect(names).toContain('delete_record')
    const counted = await callTool(mcp, 'count_records', { model: 'res.partner' })
    expect(counted.count).toBeGreaterThan(0)
    const created = await d.odooAdmin.call<number | number[]>('res.partner', 'create', {
      args: [{ name: d.unique('OAuth partner') }],
    })
    const partner = Array.isArray(created) ? created[0] : created
    const pending = await callTool(mcp, 'delete_record', { model: 'res.partner', id: partner })
    expect(pending.status).toBe('pending_approval')
    const filed = await d.api('admin', d.secret('admin'), 'GET', `/approvals/${pending.request_id}`)
    expect(filed.status).toBe(200)
    expect(filed.body.requester).toMatchObject({ login: 'demo', uid: d.users.demo.uid })

    // demo disconnects it in the console with his password: the key goes from Odoo, the token stops.
    const browser = new ConsoleAgent(base)
    expect((await browser.login('demo', d.users.demo.password)).status).toBe(303)
    const list = (await browser.get('/connections')).text
    const id = new RegExp(`href="/connections/(\\d+)">${client_name}<`).exec(list)?.[1]
    expect(id).toBeDefined()
    const revoked = await browser.post(`/connections/${id}/revoke`, { password: d.users.demo.password })
    expect(revoked.location).toBe(`/connections/${id}?done=revoked_key_deleted`)
    expect(
      await d.odooAdmin.call('res.users.apikeys', 'search_count', {
        kwargs: { domain: [['name', 'like', client_name]] },
      }),
    ).toBe(0)
    const after = await postMcp(base, tokens.access_token, { jsonrpc: '2.0', id: 1, method: 'tools/list' })
    expect(after.status).toBe(401)
  })
})
