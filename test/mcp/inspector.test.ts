/**
 * Issue 3 acceptance: the MCP Inspector CLI (the devDependency, never downloaded at test time)
 * against `countersign serve`: tools/list shows exactly the tools the connection's policy allows,
 * with input and output schemas the Inspector's portability check (--strict) finds no error or
 * warning in (issue 13); tools/call runs count_records as the connection's user; a wrong token makes
 * the Inspector fail.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOdooClient } from '../../src/odoo/index.js'
import { Cleanups } from '../helpers/countersign.js'
import { type Deployment, startDeployment } from '../helpers/deployment.js'
import { APPROVAL_TOOLS, READ_TOOLS, WRITE_TOOLS } from '../helpers/tool-names.js'

const INSPECTOR = join(process.cwd(), 'node_modules', '.bin', 'inspector')

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Runs the local Inspector CLI with its own HOME, so it neither reads nor writes the user's. */
function inspector(url: string, token: string, args: string[]): Promise<Run> {
  const home = mkdtempSync(join(tmpdir(), 'countersign-inspector-'))
  return new Promise((resolve) => {
    execFile(
      INSPECTOR,
      ['--cli', `${url}/mcp`, '--transport', 'http', '--header', `Authorization: Bearer ${token}`, ...args],
      {
        env: { PATH: process.env.PATH ?? '', HOME: home, MCP_CATALOG_PATH: join(home, 'mcp.json') },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

describe('MCP Inspector CLI against countersign serve', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let url: string
  const tokens = { writer: '', reader: '' }

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    url = (d.servers[0] as { url: string }).url
    tokens.writer = (await d.connection('demo', ['--write'])).token
    tokens.reader = (await d.connection('demo', [])).token
  })
  afterAll(() => cleanups.run())

  it('tools/list names exactly the tools each connection’s policy allows', async () => {
    const writer = await inspector(url, tokens.writer, ['--method', 'tools/list'])
    expect(writer.code, writer.stderr).toBe(0)
    const listed = JSON.parse(writer.stdout) as { tools: Array<{ name: string; annotations?: object }> }
    expect(listed.tools.map((t) => t.name).sort()).toEqual(
      [...READ_TOOLS, ...WRITE_TOOLS, ...APPROVAL_TOOLS].sort(),
    )
    expect(listed.tools.find((t) => t.name === 'batch_delete')?.annotations).toMatchObject({
      destructiveHint: true,
    })

    const reader = await inspector(url, tokens.reader, ['--method', 'tools/list'])
    expect(reader.code, reader.stderr).toBe(0)
    const readable = (JSON.parse(reader.stdout) as { tools: Array<{ name: string }> }).tools
    expect(readable.map((t) => t.name).sort()).toEqual([...READ_TOOLS, ...APPROVAL_TOOLS].sort())
  })

  it('finds no portability error or warning in the input and output schemas (--strict)', async () => {
    const strict = await inspector(url, tokens.writer, ['--method', 'tools/list', '--strict'])
    // --strict exits 6 and prints "Error: tool …" for a schema some clients reject (e.g. `items: false`),
    // and "Warning: tool …" for one that is less portable (an untyped schema, a `type` list).
    expect(strict.stderr).not.toMatch(/^(Error|Warning): tool/m)
    expect(strict.stderr).not.toMatch(/Schema portability/)
    expect(strict.code, strict.stderr).toBe(0)
    const tools = (JSON.parse(strict.stdout) as { tools: Array<{ name: string; outputSchema?: object }> })
      .tools
    // Every tool declares the shape of its results, so the check above covered them too.
    for (const tool of tools) expect(tool.outputSchema, tool.name).toMatchObject({ type: 'object' })
  })

  it('tools/call runs count_records as the connection’s user', async () => {
    const run = await inspector(url, tokens.writer, [
      '--method',
      'tools/call',
      '--tool-name',
      'count_records',
      '--tool-arg',
      'model=res.partner',
    ])
    expect(run.code, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout) as { isError?: boolean; structuredContent: { count: number } }
    expect(result.isError ?? false).toBe(false)
    const odoo = createOdooClient({
      url: d.sandbox.url,
      db: d.sandbox.db,
      protocol: 'jsonrpc',
      timeout_ms: 10_000,
    })
    cleanups.push(() => odoo.close())
    const demo = await odoo.authenticate({ login: 'demo', secret: 'demo' })
    const expected = await demo.call<number>('res.partner', 'search_count', { kwargs: { domain: [] } })
    expect(result.structuredContent).toEqual({ model: 'res.partner', count: expected })
  })

  it('fails, and lists nothing, with a token the server does not know', async () => {
    const run = await inspector(url, `csk_${'x'.repeat(43)}`, ['--method', 'tools/list'])
    expect(run.code).not.toBe(0)
    expect(run.stdout).not.toContain('count_records')
  })
})
