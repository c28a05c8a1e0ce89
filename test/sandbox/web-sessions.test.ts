/**
 * The sandbox's web sessions answer as real Odoo 17 does on a server with one database (seen on
 * the real 17 and 19 of ../shared/odoo): `/web/login?db=` sets a cookie for a session it never
 * saves; `/web/session/logout` saves a logged-out session bound to the database under a new id;
 * `/jsonrpc` never sets a cookie; a forgotten session is not mentioned to anyone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type SandboxOdoo, startSandboxOdoo } from '../../src/sandbox/index.js'

let sandbox: SandboxOdoo
beforeEach(async () => {
  sandbox = await startSandboxOdoo()
})
afterEach(() => sandbox.close())

async function get(path: string, cookie?: string) {
  const response = await fetch(`${sandbox.url}${path}`, {
    redirect: 'manual',
    headers: cookie ? { cookie: `session_id=${cookie}` } : {},
  })
  await response.text()
  const set = response.headers.getSetCookie().find((c) => c.startsWith('session_id='))
  return {
    status: response.status,
    location: response.headers.get('location'),
    setCookie: set ?? null,
    sid: set ? (/^session_id=([^;]*)/.exec(set)?.[1] ?? null) : null,
  }
}

async function searchCount(cookie?: string) {
  const demo = sandbox.user('demo')
  const response = await fetch(`${sandbox.url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie && { cookie: `session_id=${cookie}` }) },
    body: JSON.stringify({
      jsonrpc: '2.0',
      method: 'call',
      id: 1,
      params: {
        service: 'object',
        method: 'execute_kw',
        args: [sandbox.db, demo.uid, demo.api_key, 'res.partner', 'search_count', [[]]],
      },
    }),
  })
  return {
    setCookie: response.headers.get('set-cookie'),
    body: (await response.json()) as { result?: number },
  }
}

describe('web sessions', () => {
  it('GET /web/login?db= sets a cookie the way Odoo 17 does, for a session it does not save', async () => {
    const login = await get(`/web/login?db=${sandbox.db}`)
    expect(login.status).toBe(200)
    expect(login.setCookie).toMatch(
      /^session_id=[0-9a-f]{40}; Expires=.+; Max-Age=604800; HttpOnly; Path=\/$/,
    )
    expect(sandbox.sessions().saved).toBe(0)
    // That cookie alone changes nothing: Odoo lists its databases as without one.
    await searchCount(login.sid as string)
    expect(sandbox.sessions().jsonrpc).toEqual({ bound: 0, unbound: 1, none: 0 })
  })

  it('GET /web?db= redirects to the login page; a database the session is not on makes a new saved session', async () => {
    const web = await get(`/web?db=${sandbox.db}`)
    expect(web).toMatchObject({ status: 303, location: `/web/login?db=${sandbox.db}` })
    expect(web.sid).toMatch(/^[0-9a-f]{40}$/)
    // With the same cookie again: nothing new to set.
    expect((await get(`/web?db=${sandbox.db}`, web.sid as string)).setCookie).toBeNull()
    const other = await get('/web?db=elsewhere')
    expect(other).toMatchObject({ status: 302, location: '/web?db=elsewhere' })
    expect(sandbox.sessions().saved).toBe(1)
  })

  it('GET /web/session/logout saves a session bound to the database under a new id, deleting the old one', async () => {
    const web = await get(`/web?db=${sandbox.db}`)
    const logout = await get('/web/session/logout', web.sid as string)
    expect(logout).toMatchObject({ status: 303, location: '/web' })
    expect(logout.sid).toMatch(/^[0-9a-f]{40}$/)
    expect(logout.sid).not.toBe(web.sid)
    expect(sandbox.sessions().saved).toBe(1)

    const call = await searchCount(logout.sid as string)
    expect(call.body.result).toBeGreaterThan(0)
    expect(call.setCookie).toBeNull()
    expect(sandbox.sessions().jsonrpc).toEqual({ bound: 1, unbound: 0, none: 0 })

    const again = await get('/web/session/logout', logout.sid as string)
    expect(again.sid).not.toBe(logout.sid)
    expect(sandbox.sessions().saved).toBe(1)
    await searchCount(logout.sid as string)
    expect(sandbox.sessions().jsonrpc).toEqual({ bound: 1, unbound: 1, none: 0 })
  })

  it('forgets every session through the hook without telling the client, and counts cookies it never set', async () => {
    const { sid } = await get('/web/session/logout')
    const forget = await fetch(`${sandbox.url}/__sandbox/sessions/forget`, { method: 'POST' })
    expect(await forget.json()).toMatchObject({ saved: 0 })
    const call = await searchCount(sid as string)
    expect(call.setCookie).toBeNull()
    expect(call.body.result).toBeGreaterThan(0)
    await searchCount('0'.repeat(40))
    await searchCount()
    const counts = await (await fetch(`${sandbox.url}/__sandbox/sessions`)).json()
    expect(counts).toEqual({ saved: 0, jsonrpc: { bound: 0, unbound: 2, none: 1 }, foreign: 1 })
  })
})
