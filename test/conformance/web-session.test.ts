/**
 * The JSON-RPC client's session cookie (src/odoo/web-session.ts) against every Odoo that speaks
 * JSON-RPC: the sandbox and, with COUNTERSIGN_REAL_ODOO, real Odoo 17 and 19. What the product
 * relies on: `GET /web?db=` then `GET /web/session/logout` yields a cookie; `/jsonrpc` calls that
 * carry it are still authenticated by the uid and key in their arguments (a wrong key, or a key with
 * another user's uid, is refused); Odoo never answers them with a cookie; and, on real Odoo, the
 * session has no user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpPoster, type HttpPoster } from '../../src/odoo/http-post.js'
import { createOdooClient, type OdooError } from '../../src/odoo/index.js'
import { errorFromJsonRpc } from '../../src/odoo/jsonrpc.js'
import { createWebSession, type WebSession } from '../../src/odoo/web-session.js'
import { Cleanups } from '../helpers/countersign.js'
import { conformanceTargets, type Login, type OdooUser } from './targets.js'

for (const target of conformanceTargets().filter((t) => t.protocol === 'jsonrpc')) {
  describe(`conformance [${target.name}] the session cookie`, () => {
    const cleanups = new Cleanups()
    let odoo: { url: string; db: string; users: Record<Login, OdooUser> }
    let http: HttpPoster
    let web: WebSession
    let sid: string

    beforeAll(async () => {
      odoo = await target.open(cleanups)
      http = createHttpPoster()
      cleanups.push(() => http.close())
      web = createWebSession({ url: odoo.url, db: odoo.db, http, timeout_ms: 10_000 })
      cleanups.push(() => web.close())
      const deadline = Date.now() + 10_000
      for (;;) {
        const current = web.current()
        if (current) {
          sid = current
          break
        }
        if (Date.now() > deadline) throw new Error(`no session cookie from ${odoo.url}`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    })
    afterAll(() => cleanups.run())

    /** One /jsonrpc execute_kw with the cookie, as the client sends it. */
    async function call(uid: number, secret: string, method: string, args: unknown[], kwargs = {}) {
      const answer = await http.request(
        'POST',
        new URL('/jsonrpc', `${odoo.url}/`),
        {
          jsonrpc: '2.0',
          method: 'call',
          id: 1,
          params: {
            service: 'object',
            method: 'execute_kw',
            args: [odoo.db, uid, secret, 'res.users', method, args, kwargs],
          },
        },
        { Cookie: `session_id=${sid}` },
        30_000,
      )
      const body = JSON.parse(answer.body) as {
        result?: unknown
        error?: Parameters<typeof errorFromJsonRpc>[0]
      }
      return {
        setCookie: answer.setCookie,
        result: body.result,
        error: body.error ? errorFromJsonRpc(body.error) : null,
      }
    }

    it('calls carrying it run as the uid and key in their arguments, and Odoo sets no cookie in answer', async () => {
      const demo = odoo.users.demo
      const admin = odoo.users.admin
      const asDemo = await call(demo.uid, demo.api_key, 'read', [[demo.uid], ['login']])
      expect(asDemo.error).toBeNull()
      expect(asDemo.result).toEqual([{ id: demo.uid, login: 'demo' }])
      expect(asDemo.setCookie).toEqual([])
      const asAdmin = await call(admin.uid, admin.password, 'read', [[admin.uid], ['login']])
      expect(asAdmin.result).toEqual([{ id: admin.uid, login: 'admin' }])
      // What demo may not do, he may not do with the cookie either.
      const denied = await call(demo.uid, demo.api_key, 'write', [[admin.uid], { signature: 'x' }])
      expect(denied.error?.kind).toBe('access_denied')
    })

    it('a wrong key, or a key with another user’s uid, is refused with it', async () => {
      const demo = odoo.users.demo
      const wrong = await call(demo.uid, 'not-the-key', 'read', [[demo.uid], ['login']])
      expect(wrong.error).toMatchObject({
        kind: 'authentication_failed',
        odoo_name: 'odoo.exceptions.AccessDenied',
      })
      const forged = await call(odoo.users.admin.uid, demo.api_key, 'read', [[demo.uid], ['login']])
      expect(forged.error).toMatchObject({ kind: 'authentication_failed' } satisfies Partial<OdooError>)
      expect(wrong.setCookie).toEqual([])
    })

    it('the client’s own calls, with the cookie once it has one, answer as without', async () => {
      const client = createOdooClient({ url: odoo.url, db: odoo.db, protocol: 'jsonrpc', timeout_ms: 30_000 })
      cleanups.push(() => client.close())
      const session = await client.authenticate({ login: 'demo', secret: odoo.users.demo.api_key })
      const results: unknown[] = []
      for (let i = 0; i < 5; i++) {
        results.push(
          await session.call('res.partner', 'search_read', {
            kwargs: { domain: [], fields: ['name'], limit: 5, order: 'id' },
          }),
        )
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      for (const result of results) expect(result).toEqual(results[0])
      await expect(
        client
          .session({ login: 'demo', secret: 'not-the-key', uid: odoo.users.demo.uid })
          .call('res.partner', 'search_count', {
            kwargs: { domain: [] },
          }),
      ).rejects.toMatchObject({ kind: 'authentication_failed' })
    })

    if (target.real) {
      it('the session has no user: Odoo answers a user-only route with "Session Expired"', async () => {
        const answer = await http.request(
          'POST',
          new URL('/web/session/get_session_info', `${odoo.url}/`),
          { jsonrpc: '2.0', method: 'call', params: {}, id: 1 },
          { Cookie: `session_id=${sid}` },
          30_000,
        )
        const body = JSON.parse(answer.body) as { error?: { code?: number; data?: { name?: string } } }
        expect(body.error?.code).toBe(100)
        expect(body.error?.data?.name).toBe('odoo.http.SessionExpiredException')
      })
    }
  })
}
