/**
 * Conformance: Countersign makes an Odoo API key for a person, in Odoo, with the password they
 * typed (src/odoo/api-keys.ts: the description wizard, `make_key`, the identity check), on every
 * Odoo and protocol the suite knows. The key authenticates as that person over the target's
 * protocol and is listed under them in `res.users.apikeys`; a wrong password makes no key; the
 * owner removes it again with the same check. Odoo 18+ gives a plain user's key an expiry (at most
 * 90 days for Internal Users), 17 none. And the whole console story (issue 13): demo logs in,
 * connects an AI client with his password, the key is in Odoo under him and the token works at /mcp;
 * revoking it with his password deletes the key in Odoo.
 */
import { expect, it } from 'vitest'
import { apiKeyName, issueApiKey, removeApiKeys } from '../../src/odoo/api-keys.js'
import { createOdooClient, isOdooError, type OdooClient } from '../../src/odoo/index.js'
import { ConsoleAgent } from '../console/helpers.js'
import { postMcp } from '../helpers/mcp-raw.js'
import { describeEachOdoo } from './targets.js'

const DAY_MS = 24 * 60 * 60 * 1000

describeEachOdoo('API keys made for a person', (deployment, target) => {
  function client(): OdooClient {
    const d = deployment()
    const made = createOdooClient({ url: d.url, db: d.db, protocol: target.protocol, timeout_ms: 30_000 })
    d.cleanups.push(() => made.close())
    return made
  }

  async function keysNamed(name: string) {
    const fields = target.major >= 18 ? ['name', 'user_id', 'expiration_date'] : ['name', 'user_id']
    return deployment().odooAdmin.call<
      Array<{ id: number; name: string; user_id: [number, string]; expiration_date?: string | false }>
    >('res.users.apikeys', 'search_read', { kwargs: { domain: [['name', '=', name]], fields } })
  }

  it('makes a key for demo, under demo in Odoo, that authenticates as demo; the owner can remove it', async () => {
    const d = deployment()
    const odoo = client()
    const name = apiKeyName(d.unique('Claude Desktop'))
    const issued = await issueApiKey(odoo, { login: 'demo', password: d.users.demo.password, key_name: name })
    expect(issued).toMatchObject({ uid: d.users.demo.uid, login: 'demo', name })
    expect((await odoo.authenticate({ login: 'demo', secret: issued.key })).uid).toBe(d.users.demo.uid)

    const [row, ...more] = await keysNamed(name)
    expect(more).toEqual([])
    expect(row?.user_id[0]).toBe(d.users.demo.uid)
    expect(issued.id).toBe(row?.id)
    if (target.major >= 18) {
      // Not an administrator: Odoo refuses a key without expiry; the longest it allows is taken.
      const expires = new Date(`${row?.expiration_date}Z`).getTime()
      expect(expires - Date.now()).toBeGreaterThan(80 * DAY_MS)
      expect(expires - Date.now()).toBeLessThan(91 * DAY_MS)
      expect(issued.expires_at?.getTime()).toBe(expires)
    } else {
      expect(issued.expires_at).toBeNull()
    }
    // demo sees it among his own keys.
    const demo = await d.odooAs('demo')
    expect(
      await demo.call('res.users.apikeys', 'search_count', { kwargs: { domain: [['name', '=', name]] } }),
    ).toBe(1)

    expect(
      await removeApiKeys(odoo, { login: 'demo', password: d.users.demo.password, key_name: name }),
    ).toBe(1)
    expect(await keysNamed(name)).toEqual([])
    await expect(odoo.authenticate({ login: 'demo', secret: issued.key })).rejects.toMatchObject({
      kind: 'authentication_failed',
    })
  })

  it('a wrong password is refused clearly and makes no key', async () => {
    const d = deployment()
    const name = apiKeyName(d.unique('wrong password'))
    const error = await issueApiKey(client(), { login: 'demo', password: 'not-his', key_name: name }).catch(
      (e: unknown) => e,
    )
    expect(isOdooError(error) && error.kind).toBe('authentication_failed')
    expect((error as Error).message).toContain('no API key was made')
    expect(await keysNamed(name)).toEqual([])
  })

  it('demo connects an AI client himself in the console: the key is his in Odoo and the token works', async () => {
    const d = deployment()
    const agent = new ConsoleAgent(d.server.url)
    expect((await agent.login('demo', d.users.demo.password)).status).toBe(303)
    const aiClient = d.unique('agent')
    const created = await agent.post('/connections/connect', {
      name: 'Marc conformance',
      ai_client: 'other',
      ai_client_other: aiClient,
      method: 'password',
      password: d.users.demo.password,
    })
    expect(created.status, created.text.slice(0, 2000)).toBe(200)
    const token = /<input id="token" class="token" readonly value="(csk_[^"]+)"/.exec(
      created.text,
    )?.[1] as string
    const name = apiKeyName(aiClient)
    const [row] = await keysNamed(name)
    expect(row?.user_id[0]).toBe(d.users.demo.uid)
    const mcp = await d.mcp(token)
    expect((await mcp.listTools()).tools.map((t) => t.name)).toContain('search_read')
    const read = await mcp.callTool({
      name: 'search_read',
      arguments: { model: 'res.users', domain: [['id', '=', d.users.demo.uid]], fields: ['login'], limit: 1 },
    })
    expect(read.isError).toBeFalsy()
    expect(JSON.stringify(read.structuredContent)).toContain('"demo"')

    // Its page says when Odoo will stop accepting the key (18+; 17's keys do not expire).
    const id = Number(/href="\/connections\/(\d+)"/.exec(created.text)?.[1])
    const page = (await agent.get(`/connections/${id}`)).text
    if (target.major >= 18) {
      const expires = new Date(`${row?.expiration_date}Z`).toISOString()
      expect(page).toContain(`<dt>Odoo key expires</dt><dd><time datetime="${expires}">`)
    } else {
      expect(page).not.toContain('Odoo key expires')
    }

    // He revokes it with his password: the key goes from Odoo too; a wrong password changes nothing.
    expect((await agent.post(`/connections/${id}/revoke`, { password: 'not-his' })).status).toBe(422)
    expect(await keysNamed(name)).toHaveLength(1)
    const revoked = await agent.post(`/connections/${id}/revoke`, { password: d.users.demo.password })
    expect(revoked.location).toBe(`/connections/${id}?done=revoked_key_deleted`)
    expect(await keysNamed(name)).toEqual([])
    const after = await postMcp(d.server.url, token, {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: {},
    })
    expect(after.status).toBe(401)
  })
})
