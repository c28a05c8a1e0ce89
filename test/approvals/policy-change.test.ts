/**
 * A request waits under the policy it was filed with, but runs under the connection's policy at
 * approval time: when an administrator takes write access away meanwhile, approving it executes
 * nothing and says why. With write access back, the same kind of request runs.
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConsoleAgent } from '../console/helpers.js'
import { Cleanups, runCli } from '../helpers/countersign.js'
import { type Deployment, startDeployment } from '../helpers/deployment.js'
import { executed, file, gatedAi, writesOf } from './helpers.js'

describe('a policy tightened while a request waits', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let ai: Client
  let connection_id: number
  let admin: ConsoleAgent
  const WARNING = 'Approving this request will run nothing'

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    ;({ connection_id, ai } = await gatedAi(d, 'demo', 'update_record'))
    admin = new ConsoleAgent(d.servers[0]!.url)
    expect((await admin.login('admin', 'admin')).status).toBe(303)
  })
  afterAll(() => cleanups.run())

  const update = (phone: string) =>
    file(ai, 'update_record', { model: 'res.partner', ids: [10], values: { phone } })
  const setWrite = async (flag: '--write' | '--no-write') =>
    expect((await runCli(['connection', 'update', String(connection_id), flag], d.env)).code).toBe(0)

  it('write access taken away after filing: approving executes nothing and says why', async () => {
    const request_id = await update('+1 555 0101')
    expect((await admin.get(`/approvals/${request_id}`)).text).not.toContain(WARNING)
    expect((await d.api('admin', 'admin', 'GET', `/approvals/${request_id}`)).body.will_not_run).toBeNull()
    await setWrite('--no-write')
    // The approver is told before deciding.
    const page = (await admin.get(`/approvals/${request_id}`)).text.replace(/\s+/g, ' ')
    expect(page).toContain(`${WARNING}: the connection may no longer use update_record`)
    const REASON =
      'the connection may no longer use update_record: its policy changed after the request was filed'
    const api = await d.api('admin', 'admin', 'GET', `/approvals/${request_id}`)
    expect(api.body.will_not_run).toBe(REASON)
    const shown = await runCli(['approvals', 'show', String(request_id)], {
      ...d.env,
      COUNTERSIGN_URL: d.servers[0]!.url,
      COUNTERSIGN_LOGIN: 'admin',
      COUNTERSIGN_PASSWORD: 'admin',
    })
    expect(shown.code).toBe(0)
    expect(shown.stdout).toContain(`WARNING: approving it will run nothing: ${REASON}`)
    d.sandbox.resetWrites()
    const approved = await d.api('admin', 'admin', 'POST', `/approvals/${request_id}/approve`, {})
    expect(approved.status).toBe(200)
    const done = await executed(ai, request_id)
    expect(done).toMatchObject({ status: 'approved', execution_status: 'error', result: null })
    expect(done.error).toBe(
      'the connection may no longer use update_record: its policy changed after the request was filed; nothing was executed',
    )
    expect(writesOf(d, 'res.partner.write')).toEqual({ received: 0, applied: 0 })
  })

  it('with write access back, an approved update runs', async () => {
    await setWrite('--write')
    const request_id = await update('+1 555 0102')
    d.sandbox.resetWrites()
    expect((await d.api('admin', 'admin', 'POST', `/approvals/${request_id}/approve`, {})).status).toBe(200)
    expect(await executed(ai, request_id)).toMatchObject({ execution_status: 'success' })
    expect(writesOf(d, 'res.partner.write')).toEqual({ received: 1, applied: 1 })
  })
})
