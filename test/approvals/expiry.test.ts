/**
 * Issue 4 acceptance, expiry (seed "Cron behaviour"; PRODUCT.md "A request that is past expires_at
 * cannot be approved even if the cron has not run yet"). demo has two connections: one whose
 * requests expire after 1.8 s (--expiry-hours 0.0005) and one with the usual 4 hours. Each due
 * request is expired by a different path — a decision attempt, `countersign expire`, the serve
 * job, a list — and the request that is not due stays pending throughout. Statuses are read straight
 * from the store, because every way of reading through Countersign expires what is due.
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readStoreConfig } from '../../src/config.js'
import { openStore, type Store } from '../../src/store/open-store.js'
import { Cleanups, runCli } from '../helpers/countersign.js'
import { callTool, type Deployment, eventually, startDeployment } from '../helpers/deployment.js'
import { activitiesClosed, openActivities, writesOf } from './helpers.js'

const SHORT_EXPIRY_HOURS = '0.0005'

describe('expiry', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let shortLived: Client
  let longLived: Client
  const ids = { byDecision: 0, byCli: 0, byJob: 0, byList: 0, notDue: 0 }
  let store: Store

  /** Files an update on a partner through `ai`; returns the id and when it expires. */
  async function fileUpdate(ai: Client, phone: string): Promise<{ request_id: number; expires_at: Date }> {
    const pending = await callTool(ai, 'update_record', {
      model: 'res.partner',
      ids: [10],
      values: { phone },
    })
    expect(pending.status).toBe('pending_approval')
    return { request_id: pending.request_id, expires_at: new Date(pending.expires_at) }
  }

  async function until(when: Date): Promise<void> {
    const wait = when.getTime() - Date.now() + 50
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
  }

  /** Statuses by request_id, read from the store without going through Countersign. */
  async function statuses(): Promise<Record<number, string>> {
    const rows = await store.db.selectFrom('approval_request').select(['request_id', 'status']).execute()
    return Object.fromEntries(rows.map((r) => [r.request_id, r.status]))
  }

  beforeAll(async () => {
    // The default interval (30 minutes): no expiry job runs on this server during the test.
    d = await startDeployment(cleanups)
    store = await openStore(readStoreConfig(d.env))
    cleanups.push(() => store.close())
    const policy = ['--write', '--approval-tools', 'update_record', '--approver', 'admin']
    const short = await d.connection('demo', [...policy, '--expiry-hours', SHORT_EXPIRY_HOURS])
    const long = await d.connection('demo', [...policy, '--expiry-hours', '4'])
    shortLived = await d.mcp(short.token)
    longLived = await d.mcp(long.token)
    d.sandbox.resetWrites()
  })
  afterAll(() => cleanups.run())

  it('1. a request past expires_at cannot be approved: 409 before any job ran, and it becomes expired', async () => {
    ids.notDue = (await fileUpdate(longLived, '+1 555 0199')).request_id
    const filed = await fileUpdate(shortLived, '+1 555 0101')
    ids.byDecision = filed.request_id
    expect(filed.expires_at.getTime() - Date.now()).toBeLessThan(1_800)
    await until(filed.expires_at)
    // Still pending in the store: nothing has swept it yet.
    expect((await statuses())[ids.byDecision]).toBe('pending')

    const approve = await d.api('admin', 'admin', 'POST', `/approvals/${ids.byDecision}/approve`, {
      note: 'late',
    })
    expect(approve.status).toBe(409)
    expect(approve.body.code).toBe('CS_EXPIRED')
    // The refused decision itself flipped it.
    expect(await statuses()).toMatchObject({ [ids.byDecision]: 'expired', [ids.notDue]: 'pending' })
    const reject = await d.api('admin', 'admin', 'POST', `/approvals/${ids.byDecision}/reject`, {})
    expect(reject.status).toBe(409)
    expect(writesOf(d, 'res.partner.write')).toEqual({ received: 0, applied: 0 })
  })

  it('2. check_approval_status says expired, with no decision, and invites re-filing', async () => {
    const status = await callTool(shortLived, 'check_approval_status', { request_id: ids.byDecision })
    expect(status).toMatchObject({
      status: 'expired',
      execution_status: 'pending',
      decided_by: null,
      approver_note: null,
      result: null,
    })
    expect(status.message).toContain('expired without a decision; the action was not performed')
    expect(status.message).toContain(
      'If the user still wants it, call update_record again to file a fresh request',
    )
    await activitiesClosed(d, ids.byDecision)
  })

  it('3. `countersign expire` expires the due request and only that one', async () => {
    const filed = await fileUpdate(shortLived, '+1 555 0102')
    ids.byCli = filed.request_id
    await until(filed.expires_at)
    const cli = await runCli(['expire'], d.env)
    expect(cli.stderr.split('\n').filter((l) => l.includes('"level":50'))).toEqual([])
    expect(cli.code).toBe(0)
    expect(cli.stdout.trim()).toBe(`expired 1 request(s): ${ids.byCli}`)
    expect(await statuses()).toMatchObject({ [ids.byCli]: 'expired', [ids.notDue]: 'pending' })
    await activitiesClosed(d, ids.byCli)
    // A second sweep finds nothing more.
    expect((await runCli(['expire'], d.env)).stdout.trim()).toBe('no pending request is past its expiry')
  })

  it('4. the serve job (COUNTERSIGN_EXPIRY_INTERVAL_MINUTES=0.02) expires a due request on its own', async () => {
    const filed = await fileUpdate(shortLived, '+1 555 0103')
    ids.byJob = filed.request_id
    await until(filed.expires_at)
    expect((await statuses())[ids.byJob]).toBe('pending')
    await d.startServer({ COUNTERSIGN_EXPIRY_INTERVAL_MINUTES: '0.02' })
    await eventually(
      async () => ((await statuses())[ids.byJob] === 'expired' ? true : undefined),
      10_000,
      'the expiry job to expire the request',
    )
    await activitiesClosed(d, ids.byJob)
  })

  it('4b. a list never shows a due request as pending: listing expires it first', async () => {
    const filed = await fileUpdate(shortLived, '+1 555 0104')
    ids.byList = filed.request_id
    await until(filed.expires_at)
    const list = await d.api('admin', 'admin', 'GET', '/approvals?status=pending')
    expect(list.status).toBe(200)
    expect(list.body.items.map((r: { request_id: number }) => r.request_id)).toEqual([ids.notDue])
    expect((await statuses())[ids.byList]).toBe('expired')
    await activitiesClosed(d, ids.byList)
  })

  it('5. the request that is not due stays pending, with its activity open; nothing was executed', async () => {
    // Several more ticks of the 1.2 s job.
    await new Promise((r) => setTimeout(r, 2_500))
    expect(await statuses()).toEqual({
      [ids.byDecision]: 'expired',
      [ids.byCli]: 'expired',
      [ids.byJob]: 'expired',
      [ids.byList]: 'expired',
      [ids.notDue]: 'pending',
    })
    const status = await callTool(longLived, 'check_approval_status', { request_id: ids.notDue })
    expect(status.status).toBe('pending')
    expect(await openActivities(d, ids.notDue)).toHaveLength(1)
    expect(writesOf(d, 'res.partner.write')).toEqual({ received: 0, applied: 0 })
    expect(writesOf(d, 'mail.activity.action_feedback').applied).toBe(4)
  })
})
