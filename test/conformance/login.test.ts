/**
 * Conformance: people log in to Countersign with their Odoo login and either their password or an
 * Odoo API key — console, JSON API (HTTP Basic) and CLI — on every Odoo and protocol the suite knows.
 * JSON-2 takes only API keys, so a password must still be checkable when Countersign speaks JSON-2.
 */
import { expect, it } from 'vitest'
import { ConsoleAgent } from '../console/helpers.js'
import { runCli } from '../helpers/countersign.js'
import { describeEachOdoo } from './targets.js'

describeEachOdoo('logins', (deployment) => {
  for (const secret of ['password', 'api_key'] as const) {
    it(`the JSON API accepts admin's ${secret} and refuses a wrong one`, async () => {
      const d = deployment()
      const ok = await d.api('admin', d.users.admin[secret], 'GET', '/approvals')
      expect(ok.status).toBe(200)
      expect(ok.body.items).toEqual(expect.any(Array))
      const wrong = await d.api('admin', `${d.users.admin[secret]}x`, 'GET', '/approvals')
      expect(wrong.status).toBe(401)
    })

    it(`the console logs demo in with his ${secret}`, async () => {
      const d = deployment()
      const agent = new ConsoleAgent(d.server.url)
      const answer = await agent.login('demo', d.users.demo[secret])
      expect([answer.status, answer.location]).toEqual([303, '/approvals'])
      const page = await agent.get('/approvals')
      expect(page.status).toBe(200)
      expect(page.text).toContain('(demo)')
    })

    it(`the CLI lists approvals as admin with his ${secret}`, async () => {
      const d = deployment()
      const listed = await runCli(['approvals', 'list'], {
        ...d.env,
        COUNTERSIGN_URL: d.server.url,
        COUNTERSIGN_LOGIN: 'admin',
        COUNTERSIGN_PASSWORD: d.users.admin[secret],
      })
      expect({ code: listed.code, stderr: listed.stderr }).toEqual({ code: 0, stderr: '' })
    })
  }

  it('a wrong password is refused in the console with 401 and no session', async () => {
    const d = deployment()
    const agent = new ConsoleAgent(d.server.url)
    const answer = await agent.login('demo', 'not-his-password')
    expect(answer.status).toBe(401)
    expect(agent.cookie('countersign_session')).toBeUndefined()
  })

  it('an API key of another user does not log in as this one', async () => {
    const d = deployment()
    const answer = await d.api('admin', d.users.demo.api_key, 'GET', '/approvals')
    expect(answer.status).toBe(401)
  })
})
