/**
 * The login limit through real `serve` processes, on SQLite and on PostgreSQL with two replicas
 * (issue 12, item 2): wrong passwords over the JSON API's HTTP Basic and the console are limited
 * per login and client, whatever the spelling of the login, whatever X-Forwarded-For says (no
 * trusted proxy is configured), even for a right password the server remembers, and across
 * replicas, also when the attempts race. Then COUNTERSIGN_TRUSTED_PROXIES (item 8): clients behind
 * a trusted proxy are counted and audited by their own address, and a bad value stops start-up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConsoleAgent } from '../console/helpers.js'
import { Cleanups, runCli } from '../helpers/countersign.js'
import { ENGINES, postgresAvailable } from '../helpers/databases.js'
import { type Deployment, startDeployment } from '../helpers/deployment.js'

const LIMIT = 10 // COUNTERSIGN_LOGIN_FAILURE_LIMIT's default

/** GET /api/approvals with HTTP Basic on server `server`; the status and the Retry-After header. */
async function basic(
  d: Deployment,
  login: string,
  secret: string,
  options: { server?: number; headers?: Record<string, string> } = {},
): Promise<{ status: number; retry_after: string | null; code?: string }> {
  const url = d.servers[options.server ?? 0]?.url
  const response = await fetch(`${url}/api/approvals`, {
    headers: {
      authorization: `Basic ${Buffer.from(`${login}:${secret}`).toString('base64')}`,
      ...options.headers,
    },
  })
  const body = (await response.json()) as { code?: string }
  return { status: response.status, retry_after: response.headers.get('retry-after'), code: body.code }
}

const randomAddress = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`

for (const engine of ENGINES) {
  const replicas = engine === 'postgres' ? 2 : 1
  describe.skipIf(engine === 'postgres' && !postgresAvailable)(
    `${engine}, ${replicas} replica(s): login limit`,
    () => {
      const cleanups = new Cleanups()
      let d: Deployment

      beforeAll(async () => {
        d = await startDeployment(cleanups, { engine, replicas })
        // admin works from this machine: a right password before anyone starts guessing.
        expect((await basic(d, 'admin', 'admin')).status).toBe(200)
      })
      afterAll(() => cleanups.run())

      it('JSON API: the 11th wrong password is 429 on every replica, for every spelling, and for the remembered right one', async () => {
        // The right password first, so the server remembers it (odoo-login.ts caches a success).
        expect((await basic(d, 'restricted', 'restricted')).status).toBe(200)
        const statuses: number[] = []
        for (let i = 0; i < LIMIT; i++) {
          // Spread over the replicas, each with a made-up X-Forwarded-For, which nobody trusts here.
          const answer = await basic(d, 'restricted', `guess-${i}`, {
            server: i % replicas,
            headers: { 'x-forwarded-for': randomAddress() },
          })
          statuses.push(answer.status)
        }
        expect(statuses).toEqual(Array(LIMIT).fill(401))
        for (let server = 0; server < replicas; server++) {
          const limited = await basic(d, 'restricted', 'guess-again', { server })
          expect(limited).toMatchObject({ status: 429, code: 'CS_TOO_MANY_ATTEMPTS' })
          expect(Number(limited.retry_after)).toBeGreaterThan(0)
          expect(Number(limited.retry_after)).toBeLessThanOrEqual(15 * 60)
          // The cached right password is no way around it, nor another spelling of the login.
          for (const login of ['restricted', ' restricted', 'RESTRICTED', 'Restricted\t'])
            expect({ login, status: (await basic(d, login, 'restricted', { server })).status }).toEqual({
              login,
              status: 429,
            })
        }
        // Other people from the same machine are not held back by it.
        expect((await basic(d, 'admin', 'admin', { server: replicas - 1 })).status).toBe(200)
      })

      it('console: whitespace and case variants of a login get no more guesses, and the right password waits too', async () => {
        const agent = new ConsoleAgent(d.servers[0]?.url as string)
        await agent.get('/login')
        const statuses: number[] = []
        for (let i = 0; i < LIMIT; i++)
          statuses.push((await agent.post('/login', { login: 'demo', secret: `g${i}` })).status)
        expect(statuses).toEqual(Array(LIMIT).fill(401))
        for (const login of [' demo', 'demo ', 'DEMO', ' Demo\t']) {
          const answer = await agent.post('/login', { login, secret: 'another-guess' })
          expect({ login, status: answer.status }).toEqual({ login, status: 429 })
        }
        const right = await agent.post('/login', { login: ' demo ', secret: 'demo' })
        expect(right.status).toBe(429)
        expect(right.text).toContain('Too many login attempts')
        expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0)
        expect(right.text).toContain('name="login"') // the login form again, to try later
        expect(agent.cookie('countersign_session')).toBeUndefined()
        // On the other replica too.
        const other = new ConsoleAgent(d.servers[replicas - 1]?.url as string)
        await other.get('/login')
        expect((await other.post('/login', { login: 'demo', secret: 'demo' })).status).toBe(429)
      })

      it('racing wrong passwords for many logins across replicas: exactly the client’s allowance reaches Odoo', async () => {
        // One client may fail 3 × 10 times in a window, across logins; 20 are spent above.
        const answers = await Promise.all(
          Array.from({ length: 25 }, (_, i) => basic(d, `nobody-${i}`, 'guess', { server: i % replicas })),
        )
        const statuses = answers.map((a) => a.status)
        expect(statuses.filter((s) => s === 401)).toHaveLength(3 * LIMIT - 2 * LIMIT)
        expect(statuses.filter((s) => s === 429)).toHaveLength(25 - LIMIT)
        expect((await basic(d, 'someone-else', 'guess')).status).toBe(429)
        // admin logged in from here before the guessing started: still welcome, on every replica.
        for (let server = 0; server < replicas; server++)
          expect((await basic(d, 'admin', 'admin', { server })).status).toBe(200)
      })
    },
  )
}

describe('behind a trusted proxy (COUNTERSIGN_TRUSTED_PROXIES)', () => {
  const cleanups = new Cleanups()
  let d: Deployment

  beforeAll(async () => {
    // The tests' requests come from 127.0.0.1, which plays the proxy here.
    d = await startDeployment(cleanups, { env: { COUNTERSIGN_TRUSTED_PROXIES: '127.0.0.1' } })
  })
  afterAll(() => cleanups.run())

  it('counts each client by its forwarded address: one client’s guesses do not hold back another', async () => {
    const attacker = { 'x-forwarded-for': '203.0.113.7' }
    const statuses: number[] = []
    for (let i = 0; i <= LIMIT; i++)
      statuses.push((await basic(d, 'restricted', `guess-${i}`, { headers: attacker })).status)
    expect(statuses).toEqual([...Array(LIMIT).fill(401), 429])
    // Through a chain of proxies the client is the last address no trusted proxy added.
    const chained = { 'x-forwarded-for': '203.0.113.7, 127.0.0.1' }
    expect((await basic(d, 'restricted', 'restricted', { headers: chained })).status).toBe(429)
    const colleague = { 'x-forwarded-for': '192.0.2.44' }
    expect((await basic(d, 'restricted', 'restricted', { headers: colleague })).status).toBe(200)
  })

  it('the audit log names the client behind the proxy', async () => {
    const agent = new ConsoleAgent(d.servers[0]?.url as string)
    const from = { 'x-forwarded-for': '203.0.113.99' }
    await agent.get('/login')
    const answer = await agent.request('POST', '/login', {
      form: { _csrf: agent.csrf ?? '', login: 'demo', secret: 'not-his-password' },
      headers: from,
    })
    expect(answer.status).toBe(401)
    const admin = new ConsoleAgent(d.servers[0]?.url as string)
    expect((await admin.login('admin', 'admin')).status).toBe(303)
    const audit = (await admin.get('/audit?event=console_login&actor_login=demo')).text
    expect(audit).toContain('<td>refused</td>')
    expect(audit).toContain('&quot;client&quot;:&quot;203.0.113.99&quot;')
  })

  it('a bad value stops start-up with one line naming the setting', async () => {
    for (const value of ['10.0.0.300', '10.0.0.0/33', 'proxy.internal', 'true']) {
      const started = await runCli(['serve'], {
        ...d.env,
        COUNTERSIGN_PORT: '0',
        COUNTERSIGN_TRUSTED_PROXIES: value,
      })
      expect({ value, code: started.code }).toEqual({ value, code: 1 })
      expect(started.stderr.trim().split('\n')).toHaveLength(1)
      expect(started.stderr).toContain('COUNTERSIGN_TRUSTED_PROXIES')
    }
  })
})
