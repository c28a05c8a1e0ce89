/**
 * Issue 13 acceptance in a real Chromium: a plain Odoo user (demo, no MCP administrator) logs into
 * the console, connects an AI client himself with his Odoo password and sees the token once; the
 * Odoo API key Countersign made exists in Odoo under demo, and the token works at /mcp with the
 * official MCP SDK client (tools/list and a read tool). Revoking it with his password deletes the
 * key in Odoo.
 */
import { mkdirSync } from 'node:fs'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups, mcpHttpClient } from '../helpers/countersign.js'
import { chromiumAvailable, type Deployment, launchChromium, startDeployment } from './helpers.js'

const SHOTS = 'test-output/screenshots'

describe.skipIf(!chromiumAvailable())('connecting one’s own AI client, in Chromium', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let browser: Browser

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    browser = await launchChromium(cleanups)
    mkdirSync(SHOTS, { recursive: true })
  })
  afterAll(() => cleanups.run())

  async function demoKeysInOdoo(): Promise<string[]> {
    const response = await fetch(`${d.odoo.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'call',
        params: {
          service: 'object',
          method: 'execute_kw',
          args: [
            d.odoo.db,
            d.odoo.user('admin').uid,
            d.password('admin'),
            'res.users.apikeys',
            'search_read',
            [[['user_id', '=', d.odoo.user('demo').uid]]],
            { fields: ['name'] },
          ],
        },
      }),
    })
    return ((await response.json()) as { result: Array<{ name: string }> }).result.map((k) => k.name)
  }

  it('demo connects Claude Desktop with his password, sees the token once, and it works as him', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    cleanups.push(() => context.close())
    const page = await context.newPage()
    const cspViolations: string[] = []
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text())
    })
    await page.goto(`${d.server.url}/approvals`)
    await page.getByLabel('Odoo login').fill('demo')
    await page.getByLabel('Password or API key').fill(d.password('demo'))
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL(/\/approvals$/)

    await page.getByRole('link', { name: 'Connections' }).click()
    await page.waitForURL(/\/connections$/)
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('My connections')
    expect(await page.getByRole('link', { name: 'Marc’s Claude' }).count()).toBe(1) // his, made by the operator
    await page.getByRole('link', { name: 'Connect an AI client' }).click()
    await page.waitForURL(/\/connections\/connect$/)

    await page.getByLabel('Name').fill('Marc’s laptop')
    await page.getByLabel('AI client', { exact: true }).selectOption('Claude Desktop')
    await page.getByLabel('Make one for me with my Odoo password').check()
    await page.getByLabel('Your Odoo password').fill(d.password('demo'))
    await page.getByRole('button', { name: 'Connect' }).click()
    await page.waitForURL(/\/connections\/connect$/)
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Connection Marc’s laptop created',
    )
    const token = await page.locator('#token').inputValue()
    expect(token).toMatch(/^csk_/)
    expect(await page.locator('body').textContent()).toContain('it is shown only once')
    await page.screenshot({ path: `${SHOTS}/own-connection-token.png`, fullPage: true })

    // Once: the connection's page shows its prefix, never the token again.
    await page.getByRole('link', { name: 'Back to the connection' }).click()
    await page.waitForURL(/\/connections\/\d+$/)
    const shown = (await page.content()) ?? ''
    expect(shown).not.toContain(token)
    expect(shown).toContain(token.slice(0, 8))
    expect(shown).toContain('Countersign — Claude Desktop')
    expect(cspViolations).toEqual([])

    // The key exists in Odoo under demo.
    expect(await demoKeysInOdoo()).toContain('Countersign — Claude Desktop')

    // The token works at /mcp with the official MCP client, as demo.
    const client = await mcpHttpClient(d.server.url, token, 'legacy', cleanups)
    const tools = (await client.listTools()).tools.map((t) => t.name)
    expect(tools).toContain('search_read')
    const read = await client.callTool({
      name: 'search_read',
      arguments: { model: 'res.users', domain: [['login', '=', 'demo']], fields: ['name'], limit: 1 },
    })
    expect(read.isError).toBeFalsy()
    expect(JSON.stringify(read.structuredContent)).toContain('Marc Demo')

    // He revokes it with his password, confirming the dialog: the key goes from Odoo too.
    page.once('dialog', (dialog) => void dialog.accept())
    await page.getByLabel('Also delete its Odoo API key').fill(d.password('demo'))
    await page.getByRole('button', { name: 'Revoke' }).click()
    await page.waitForURL(/\/connections\/\d+\?done=revoked_key_deleted$/)
    expect(await page.locator('body').textContent()).toContain(
      'Connection revoked and its Odoo API key deleted in Odoo.',
    )
    expect(await demoKeysInOdoo()).not.toContain('Countersign — Claude Desktop')
    const after = await fetch(`${d.server.url}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    })
    expect(after.status).toBe(401)
  })
})
