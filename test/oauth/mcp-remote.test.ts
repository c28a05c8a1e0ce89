/**
 * Issue 13 acceptance: mcp-remote, started as the Claude Desktop snippet starts it
 * (`npx -y mcp-remote <url>`) but without a token, finds the sign-in by itself: from the 401 it
 * discovers the authorization server, registers, and opens a browser on the consent page. The
 * "browser" is a script named in BROWSER (which the opener mcp-remote uses, xdg-open, honours) that
 * records the URL; the test loads it in real Chromium, sees the consent page, allows as demo, and the
 * MCP client speaking to mcp-remote over stdio then lists the tools through it.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/client'
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../console/helpers.js'
import { Cleanups } from '../helpers/countersign.js'
import { type Deployment, eventually, startDeployment } from '../helpers/deployment.js'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('mcp-remote without a token', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let dir: string

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    dir = mkdtempSync(join(tmpdir(), 'countersign-mcp-remote-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  }, 60_000)
  afterAll(() => cleanups.run())

  it('opens the consent page, and after Allow lists the tools through mcp-remote', async () => {
    const base = (d.servers[0] as { url: string }).url
    const opened = join(dir, 'opened-urls')
    const browser = join(dir, 'record-browser')
    writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`)
    chmodSync(browser, 0o755)
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      BROWSER: browser,
      MCP_REMOTE_CONFIG_DIR: join(dir, 'mcp-auth'),
    }
    const transport = new StdioClientTransport({
      command: 'npx',
      args: ['-y', 'mcp-remote', `${base}/mcp`, String(await freePort())],
      env,
      stderr: 'pipe',
    })
    let stderr = ''
    transport.stderr?.on('data', (chunk) => {
      stderr += String(chunk)
    })
    const client = new Client({ name: 'mcp-remote-test', version: '1.0.0' })
    cleanups.push(() => client.close())
    const connecting = client.connect(transport)
    connecting.catch(() => undefined)

    const url = await eventually(
      async () => (existsSync(opened) ? readFileSync(opened, 'utf8').split('\n')[0] || undefined : undefined),
      60_000,
      'mcp-remote to open a browser',
    ).catch((error) => {
      throw new Error(`${(error as Error).message}; mcp-remote said:\n${stderr}`)
    })
    expect(url.startsWith(`${base}/oauth/authorize?`)).toBe(true)

    const chromium = await launchChromium(cleanups)
    const page = await chromium.newPage()
    await page.goto(url)
    await page.waitForSelector('#consent-h')
    expect(await page.locator('.redirect-host').textContent()).toMatch(/^(localhost|127\.0\.0\.1):\d+$/)
    await page.fill('#login', 'demo')
    await page.fill('#secret', 'demo')
    await page.click('button[value="allow"]')

    await connecting.catch((error) => {
      throw new Error(`mcp-remote did not connect: ${String(error)}\n${stderr}`)
    })
    const names = (await client.listTools()).tools.map((t) => t.name)
    expect(names).toContain('search_read')
  }, 120_000)
})
