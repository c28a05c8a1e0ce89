/**
 * API keys a user makes for themselves in the sandbox, as in Odoo 17: the description wizard's
 * `make_key` behind the identity check (`res.users.identitycheck.run_check`, the password written
 * on the wizard), the key then working for that user alone, listed in `res.users.apikeys` for its
 * owner and system administrators, and removed through `remove` behind the same check. Driven
 * through src/odoo's issueApiKey over both protocols, and step by step over the web session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiKeyName, issueApiKey } from '../../src/odoo/api-keys.js'
import { createHttpPoster } from '../../src/odoo/http-post.js'
import { createOdooClient, isOdooError, type OdooClient } from '../../src/odoo/index.js'
import { openWebLogin } from '../../src/odoo/web-login.js'
import { type SandboxOdoo, startSandboxOdoo } from '../../src/sandbox/index.js'

let sandbox: SandboxOdoo
const clients: OdooClient[] = []

beforeAll(async () => {
  sandbox = await startSandboxOdoo()
  for (const protocol of ['jsonrpc', 'json2'] as const)
    clients.push(createOdooClient({ url: sandbox.url, db: sandbox.db, protocol, timeout_ms: 10_000 }))
})
afterAll(async () => {
  for (const client of clients) await client.close()
  await sandbox.close()
})

function admin(client: OdooClient) {
  const user = sandbox.user('admin')
  return client.session({ login: 'admin', uid: user.uid, secret: user.api_key })
}

async function keysOf(client: OdooClient, uid: number) {
  return admin(client).call<Array<{ id: number; name: string; user_id: [number, string] }>>(
    'res.users.apikeys',
    'search_read',
    { kwargs: { domain: [['user_id', '=', uid]], fields: ['name', 'user_id'] } },
  )
}

describe.each([0, 1])('issueApiKey (client %i: JSON-RPC, JSON-2)', (index) => {
  it('makes a key in Odoo for the user, named as asked, that authenticates as them', async () => {
    const client = clients[index] as OdooClient
    const demo = sandbox.user('demo')
    const name = apiKeyName(`Claude Desktop ${index}`)
    const issued = await issueApiKey(client, { login: 'demo', password: demo.password, key_name: name })
    expect(issued).toMatchObject({
      uid: demo.uid,
      login: 'demo',
      name: `Countersign — Claude Desktop ${index}`,
    })
    expect(issued.key).toMatch(/^[0-9a-f]{40}$/)
    const session = await client.authenticate({ login: 'demo', secret: issued.key })
    expect(session.uid).toBe(demo.uid)
    // The owner lists it among their own keys; Odoo never shows the key itself.
    const own = await session.call<Array<{ name: string; user_id: [number, string] }>>(
      'res.users.apikeys',
      'search_read',
      { kwargs: { domain: [['name', '=', name]], fields: ['name', 'user_id'] } },
    )
    expect(own).toEqual([expect.objectContaining({ name, user_id: [demo.uid, 'Marc Demo'] })])
    expect(JSON.stringify(own)).not.toContain(issued.key)
    expect((await keysOf(client, demo.uid)).map((k) => k.name)).toContain(name)
    // Another plain user sees none of demo's keys, and the key is not theirs.
    const restricted = sandbox.user('restricted')
    const other = client.session({ login: 'restricted', uid: restricted.uid, secret: restricted.api_key })
    expect(
      await other.call('res.users.apikeys', 'search_count', {
        kwargs: { domain: [['user_id', '=', demo.uid]] },
      }),
    ).toBe(0)
    await expect(client.authenticate({ login: 'restricted', secret: issued.key })).rejects.toMatchObject({
      kind: 'authentication_failed',
    })
  })

  it('refuses a wrong password clearly and makes no key', async () => {
    const client = clients[index] as OdooClient
    const demo = sandbox.user('demo')
    const before = await keysOf(client, demo.uid)
    const error = await issueApiKey(client, { login: 'demo', password: 'wrong', key_name: 'x' }).catch(
      (e) => e,
    )
    expect(isOdooError(error) && error.kind).toBe('authentication_failed')
    expect(String(error.message)).toMatch(/refused the login 'demo'.*no API key was made/)
    expect(await keysOf(client, demo.uid)).toEqual(before)
  })
})

describe('the identity check, step by step over a web session', () => {
  const http = createHttpPoster()
  afterAll(() => http.close())
  const open = (login: string) =>
    openWebLogin(
      { url: sandbox.url, db: sandbox.db, timeout_ms: 10_000, http },
      { login, secret: sandbox.user(login).password },
    )

  it('answers the wizard first, refuses a wrong password on it without a key, then makes one', async () => {
    const web = await open('demo')
    const id = await web.call<number>('res.users.apikeys.description', 'create', {
      kwargs: { vals_list: { name: 'step by step' } },
    })
    const action = await web.call<{ res_model: string; res_id: number }>(
      'res.users.apikeys.description',
      'make_key',
      { ids: [id] },
    )
    expect(action).toMatchObject({ type: 'ir.actions.act_window', res_model: 'res.users.identitycheck' })
    await web.call('res.users.identitycheck', 'write', {
      ids: [action.res_id],
      kwargs: { vals: { password: 'wrong' } },
    })
    await expect(
      web.call('res.users.identitycheck', 'run_check', { ids: [action.res_id] }),
    ).rejects.toMatchObject({
      kind: 'user_error',
      message: expect.stringMatching(/^Incorrect Password/),
    })
    expect((await keysOf(clients[0] as OdooClient, web.uid)).map((k) => k.name)).not.toContain('step by step')
    await web.call('res.users.identitycheck', 'write', {
      ids: [action.res_id],
      kwargs: { vals: { password: sandbox.user('demo').password } },
    })
    const shown = await web.call<{ res_model: string; context: { default_key: string } }>(
      'res.users.identitycheck',
      'run_check',
      { ids: [action.res_id] },
    )
    expect(shown.res_model).toBe('res.users.apikeys.show')
    expect((await clients[0]?.authenticate({ login: 'demo', secret: shown.context.default_key }))?.uid).toBe(
      web.uid,
    )
    await web.close()
  })

  it('removes a key for its owner behind the check, never for another plain user; the key then stops working', async () => {
    const client = clients[0] as OdooClient
    const issued = await issueApiKey(client, {
      login: 'demo',
      password: sandbox.user('demo').password,
      key_name: 'to remove',
    })
    const [row] = (await keysOf(client, issued.uid)).filter((k) => k.name === 'to remove')
    const restricted = await open('restricted')
    // Not even visible to them: Odoo's record rule hides other people's keys.
    await expect(
      restricted.call('res.users.apikeys', 'remove', { ids: [row?.id as number] }),
    ).rejects.toMatchObject({
      kind: 'access_denied',
    })
    await restricted.close()
    const web = await open('demo')
    const action = await web.call<{ res_model: string; res_id: number }>('res.users.apikeys', 'remove', {
      ids: [row?.id as number],
    })
    expect(action.res_model).toBe('res.users.identitycheck')
    await web.call('res.users.identitycheck', 'write', {
      ids: [action.res_id],
      kwargs: { vals: { password: sandbox.user('demo').password } },
    })
    expect(await web.call('res.users.identitycheck', 'run_check', { ids: [action.res_id] })).toEqual({
      type: 'ir.actions.act_window_close',
    })
    await web.close()
    await expect(client.authenticate({ login: 'demo', secret: issued.key })).rejects.toMatchObject({
      kind: 'authentication_failed',
    })
  })
})
