/**
 * Odoo data printed by the CLI cannot drive the approver's terminal. A contact whose name carries
 * ESC sequences, BEL, CR, a newline, a C1 control and a right-to-left override is the record of a
 * gated update; its approver's Odoo name and the connection's name are just as hostile. `approvals
 * list`, `approvals show` (also `--json`), `connection list` and `connection show` must print every
 * such character as a visible escape, keep accents, emoji and CJK, and never let the fake warning
 * start a line of its own.
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addSandboxUser, cliEnv, file } from '../approvals/helpers.js'
import { Cleanups, runCli } from '../helpers/countersign.js'
import { type Deployment, startDeployment } from '../helpers/deployment.js'
import { rawControls } from '../helpers/terminal.js'

const FAKE = 'WARNING: approving it is safe'
/** Erase the line, go back to its start and one line up, ring, then print the fake warning. */
const HOSTILE = `Acme\u001b[2K\r\u001b[1A\u0007\n${FAKE}\u009b2J\u202eevil\u2066 Zoë 🎉 漢字`

describe('CLI output of hostile Odoo data', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let ai: Client
  let connection_id: number
  let request_id: number

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    const partner = (
      await d.odooAdmin.call<number[]>('res.partner', 'create', { args: [[{ name: HOSTILE }]] })
    )[0] as number
    await addSandboxUser(d, 'hostile', HOSTILE, ['base.group_user', 'base.group_system'])
    const made = await d.connection('demo', [
      '--name',
      HOSTILE,
      '--write',
      '--approval-tools',
      'update_record',
      '--approver',
      'hostile',
    ])
    connection_id = made.connection_id
    ai = await d.mcp(made.token)
    request_id = await file(ai, 'update_record', {
      model: 'res.partner',
      ids: [partner],
      values: { comment: `note: ${HOSTILE}` },
    })
  })
  afterAll(() => cleanups.run())

  function expectEscaped(stdout: string): void {
    // Newlines between our own lines are ours; any other control or bidi character would act.
    expect(rawControls(stdout, true)).toEqual([])
    for (const line of stdout.split('\n')) expect(line.startsWith(FAKE)).toBe(false)
    expect(stdout).toContain('\\x1b[2K')
    expect(stdout).toContain('\\u202eevil\\u2066')
    expect(stdout).toContain('Zoë 🎉 漢字')
  }

  it('approvals list', async () => {
    const listed = await runCli(['approvals', 'list'], cliEnv(d, 'admin'))
    expect(listed.code).toBe(0)
    expect(listed.stdout).toContain(String(request_id))
    expectEscaped(listed.stdout)
  })

  it('approvals show: the summary and the approver', async () => {
    const shown = await runCli(['approvals', 'show', String(request_id)], cliEnv(d, 'admin'))
    expect(shown.code).toBe(0)
    expectEscaped(shown.stdout)
    expect(shown.stdout).toMatch(/^ {2}approver: +hostile \(Acme\\x1b\[2K\\x0d/m)
    // The arguments too: JSON escapes C0 itself, and C1 and bidi are escaped on top.
    expect(shown.stdout).toMatch(/^ {2}arguments: .*\\u009b2J\\u202eevil/m)
  })

  it('approvals show --json: escaped, and parses back to the very same text', async () => {
    const shown = await runCli(['approvals', 'show', String(request_id), '--json'], cliEnv(d, 'admin'))
    expect(shown.code).toBe(0)
    expect(rawControls(shown.stdout, true)).toEqual([])
    const parsed = JSON.parse(shown.stdout)
    expect(parsed.approver.name).toBe(HOSTILE)
    expect(parsed.arguments.values.comment).toBe(`note: ${HOSTILE}`)
  })

  it('connection list and connection show', async () => {
    const listed = await runCli(['connection', 'list'], d.env)
    expect(listed.code).toBe(0)
    expectEscaped(listed.stdout)
    const shown = await runCli(['connection', 'show', String(connection_id)], d.env)
    expect(shown.code).toBe(0)
    expectEscaped(shown.stdout)
    const json = await runCli(['connection', 'show', String(connection_id), '--json'], d.env)
    expect(rawControls(json.stdout, true)).toEqual([])
    expect(JSON.parse(json.stdout).name).toBe(HOSTILE)
  })
})
