/**
 * Conformance, issue 11: `execute_method res.users change_password` through approval, on every Odoo
 * the suite knows. A throwaway user (fixtures.ts `throwawayRequester`, a generated password) files it
 * from its AI; the passwords appear in clear nowhere the request is shown — the AI's answer,
 * check_approval_status, the JSON API, the approver's To-Do in Odoo — and, approved, the call runs
 * with the real ones: the new password logs in, the old one no longer does. Over JSON-RPC also
 * positionally (`args: [old, new]`; JSON-2 takes named parameters only). A wrong old password is
 * Odoo's AccessDenied: the request ends in error and the password stays.
 */
import { randomBytes } from 'node:crypto'
import type { Client } from '@modelcontextprotocol/client'
import { beforeAll, expect, it } from 'vitest'
import { HIDDEN } from '../../src/domain/secrets.js'
import { executed } from '../approvals/helpers.js'
import { createConnection } from '../helpers/countersign.js'
import { callTool } from '../helpers/deployment.js'
import { canLogIn } from '../helpers/odoo-login.js'
import { throwawayRequester } from './fixtures.js'
import { type ConformanceDeployment, describeEachOdoo } from './targets.js'

const password = () => `pw-${randomBytes(15).toString('base64url')}`

describeEachOdoo('secret arguments', (deployment, target) => {
  let ai: Client
  let login: string
  let apiKey: string
  /** The requester's password now; every one it had is in `passwords`. */
  let current: string
  const passwords: string[] = []

  beforeAll(async () => {
    const d = deployment()
    current = password()
    passwords.push(current)
    const user = await throwawayRequester(d, current)
    login = user.login
    apiKey = user.api_key
    const made = await createConnection(d.env, {
      user: login,
      key: user.api_key,
      args: ['--write', '--approval-tools', 'execute_method', '--approver', 'admin'],
      name: 'requester conformance (secrets)',
    })
    ai = await d.mcp(made.token)
  })

  function expectNoPassword(where: string, value: unknown): void {
    const text = typeof value === 'string' ? value : JSON.stringify(value)
    for (const [i, secret] of passwords.entries())
      expect(text.includes(secret), `password #${i + 1} in ${where}`).toBe(false)
  }

  /** Files the call, checks it is shown masked everywhere, approves it; the finished request. */
  async function fileAndApprove(
    d: ConformanceDeployment,
    args: Record<string, unknown>,
  ): Promise<Record<string, any>> {
    const filed = await ai.callTool({ name: 'execute_method', arguments: args })
    expect(filed.isError, JSON.stringify(filed.content)).toBeFalsy()
    const pending = filed.structuredContent as Record<string, any>
    expect(pending.status).toBe('pending_approval')
    expect(pending.summary).toContain(HIDDEN)
    expectNoPassword('the tool result', filed)
    const request_id = pending.request_id as number

    expectNoPassword('check_approval_status', await callTool(ai, 'check_approval_status', { request_id }))
    const shown = await d.api('admin', d.secret('admin'), 'GET', `/approvals/${request_id}`)
    expect(shown.status).toBe(200)
    expect(JSON.stringify(shown.body.arguments)).toContain(HIDDEN)
    expectNoPassword('GET /api/approvals/:id', shown.body)
    const activities = await d.activities<{ note: string }>(request_id, ['note'])
    expect(activities).toHaveLength(1)
    expect(activities[0]?.note).toContain('change_password')
    expectNoPassword('the Odoo activity', activities)

    const approved = await d.api('admin', d.secret('admin'), 'POST', `/approvals/${request_id}/approve`, {})
    expect(approved.status).toBe(200)
    const done = await executed(ai, request_id, 30_000)
    expectNoPassword('the finished request', done)
    return done
  }

  it('by name: shown masked, approved, run with the real passwords', async () => {
    const d = deployment()
    const next = password()
    passwords.push(next)
    const done = await fileAndApprove(d, {
      model: 'res.users',
      method: 'change_password',
      kwargs: { old_passwd: current, new_passwd: next },
    })
    expect(done).toMatchObject({ execution_status: 'success', result: { result: true } })
    expect(await canLogIn(d, login, next)).toBe(true)
    expect(await canLogIn(d, login, current)).toBe(false)
    current = next
  })

  it('positionally: args [old, new] runs over JSON-RPC, and over JSON-2 is refused unfiled without echoing them', async () => {
    const d = deployment()
    const next = password()
    passwords.push(next)
    if (target.protocol === 'json2') {
      // JSON-2 binds by name only: refused before filing, and the refusal does not repeat the values.
      const refused = await ai.callTool({
        name: 'execute_method',
        arguments: { model: 'res.users', method: 'change_password', args: [current, next] },
      })
      expect(refused.isError).toBe(true)
      expect(JSON.stringify(refused.content)).toContain('positional parameters work over JSON-RPC only')
      expectNoPassword('the refusal', refused)
      expect(await canLogIn(d, login, current)).toBe(true)
      return
    }
    const done = await fileAndApprove(d, {
      model: 'res.users',
      method: 'change_password',
      args: [current, next],
    })
    expect(done).toMatchObject({ execution_status: 'success', result: { result: true } })
    expect(await canLogIn(d, login, next)).toBe(true)
    expect(await canLogIn(d, login, current)).toBe(false)
    current = next
  })

  it('a wrong old password, or the API key instead of it: Odoo refuses (AccessDenied), the password stays', async () => {
    const d = deployment()
    // The check is interactive (`_check_credentials(..., {'interactive': True})`): keys do not count.
    for (const wrong of [password(), apiKey]) {
      const next = password()
      passwords.push(wrong, next)
      const done = await fileAndApprove(d, {
        model: 'res.users',
        method: 'change_password',
        kwargs: { old_passwd: wrong, new_passwd: next },
      })
      expect(done.execution_status).toBe('error')
      expect(done.error).toMatch(/Access Denied/i)
      expect(await canLogIn(d, login, current)).toBe(true)
      expect(await canLogIn(d, login, next)).toBe(false)
    }
  })
})
