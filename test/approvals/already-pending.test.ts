/**
 * An identical gated call while the first is still pending — an AI retrying, a user asking twice —
 * points to the pending request: no second request, no second activity for the approver, one audit
 * entry saying so. Once the first is decided, or for other arguments, a new request is filed.
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readStoreConfig } from '../../src/config.js'
import { listAudit } from '../../src/store/audit-log.js'
import { openStore, type Store } from '../../src/store/open-store.js'
import { Cleanups } from '../helpers/countersign.js'
import { callTool, type Deployment, startDeployment } from '../helpers/deployment.js'
import { file, gatedAi, openActivities, writesOf } from './helpers.js'

describe('an identical call while the first is pending', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let ai: Client
  let store: Store
  let first: number
  const call = { model: 'res.partner', id: 14 }

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    ai = (await gatedAi(d, 'demo', 'delete_record')).ai
    store = await openStore(readStoreConfig(d.env))
    cleanups.push(() => store.close())
  })
  afterAll(() => cleanups.run())

  it('answers with the pending request, files nothing and notifies nobody again', async () => {
    first = await file(ai, 'delete_record', call)
    const again = await callTool(ai, 'delete_record', { id: 14, model: 'res.partner' }) // same JSON, keys reordered
    expect(again).toMatchObject({ status: 'pending_approval', request_id: first, already_filed: true })
    expect(again.message).toContain(`request_id ${first}`)
    expect(again.message).toContain('not filed again')
    expect((await openActivities(d, first)).length).toBe(1)
    const listed = await callTool(ai, 'list_my_approval_requests', { status: 'pending' })
    expect(listed.requests.map((r: { request_id: number }) => r.request_id)).toEqual([first])
    const filed = await listAudit(store.db, { event: 'request_filed', request_id: first })
    expect(filed.items.map((e) => e.outcome).sort()).toEqual(['already_pending', 'pending'])
    expect(writesOf(d, 'res.partner.unlink')).toEqual({ received: 0, applied: 0 })
  })

  it('identical calls at the same moment still file one request', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => callTool(ai, 'delete_record', { model: 'res.partner', id: 15 })),
    )
    expect(new Set(answers.map((a) => a.request_id)).size).toBe(1)
    expect(answers.filter((a) => a.already_filed !== true)).toHaveLength(1)
  })

  it('other arguments file a new request', async () => {
    expect(await file(ai, 'delete_record', { model: 'res.partner', id: 16 })).not.toBe(first)
  })

  it('once the first is decided, the same call files a new request', async () => {
    const rejected = await d.api('admin', 'admin', 'POST', `/approvals/${first}/reject`, { note: 'not now' })
    expect(rejected.status).toBe(200)
    const refiled = await callTool(ai, 'delete_record', call)
    expect(refiled.status).toBe('pending_approval')
    expect(refiled.request_id).toBeGreaterThan(first)
    expect(refiled.already_filed).toBeUndefined()
  })
})
