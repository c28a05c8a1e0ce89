/**
 * Issue 6 acceptance: the README followed literally. Its first command (`npm start -- demo`, after
 * the `npm ci` the test run already did) starts the demo; the test takes the token it prints, files a
 * gated call with the official MCP client, approves it with the CLI exactly as the demo's output says
 * (`npm start --silent -- approvals …`), and reads the result through check_approval_status.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import { afterAll, describe, expect, it } from 'vitest'
import { ConsoleAgent } from '../console/helpers.js'
import { Cleanups } from '../helpers/countersign.js'

const cleanups = new Cleanups()
afterAll(() => cleanups.run())

/** The README's commands, read from the README itself so the test breaks if they change. */
function readmeCommands(): { demo: string; test: string } {
  const readme = readFileSync('README.md', 'utf8')
  const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
  const lines = block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim())
  return { demo: lines[0] ?? '', test: lines[1] ?? '' }
}

/** npm runs scripts through `sh -c`, which does not pass signals on: each run gets its own process group. */
function npm(args: string[], env: Record<string, string>): ChildProcess {
  return spawn('npm', args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
}

interface DemoOutput {
  console_url: string
  mcp_url: string
  write_token: string
  /** Everything it printed, up to the closing rule. */
  printed: string
}

/** Starts the demo and reads what it prints, up to the closing rule. */
function startDemo(command: string): Promise<DemoOutput> {
  // `npm ci && npm start -- demo`: the suite already ran `npm ci`, so the second half is what is left.
  const start =
    command
      .split('&&')
      .map((p) => p.trim())
      .at(-1) ?? ''
  expect(start).toBe('npm start -- demo')
  const child = npm(start.split(' ').slice(1), { COUNTERSIGN_LOG_LEVEL: 'warn' })
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        // Ctrl+C, as a person stops the demo: to npm, its shell and the demo alike.
        process.kill(-(child.pid as number), 'SIGINT')
      }),
  )
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    const timer = setTimeout(() => reject(new Error(`the demo printed no summary:\n${out}\n${err}`)), 90_000)
    child.stderr?.on('data', (c) => {
      err += c
    })
    child.stdout?.on('data', (c) => {
      out += c
      const ending = out.lastIndexOf('approvals list --status pending')
      if (ending < 0) return
      clearTimeout(timer)
      const console_url = /Approver console\s+(\S+)/.exec(out)?.[1] ?? ''
      const mcp_url = /MCP endpoint\s+(\S+)/.exec(out)?.[1] ?? ''
      const write_token = /token, may write[^\n]*\n\s+(csk_[A-Za-z0-9_-]{43})/.exec(out)?.[1] ?? ''
      resolve({ console_url: console_url.replace(/\/$/, ''), mcp_url, write_token, printed: out })
    })
    child.once('exit', (code) => reject(new Error(`the demo exited with ${code}:\n${out}\n${err}`)))
  })
}

function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = npm(['start', '--silent', '--', ...args], env)
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (c) => {
      stdout += c
    })
    child.stderr?.on('data', (c) => {
      stderr += c
    })
    child.once('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('the README quickstart, followed literally', () => {
  it('demo → token → gated call → approve with the CLI → result', async () => {
    const commands = readmeCommands()
    expect(commands.test).toBe('npm ci && npm test')
    const demo = await startDemo(commands.demo)
    expect(demo.write_token).toMatch(/^csk_/)
    expect(demo.mcp_url).toBe(`${demo.console_url}/mcp`)
    // The writer's connection gates the recommended effects as well as its tools, and says so.
    expect(demo.printed).toContain(
      'effects that need approval, whatever the tool: delete, archive, state, send, call',
    )
    const admin = new ConsoleAgent(demo.console_url)
    expect((await admin.login('admin', 'admin')).status).toBe(303)
    const writerRow =
      /<tr class="connection-active">(?:(?!<\/tr>)[\s\S])*AI with approvals[\s\S]*?<\/tr>/.exec(
        (await admin.get('/connections')).text,
      )?.[0] ?? ''
    expect(writerRow).toContain('<td>delete, archive, state, send, call</td>')

    const ai = new Client({ name: 'quickstart', version: '1.0.0' })
    await ai.connect(
      new StreamableHTTPClientTransport(new URL(demo.mcp_url), {
        requestInit: { headers: { Authorization: `Bearer ${demo.write_token}` } },
      }),
    )
    cleanups.push(() => ai.close())
    const drafts = await ai.callTool({
      name: 'search_read',
      arguments: {
        model: 'sale.order',
        domain: [
          ['state', '=', 'draft'],
          ['user_id.login', '=', 'demo'],
        ],
        fields: ['name'],
      },
    })
    const ids = (drafts.structuredContent as { records: Array<{ id: number }> }).records.map((r) => r.id)
    expect(ids.length).toBeGreaterThanOrEqual(12)
    const filed = await ai.callTool({ name: 'batch_delete', arguments: { model: 'sale.order', ids } })
    const pending = filed.structuredContent as { status: string; request_id: number; summary: string }
    expect(pending.status).toBe('pending_approval')
    expect(pending.summary).toContain(`Permanently delete ${ids.length} quotations on sale.order`)

    // The demo's own words: COUNTERSIGN_URL=… COUNTERSIGN_LOGIN=admin COUNTERSIGN_PASSWORD=admin npm start --silent -- approvals …
    const env = {
      COUNTERSIGN_URL: demo.console_url,
      COUNTERSIGN_LOGIN: 'admin',
      COUNTERSIGN_PASSWORD: 'admin',
    }
    const listed = await cli(['approvals', 'list', '--status', 'pending'], env)
    expect(listed.code).toBe(0)
    expect(listed.stdout).toContain(String(pending.request_id))
    const approved = await cli(
      ['approvals', 'approve', String(pending.request_id), '--note', 'quickstart'],
      env,
    )
    expect(approved.code).toBe(0)
    expect(approved.stdout).toContain('status:           approved (execution success)')

    const status = await ai.callTool({
      name: 'check_approval_status',
      arguments: { request_id: pending.request_id },
    })
    expect(status.structuredContent).toMatchObject({
      status: 'approved',
      execution_status: 'success',
      approver_note: 'quickstart',
      result: { model: 'sale.order', deleted_ids: ids },
    })
    const after = await ai.callTool({
      name: 'count_records',
      arguments: { model: 'sale.order', domain: [['id', 'in', ids]] },
    })
    expect((after.structuredContent as { count: number }).count).toBe(0)
  }, 180_000)
})
