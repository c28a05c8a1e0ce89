/**
 * The JSON-RPC client's session cookie (src/odoo/web-session.ts), over real HTTP: against the
 * sandbox, whose web sessions behave like Odoo 17's (saved or not, bound to the database or not,
 * forgotten without a word), and against hand-made servers for what the sandbox never does (failing
 * web routes, a /jsonrpc answer that sets another session cookie, a redirect to another origin).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createHttpPoster } from '../../src/odoo/http-post.js'
import { createOdooClient, type OdooClient, type OdooSession } from '../../src/odoo/index.js'
import { createJsonRpcClient } from '../../src/odoo/jsonrpc.js'
import { type SandboxOdoo, startSandboxOdoo } from '../../src/sandbox/index.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.()
})

async function sandboxAt(port = 0): Promise<SandboxOdoo> {
  const sandbox = await startSandboxOdoo({ port })
  cleanups.push(() => sandbox.close())
  return sandbox
}

function clientOf(
  url: string,
  db: string,
  web_session?: { renew_after_ms?: number; retry_after_ms?: number },
): OdooClient {
  const odoo = createJsonRpcClient({ url, db, timeout_ms: 5000, http: createHttpPoster(), web_session })
  cleanups.push(() => odoo.close())
  return odoo
}

function demoSession(odoo: OdooClient, sandbox: SandboxOdoo): OdooSession {
  const demo = sandbox.user('demo')
  return odoo.session({ login: demo.login, secret: demo.api_key, uid: demo.uid })
}

const count = (session: OdooSession) =>
  session.call<number>('res.partner', 'search_count', { kwargs: { domain: [] } })

/** Calls until one carries a cookie the sandbox has saved, bound to its database (the fetch runs in the background). */
async function untilBound(session: OdooSession, sandbox: SandboxOdoo, timeout_ms = 5000): Promise<void> {
  const deadline = Date.now() + timeout_ms
  for (;;) {
    const before = sandbox.sessions().jsonrpc.bound
    await count(session)
    if (sandbox.sessions().jsonrpc.bound > before) return
    if (Date.now() > deadline)
      throw new Error(`no call carried a bound session: ${JSON.stringify(sandbox.sessions())}`)
    await sleep(10)
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('the session cookie against the sandbox', () => {
  it('is fetched once for concurrent first calls, which do not wait for it, and then goes with every call', async () => {
    const sandbox = await sandboxAt()
    const session = demoSession(clientOf(sandbox.url, sandbox.db), sandbox)
    // JSON-2 carries no cookie: the figure to compare with.
    const json2 = createOdooClient({ url: sandbox.url, db: sandbox.db, protocol: 'json2', timeout_ms: 5000 })
    cleanups.push(() => json2.close())
    const expected = await count(demoSession(json2, sandbox))

    const first = await Promise.all(Array.from({ length: 5 }, () => count(session)))
    expect(first).toEqual(Array(5).fill(expected))
    expect(sandbox.sessions().jsonrpc).toEqual({ bound: 0, unbound: 0, none: 5 })

    await untilBound(session, sandbox)
    const { jsonrpc: before } = sandbox.sessions()
    for (let i = 0; i < 10; i++) expect(await count(session)).toBe(expected)
    const after = sandbox.sessions()
    expect(after.jsonrpc).toEqual({ ...before, bound: before.bound + 10 })
    // One fetch: its logout saved one session (a second fetch would have saved another).
    expect(after.saved).toBe(1)
    expect(after.foreign).toBe(0)
  })

  it('carries no user: the uid and key in each call decide, and a wrong key is refused with the cookie', async () => {
    const sandbox = await sandboxAt()
    const odoo = clientOf(sandbox.url, sandbox.db)
    const session = demoSession(odoo, sandbox)
    await untilBound(session, sandbox)
    const demo = sandbox.user('demo')
    const bound = sandbox.sessions().jsonrpc.bound
    await expect(
      count(odoo.session({ login: demo.login, secret: 'not-the-key', uid: demo.uid })),
    ).rejects.toMatchObject({ kind: 'authentication_failed', odoo_name: 'odoo.exceptions.AccessDenied' })
    await expect(
      count(odoo.session({ login: 'admin', secret: demo.api_key, uid: sandbox.user('admin').uid })),
    ).rejects.toMatchObject({ kind: 'authentication_failed' })
    await expect(odoo.authenticate({ login: 'demo', secret: 'wrong' })).rejects.toMatchObject({
      kind: 'authentication_failed',
    })
    // Those refusals carried the cookie.
    expect(sandbox.sessions().jsonrpc.bound).toBe(bound + 3)
  })

  it('is renewed after Odoo silently forgot it, and a renewal replaces the old session', async () => {
    const sandbox = await sandboxAt()
    const session = demoSession(clientOf(sandbox.url, sandbox.db, { renew_after_ms: 300 }), sandbox)
    await untilBound(session, sandbox)
    sandbox.forgetSessions()
    const { jsonrpc: forgotten } = sandbox.sessions()
    await count(session)
    // Odoo answers as if there were no cookie (and lists its databases again).
    expect(sandbox.sessions().jsonrpc.unbound).toBe(forgotten.unbound + 1)
    await sleep(300)
    await untilBound(session, sandbox)
    expect(sandbox.sessions().saved).toBe(1)

    // A renewal of a session Odoo still has sends it along, so Odoo deletes it: one saved, not two.
    await sleep(300)
    const bound = sandbox.sessions().jsonrpc.bound
    for (let i = 0; i < 20 && sandbox.sessions().saved === 1; i++) await count(session)
    await untilBound(session, sandbox)
    expect(sandbox.sessions().saved).toBe(1)
    expect(sandbox.sessions().jsonrpc.bound).toBeGreaterThan(bound)
  })

  it('is renewed at once after a call found Odoo down (restarted, its sessions gone)', async () => {
    const sandbox = await sandboxAt()
    const port = Number(new URL(sandbox.url).port)
    const odoo = clientOf(sandbox.url, sandbox.db)
    // The password, not the API key: a restarted sandbox makes new keys.
    const demo = sandbox.user('demo')
    const session = odoo.session({ login: demo.login, secret: demo.password, uid: demo.uid })
    await untilBound(session, sandbox)
    await sandbox.close()
    await expect(count(session)).rejects.toMatchObject({ kind: 'network' })

    const again = await sandboxAt(port)
    await count(session)
    await untilBound(session, again)
    // Only calls made before the renewal's answer came back went without a cookie Odoo knows.
    expect(again.sessions().jsonrpc.unbound).toBeLessThanOrEqual(3)
    expect(again.sessions().saved).toBe(1)
  })
})

/** What a hand-made Odoo received. */
interface Received {
  method: string
  path: string
  cookie: string | null
}

interface FakeOdoo {
  url: string
  received: Received[]
  /** The session ids its logout handed out, in order. */
  issued: string[]
}

const ODOO_LIKE_ID = () =>
  Array.from({ length: 40 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('')

/**
 * An Odoo reduced to what the client does: `/jsonrpc` answers 7; `/web` and `/web/session/logout`
 * answer as Odoo does unless `web` answers them itself (return true when it did).
 */
async function fakeOdoo(
  options: {
    web?: (path: string, res: ServerResponse) => boolean
    jsonrpc?: (req: IncomingMessage, res: ServerResponse, cookie: string | null) => boolean
  } = {},
): Promise<FakeOdoo> {
  const received: Received[] = []
  const issued: string[] = []
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const cookie = /(?:^|;\s*)session_id=([^;]*)/.exec(req.headers.cookie ?? '')?.[1] ?? null
    received.push({ method: req.method ?? '', path, cookie })
    let body = ''
    req.on('data', (chunk) => {
      body += chunk
    })
    req.on('end', () => {
      if (path === '/jsonrpc') {
        if (options.jsonrpc?.(req, res, cookie)) return
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ jsonrpc: '2.0', id: JSON.parse(body).id, result: 7 }))
        return
      }
      if (options.web?.(path, res)) return
      if (path === '/web') {
        res.writeHead(303, {
          Location: '/web/login',
          'Set-Cookie': `session_id=${ODOO_LIKE_ID()}; HttpOnly; Path=/`,
        })
        res.end()
      } else if (path === '/web/session/logout') {
        const id = ODOO_LIKE_ID()
        issued.push(id)
        res.writeHead(303, {
          Location: '/web',
          'Set-Cookie': [`cids=; Max-Age=0; Path=/`, `session_id=${id}; HttpOnly; Path=/`],
        })
        res.end()
      } else {
        res.writeHead(404, { 'Content-Type': 'text/html' })
        res.end('<html>Not Found</html>')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, issued }
}

const rpcCookies = (fake: FakeOdoo) => fake.received.filter((r) => r.path === '/jsonrpc').map((r) => r.cookie)
const webGets = (fake: FakeOdoo) => fake.received.filter((r) => r.path !== '/jsonrpc')

/** Calls until one carries a cookie (or the deadline passes); returns it. */
async function untilCookie(session: OdooSession, fake: FakeOdoo, timeout_ms = 3000): Promise<string> {
  const deadline = Date.now() + timeout_ms
  for (;;) {
    await count(session)
    const last = rpcCookies(fake).at(-1)
    if (last) return last
    if (Date.now() > deadline) throw new Error('no call carried a cookie')
    await sleep(10)
  }
}

describe('the session cookie against hand-made servers', () => {
  const fixed = (fake: FakeOdoo, web_session?: { renew_after_ms?: number; retry_after_ms?: number }) =>
    clientOf(fake.url, 'x', web_session).session({ login: 'a', secret: 'b', uid: 2 })

  it('sends the cookie the logout handed out, after a GET /web?db= with the database name', async () => {
    const fake = await fakeOdoo()
    const session = fixed(fake)
    const cookie = await untilCookie(session, fake)
    expect(fake.issued).toEqual([cookie])
    expect(webGets(fake).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /web', 'GET /web/session/logout'])
    // The logout carried the cookie /web handed out, so it logs that session out.
    expect(webGets(fake)[1]?.cookie).toMatch(/^[0-9a-f]{40}$/)
  })

  for (const [route, status] of [
    ['/web', 404],
    ['/web', 500],
    ['/web/session/logout', 404],
    ['/web/session/logout', 500],
  ] as const) {
    it(`goes without a cookie when ${route} answers ${status}, and tries again only later`, async () => {
      const fake = await fakeOdoo({
        web: (path, res) => {
          if (path !== route) return false
          res.writeHead(status, { 'Content-Type': 'text/html' })
          res.end('<html>no</html>')
          return true
        },
      })
      const session = fixed(fake, { retry_after_ms: 400 })
      for (let i = 0; i < 5; i++) {
        expect(await count(session)).toBe(7)
        await sleep(20)
      }
      expect(rpcCookies(fake)).toEqual(Array(5).fill(null))
      expect(webGets(fake).filter((r) => r.path === '/web')).toHaveLength(1)
      await sleep(400)
      expect(await count(session)).toBe(7)
      await sleep(50)
      expect(webGets(fake).filter((r) => r.path === '/web')).toHaveLength(2)
    })
  }

  it('takes no cookie from a logout that sets none, or one Odoo would not make', async () => {
    for (const setCookie of [
      null,
      'session_id=; Max-Age=0; Path=/',
      'session_id=a b;c; Path=/',
      'session_id=short; Path=/',
    ]) {
      const fake = await fakeOdoo({
        web: (path, res) => {
          if (path !== '/web/session/logout') return false
          res.writeHead(303, { Location: '/web', ...(setCookie && { 'Set-Cookie': setCookie }) })
          res.end()
          return true
        },
      })
      const session = fixed(fake)
      for (let i = 0; i < 4; i++) {
        expect(await count(session)).toBe(7)
        await sleep(20)
      }
      expect(rpcCookies(fake)).toEqual(Array(4).fill(null))
    }
  })

  it('drops the cookie when an answer sets another session_id, never adopts that one, and fetches a new one', async () => {
    const other = ODOO_LIKE_ID()
    let replaced = false
    const fake = await fakeOdoo({
      jsonrpc: (_req, res, cookie) => {
        if (!cookie || replaced) return false
        replaced = true
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Set-Cookie': `session_id=${other}; Path=/`,
        })
        res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: 7 }))
        return true
      },
    })
    const session = fixed(fake)
    const first = await untilCookie(session, fake)
    expect(replaced).toBe(true)
    await sleep(50)
    for (let i = 0; i < 5; i++) {
      await count(session)
      await sleep(10)
    }
    const cookies = rpcCookies(fake)
    expect(cookies).not.toContain(other)
    expect(fake.issued).toHaveLength(2)
    expect(cookies.at(-1)).toBe(fake.issued[1])
    expect(cookies.filter((c) => c === first)).toHaveLength(1)
  })

  it('keeps the cookie when an answer sets the same session_id (Odoo 15 and older set it on every answer)', async () => {
    const fake = await fakeOdoo({
      jsonrpc: (_req, res, cookie) => {
        if (!cookie) return false
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Set-Cookie': `session_id=${cookie}; Path=/`,
        })
        res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: 7 }))
        return true
      },
    })
    const session = fixed(fake)
    const cookie = await untilCookie(session, fake)
    for (let i = 0; i < 3; i++) await count(session)
    expect(rpcCookies(fake).slice(-4)).toEqual(Array(4).fill(cookie))
    expect(fake.issued).toHaveLength(1)
  })

  it('follows no redirect: a web route pointing at another origin sends nothing there', async () => {
    const elsewhere = await fakeOdoo()
    const fake = await fakeOdoo({
      web: (path, res) => {
        if (path !== '/web') return false
        res.writeHead(302, { Location: `${elsewhere.url}/web/session/logout` })
        res.end()
        return true
      },
    })
    const session = fixed(fake)
    await untilCookie(session, fake)
    expect(elsewhere.received).toEqual([])
  })

  it('never puts the cookie in an error', async () => {
    let broken = false
    const fake = await fakeOdoo({
      jsonrpc: (_req, res) => {
        if (!broken) return false
        res.writeHead(502, { 'Content-Type': 'text/html' })
        res.end('<html>Bad Gateway</html>')
        return true
      },
    })
    const session = fixed(fake)
    const cookie = await untilCookie(session, fake)
    broken = true
    const error = (await count(session).catch((e: unknown) => e)) as Error
    expect(error).toMatchObject({ kind: 'network' })
    expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain(cookie)
  })
})

describe('the session cookie and two Odoo servers', () => {
  it('goes only to the server that made it', async () => {
    const [a, b] = [await sandboxAt(), await sandboxAt()]
    const [toA, toB] = [demoSession(clientOf(a.url, a.db), a), demoSession(clientOf(b.url, b.db), b)]
    await untilBound(toA, a)
    await untilBound(toB, b)
    for (let i = 0; i < 5; i++) await Promise.all([count(toA), count(toB)])
    expect(a.sessions().foreign).toBe(0)
    expect(b.sessions().foreign).toBe(0)
    expect(a.sessions().saved).toBe(1)
    expect(b.sessions().saved).toBe(1)
  })
})
