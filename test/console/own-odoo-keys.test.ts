/**
 * The Odoo API keys Countersign makes for people's own connections. The owner revokes a connection
 * and, with their Odoo password, has its key deleted in Odoo too (connections/remove-key.ts). A
 * wrong password changes nothing; an administrator cannot (the key and the password are the
 * owner's); a key another active connection of theirs still uses is kept. Without a password,
 * revoking keeps the key and re-issuing works. A key that expires (Odoo 18+; the sandbox is 17, so
 * its date is set in the store here) is shown on the connection's page and flagged in the list
 * when it is near or past. With a second factor on (auth_totp), the password can neither make nor
 * delete a key, and the person is told so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readStoreConfig } from '../../src/config.js'
import { createOdooClient } from '../../src/odoo/index.js'
import type { OdooSession } from '../../src/odoo/types.js'
import { openStore } from '../../src/store/open-store.js'
import { Cleanups } from '../helpers/countersign.js'
import { postMcp } from '../helpers/mcp-raw.js'
import { ConsoleAgent, type Deployment, startDeployment } from './helpers.js'

const TOKEN = /<input id="token" class="token" readonly value="(csk_[^"]+)"/
const ID = /href="\/connections\/(\d+)"/

describe('the Odoo API keys of people’s own connections', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let demo: ConsoleAgent
  let admin: ConsoleAgent
  let odooAdmin: OdooSession

  const mcpStatus = async (token: string) =>
    (await postMcp(d.server.url, token, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} })).status

  /** The ids of demo's API keys in Odoo, read as the sandbox's admin. */
  async function demoKeys(): Promise<number[]> {
    const rows = await odooAdmin.call<Array<{ id: number }>>('res.users.apikeys', 'search_read', {
      kwargs: { domain: [['user_id', '=', d.odoo.user('demo').uid]], fields: ['id'] },
    })
    return rows.map((r) => r.id)
  }

  /** demo connects `ai_client` with his password: the connection id, its token, and the key made. */
  async function connect(ai_client: string): Promise<{ id: number; token: string; key: number }> {
    const before = await demoKeys()
    const created = await demo.post('/connections/connect', {
      name: `Marc in ${ai_client}`,
      ai_client,
      method: 'password',
      password: 'demo',
    })
    expect(created.status).toBe(200)
    const made = (await demoKeys()).filter((k) => !before.includes(k))
    expect(made).toHaveLength(1)
    return {
      id: Number(ID.exec(created.text)?.[1]),
      token: TOKEN.exec(created.text)?.[1] as string,
      key: made[0] as number,
    }
  }

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    const odoo = createOdooClient({ url: d.odoo.url, db: d.odoo.db, protocol: 'jsonrpc', timeout_ms: 10_000 })
    cleanups.push(() => odoo.close())
    odooAdmin = await odoo.authenticate({ login: 'admin', secret: 'admin' })
    demo = new ConsoleAgent(d.server.url)
    admin = new ConsoleAgent(d.server.url)
    expect((await demo.login('demo', 'demo')).status).toBe(303)
    expect((await admin.login('admin', 'admin')).status).toBe(303)
  })
  afterAll(() => cleanups.run())

  it('with the owner’s password the key is deleted in Odoo; a wrong one or an administrator changes nothing', async () => {
    const { id, token, key } = await connect('Cursor')
    const own = (await demo.get(`/connections/${id}`)).text
    expect(own).toContain('Also delete its Odoo API key <q>Countersign — Cursor</q>')
    expect(own).toContain('name="password" type="password"')
    // Not the administrator's to delete: no field, and the server refuses a forged one.
    expect((await admin.get(`/connections/${id}`)).text).not.toContain('name="password"')
    const forged = await admin.post(`/connections/${id}/revoke`, { password: 'demo' })
    expect(forged.status).toBe(403)
    expect(forged.text).toContain('Only the owner of a connection may delete its Odoo API key')

    const wrong = await demo.post(`/connections/${id}/revoke`, { password: 'not-his' })
    expect(wrong.status).toBe(422)
    expect(wrong.text).toContain(
      'Odoo refused your password: nothing was revoked and the key is still in Odoo',
    )
    expect(await mcpStatus(token)).toBe(200)
    expect(await demoKeys()).toContain(key)

    const revoked = await demo.post(`/connections/${id}/revoke`, { password: 'demo' })
    expect([revoked.status, revoked.location]).toEqual([303, `/connections/${id}?done=revoked_key_deleted`])
    expect(await mcpStatus(token)).toBe(401)
    expect(await demoKeys()).not.toContain(key)
    expect((await demo.get(`/connections/${id}?done=revoked_key_deleted`)).text).toContain(
      'Connection revoked and its Odoo API key deleted in Odoo.',
    )
    expect((await admin.get(`/audit?connection_id=${id}`)).text).toContain(
      'deleted from Odoo: Countersign — Cursor',
    )
    // Nothing is left to re-issue it with, and the page says why.
    const reissue = await demo.post(`/connections/${id}/reissue`)
    expect(reissue.status).toBe(422)
    expect(reissue.text).toContain('Odoo no longer accepts the API key of that connection')
  })

  it('without a password the key stays, and a key a re-issued connection still uses is not deleted', async () => {
    const { id, token, key } = await connect('Claude Code')
    expect((await demo.post(`/connections/${id}/revoke`)).status).toBe(303)
    expect(await mcpStatus(token)).toBe(401)
    expect(await demoKeys()).toContain(key)

    const reissued = await demo.post(`/connections/${id}/reissue`)
    const next = Number(ID.exec(reissued.text)?.[1])
    const nextToken = TOKEN.exec(reissued.text)?.[1] as string
    const again = await demo.post(`/connections/${id}/reissue`)
    const other = Number(ID.exec(again.text)?.[1])
    expect(await mcpStatus(nextToken)).toBe(200)

    const shared = await demo.post(`/connections/${next}/revoke`, { password: 'demo' })
    expect(shared.status).toBe(422)
    expect(shared.text).toContain(`(#${other}) uses the same Odoo API key`)
    expect(await mcpStatus(nextToken)).toBe(200)
    expect(await demoKeys()).toContain(key)

    expect((await demo.post(`/connections/${other}/revoke`)).status).toBe(303)
    const last = await demo.post(`/connections/${next}/revoke`, { password: 'demo' })
    expect(last.location).toBe(`/connections/${next}?done=revoked_key_deleted`)
    expect(await mcpStatus(nextToken)).toBe(401)
    expect(await demoKeys()).not.toContain(key)
  })

  it('an expiry date of the key is shown, and the list flags a key that expires soon or has expired', async () => {
    const soon = await connect('Cursor')
    const past = await connect('Claude Code')
    const later = await connect('Claude Desktop')
    const day = 24 * 60 * 60 * 1000
    const dates = new Map([
      [soon.id, new Date(Date.now() + 3 * day)],
      [past.id, new Date(Date.now() - day)],
      [later.id, new Date(Date.now() + 60 * day)],
    ])
    const store = await openStore(readStoreConfig(d.env), {})
    try {
      for (const [id, date] of dates)
        await store.db
          .updateTable('connection')
          .set({ odoo_key_expires_at: date.toISOString() })
          .where('connection_id', '=', id)
          .execute()
    } finally {
      await store.close()
    }
    const shown = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
    const row = (list: string, id: number) =>
      new RegExp(`<tr class="connection-active">\\s*<td><a href="/connections/${id}">[\\s\\S]*?</tr>`).exec(
        list,
      )?.[0] ?? ''
    const list = (await demo.get('/connections')).text
    expect(row(list, soon.id)).toContain(
      `Odoo key expires <time datetime="${dates.get(soon.id)?.toISOString()}">`,
    )
    expect(row(list, past.id)).toContain('badge-expired">Odoo key expired')
    expect(row(list, later.id)).not.toContain('Odoo key')
    const page = (await demo.get(`/connections/${later.id}`)).text
    expect(page).toContain(
      `<dt>Odoo key expires</dt><dd><time datetime="${dates.get(later.id)?.toISOString()}">${shown(dates.get(later.id) as Date)}</time>`,
    )
  })

  it('with a second factor on in Odoo, the password neither makes nor deletes a key, and says why', async () => {
    const { id, token, key } = await connect('Cursor')
    const secondFactor = (enabled: boolean) =>
      fetch(`${d.odoo.url}/__sandbox/second-factor`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'demo', enabled }),
      })
    expect((await secondFactor(true)).status).toBe(200)
    try {
      const revoke = await demo.post(`/connections/${id}/revoke`, { password: 'demo' })
      expect(revoke.status).toBe(422)
      expect(revoke.text).toContain('Odoo wants a second factor for your login')
      expect(revoke.text).toContain('nothing was revoked')
      expect(await mcpStatus(token)).toBe(200)
      expect(await demoKeys()).toContain(key)

      const before = await demoKeys()
      const connectAgain = await demo.post('/connections/connect', {
        name: 'Marc with 2FA',
        ai_client: 'Cursor',
        method: 'password',
        password: 'demo',
      })
      expect(connectAgain.status).toBe(422)
      expect(connectAgain.text).toContain('Odoo wants a second factor for &#39;demo&#39;')
      expect(await demoKeys()).toEqual(before)
    } finally {
      expect((await secondFactor(false)).status).toBe(200)
    }
  })
})
