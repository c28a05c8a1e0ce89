/**
 * The sandbox's two-factor users, as Odoo's auth_totp makes them: over RPC the password is refused
 * and only API keys work (`_rpc_api_keys_only`); an interactive login (`/web/session/authenticate`)
 * answers `{"uid": null}` with the right password (web/controllers/session.py, 17 and 19) and a
 * wrong one is still Access Denied. Turned off again, the password works as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOdooClient } from '../../src/odoo/index.js'
import { type SandboxOdoo, startSandboxOdoo } from '../../src/sandbox/index.js'

describe('sandbox: a user with a second factor', () => {
  let sandbox: SandboxOdoo
  beforeAll(async () => {
    sandbox = await startSandboxOdoo()
  })
  afterAll(() => sandbox.close())

  const hook = (enabled: unknown, login = 'demo') =>
    fetch(`${sandbox.url}/__sandbox/second-factor`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login, enabled }),
    })

  const webLogin = async (password: string) => {
    const response = await fetch(`${sandbox.url}/web/session/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'call',
        params: { db: sandbox.db, login: 'demo', password },
      }),
    })
    return {
      body: (await response.json()) as { result?: unknown; error?: { data?: { name?: string } } },
      cookie: response.headers.get('set-cookie'),
    }
  }

  it('refuses the password over RPC, takes API keys, and stops an interactive login before the code', async () => {
    const odoo = createOdooClient({ url: sandbox.url, db: sandbox.db, protocol: 'jsonrpc', timeout_ms: 5000 })
    try {
      expect((await odoo.authenticate({ login: 'demo', secret: 'demo' })).uid).toBe(sandbox.user('demo').uid)
      expect((await hook(true)).status).toBe(200)
      await expect(odoo.authenticate({ login: 'demo', secret: 'demo' })).rejects.toMatchObject({
        kind: 'authentication_failed',
      })
      const key = sandbox.user('demo').api_key
      expect((await odoo.authenticate({ login: 'demo', secret: key })).uid).toBe(sandbox.user('demo').uid)
      const pending = await webLogin('demo')
      expect(pending.body.result).toEqual({ uid: null })
      expect(pending.cookie).toBeNull()
      expect((await webLogin('not-his')).body.error?.data?.name).toBe('odoo.exceptions.AccessDenied')

      expect((await hook(false)).status).toBe(200)
      expect((await odoo.authenticate({ login: 'demo', secret: 'demo' })).uid).toBe(sandbox.user('demo').uid)
      expect((await webLogin('demo')).body.result).toMatchObject({ uid: sandbox.user('demo').uid })
    } finally {
      odoo.close()
    }
  })

  it('the hook wants a known login and a boolean', async () => {
    expect((await hook(true, 'nobody')).status).toBe(422)
    expect((await hook('yes')).status).toBe(422)
  })
})
