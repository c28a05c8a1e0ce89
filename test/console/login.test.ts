/**
 * Logging in to the console against Odoo, and the security around it: refused credentials, API
 * keys, the login form's CSRF token, the login limit (more in test/web/login-limit*.test.ts), safe
 * redirects after login (more in cross-site.test.ts), tampered cookies, security headers and
 * cookie flags (on http and, with an https public URL, Secure + __Host-).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups } from '../helpers/countersign.js'
import { ConsoleAgent, type Deployment, startDeployment } from './helpers.js'

describe('console login', () => {
  const cleanups = new Cleanups()
  let d: Deployment

  beforeAll(async () => {
    d = await startDeployment(cleanups)
  })
  afterAll(() => cleanups.run())

  it('refuses wrong credentials with 401 and no session, and audits the attempt', async () => {
    const agent = new ConsoleAgent(d.server.url)
    const answer = await agent.login('demo', 'not-his-password')
    expect(answer.status).toBe(401)
    expect(answer.text).toContain('Odoo did not accept this login')
    expect(answer.text).toContain('value="demo"') // the login comes back, the secret does not
    expect(answer.text).not.toContain('not-his-password')
    expect(agent.cookie('countersign_session')).toBeUndefined()
    expect((await agent.get('/approvals')).status).toBe(303)

    const admin = new ConsoleAgent(d.server.url)
    await admin.login('admin', 'admin')
    const audit = (await admin.get('/audit?event=console_login&actor_login=demo')).text
    expect(audit).toContain('<td>refused</td>')
  })

  it('accepts an Odoo API key instead of the password, and returns to the page asked for', async () => {
    const agent = new ConsoleAgent(d.server.url)
    const asked = await agent.get('/approvals?status=all')
    expect(asked.location).toBe('/login?next=%2Fapprovals%3Fstatus%3Dall')
    await agent.get(asked.location as string)
    const answer = await agent.post('/login', {
      login: 'demo',
      secret: d.odoo.user('demo').api_key,
      next: '/approvals?status=all',
    })
    expect([answer.status, answer.location]).toEqual([303, '/approvals?status=all'])
    const page = await agent.get('/approvals?status=all')
    expect(page.status).toBe(200)
    expect(page.text).toContain('Marc Demo (demo)')
  })

  it('never redirects off-site after login', async () => {
    for (const next of [
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
    ]) {
      const agent = new ConsoleAgent(d.server.url)
      await agent.get('/login')
      const answer = await agent.post('/login', { login: 'demo', secret: 'demo', next })
      expect({ next, location: answer.location }).toEqual({ next, location: '/approvals' })
    }
  })

  it('the login form needs its CSRF token', async () => {
    const agent = new ConsoleAgent(d.server.url)
    await agent.get('/login')
    const forged = await agent.request('POST', '/login', { form: { login: 'demo', secret: 'demo' } })
    expect(forged.status).toBe(403)
    expect(agent.cookie('countersign_session')).toBeUndefined()
  })

  it('limits wrong passwords per login and client: the 11th is 429, other logins are unaffected', async () => {
    const agent = new ConsoleAgent(d.server.url)
    await agent.get('/login')
    const statuses: number[] = []
    for (let i = 0; i < 11; i++)
      statuses.push((await agent.post('/login', { login: 'restricted', secret: `guess-${i}` })).status)
    expect(statuses).toEqual([...Array(10).fill(401), 429])
    const limited = await agent.post('/login', { login: 'restricted', secret: 'restricted' })
    expect(limited.status).toBe(429) // even the right password waits
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(limited.text).toContain('Too many login attempts')
    expect((await new ConsoleAgent(d.server.url).login('demo', 'demo')).status).toBe(303)
  })

  it('a session cookie that was tampered with is no session', async () => {
    const agent = new ConsoleAgent(d.server.url)
    await agent.login('demo', 'demo')
    const value = agent.cookie('countersign_session') as string
    const forged = new ConsoleAgent(d.server.url)
    const flipped = `${value.slice(0, 10)}${value[10] === 'A' ? 'B' : 'A'}${value.slice(11)}`
    const answer = await forged.request('GET', '/approvals', {
      headers: { cookie: `countersign_session=${flipped}` },
    })
    expect(answer.status).toBe(303)
    expect(
      (await forged.request('GET', '/approvals', { headers: { cookie: `countersign_session=${value}` } }))
        .status,
    ).toBe(200)
  })

  it('sends security headers and HttpOnly, SameSite=Lax cookies (not Secure on http)', async () => {
    const response = await fetch(`${d.server.url}/login`)
    const csp = response.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("style-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).not.toContain('upgrade-insecure-requests')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('strict-transport-security')).toBeNull()
    expect(response.headers.get('cache-control')).toBe('no-store')
    const cookie = response.headers.getSetCookie().join('\n')
    expect(cookie).toMatch(/^countersign_login=.*HttpOnly; SameSite=Lax$/)
    expect(cookie).not.toMatch(/Secure/)
    const body = await response.text()
    expect(body).not.toMatch(/<script>|<script [^>]*>[^<]|style="/) // no inline script or style at all
  })
})

describe('console login behind https', () => {
  const cleanups = new Cleanups()
  let d: Deployment

  beforeAll(async () => {
    d = await startDeployment(cleanups, {
      env: { COUNTERSIGN_PUBLIC_URL: 'https://countersign.example.test' },
    })
  })
  afterAll(() => cleanups.run())

  it('marks cookies Secure with the __Host- prefix, and sends HSTS and upgrade-insecure-requests', async () => {
    const response = await fetch(`${d.server.url}/login`)
    await response.body?.cancel()
    expect(response.headers.getSetCookie().join('\n')).toMatch(
      /^__Host-countersign_login=.*; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    )
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/)
    expect(response.headers.get('content-security-policy')).toContain('upgrade-insecure-requests')
    // The agent sends cookies whatever their flags, as a browser on https would.
    const agent = new ConsoleAgent(d.server.url)
    expect((await agent.login('admin', 'admin')).status).toBe(303)
    expect(agent.cookie('__Host-countersign_session')).toBeDefined()
    expect((await agent.get('/approvals')).status).toBe(200)
  })
})
