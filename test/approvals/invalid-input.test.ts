/**
 * Issue 4 acceptance, the gate's first rule (PRODUCT.md "The gate" 1): invalid arguments to a
 * gated tool are a tool error and file nothing — no request row, no Odoo activity, no call to Odoo
 * at all. A valid call at the end shows the same setup does file, so the emptiness is not vacuous.
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups } from '../helpers/countersign.js'
import { callTool, type Deployment, startDeployment } from '../helpers/deployment.js'
import { gatedAi, openActivities } from './helpers.js'

const INVALID: Array<[string, Record<string, unknown>]> = [
  ['batch_delete', { model: 'sale.order', ids: [] }],
  ['batch_delete', { model: 'sale.order', ids: [1, 'two'] }],
  ['batch_delete', { model: 'sale.order', ids: [1], force: true }],
  ['batch_delete', { ids: [1] }],
  ['batch_delete', { model: 'Sale Orders!', ids: [1] }],
  ['delete_record', { model: 'sale.order', id: -3 }],
  ['update_record', { model: 'res.partner', ids: [10], values: 'phone=1' }],
]

describe('invalid input files nothing', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let ai: Client
  let activitiesBefore: number

  const adminActivities = () =>
    d.odooAdmin.call<number>('mail.activity', 'search_count', { kwargs: { domain: [['user_id', '=', 2]] } })

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    ai = (await gatedAi(d, 'demo', 'batch_delete,delete_record,update_record')).ai
    activitiesBefore = await adminActivities()
    d.sandbox.resetWrites()
  })
  afterAll(() => cleanups.run())

  it.each(INVALID)('1. %s with %j is a tool error', async (name, args) => {
    const result = await ai.callTool({ name, arguments: args })
    expect(result.isError).toBe(true)
    const text = (result.content as Array<{ text: string }>)[0]?.text ?? ''
    expect(text).not.toContain('pending_approval')
    expect(result.structuredContent).toBeUndefined()
  })

  it.each([
    ['batch_delete', { model: 'no.such.model', ids: [1, 2] }, "Object no.such.model doesn't exist"],
    ['update_record', { model: 'res.partner', ids: [10], values: { phone: '1' }, nonsense: 1 }, 'nonsense'],
  ])(
    '1b. %s on %j, which Odoo itself refuses to read, is a tool error and files nothing',
    async (name, args, said) => {
      const result = await ai.callTool({ name, arguments: args })
      expect(result.isError).toBe(true)
      expect((result.content as Array<{ text: string }>)[0]?.text).toContain(said)
    },
  )

  it('2. no request was filed, no activity created, nothing sent to Odoo', async () => {
    const list = await d.api('admin', 'admin', 'GET', '/approvals?status=all')
    expect(list.status).toBe(200)
    expect(list.body).toMatchObject({ items: [], total: 0 })
    expect(await callTool(ai, 'list_my_approval_requests', {})).toEqual({
      requests: [],
      total: 0,
      total_exact: true,
    })
    expect(await adminActivities()).toBe(activitiesBefore)
    expect(d.sandbox.writes()).toEqual({ received: {}, applied: {} })
  })

  it('3. control: a valid call through the same connection does file a request and an activity', async () => {
    const pending = await callTool(ai, 'update_record', {
      model: 'res.partner',
      ids: [10],
      values: { phone: '1' },
    })
    expect(pending.status).toBe('pending_approval')
    const list = await d.api('admin', 'admin', 'GET', '/approvals?status=all')
    expect(list.body.total).toBe(1)
    expect(await openActivities(d, pending.request_id)).toHaveLength(1)
    expect(d.sandbox.writes().received).toEqual({ 'mail.activity.create': 1 })
  })
})
