/**
 * Invalid tool arguments: the tool error names each offending field by its path (`ids[2]`,
 * `domain[0][1]`, an unknown key…) so the model can fix its call, and nothing happens — in
 * particular a GATED tool with invalid arguments files no approval request, notifies nobody and
 * writes nothing in Odoo, while the same tool with valid arguments does file one.
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups } from '../helpers/countersign.js'
import { callTool, type Deployment, startDeployment } from '../helpers/deployment.js'

const GATED = ['delete_record', 'batch_delete', 'update_record', 'send_test_email_template']

async function toolError(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
  const result = await client.callTool({ name, arguments: args })
  expect(result.isError, JSON.stringify(result.content)).toBe(true)
  const [first] = result.content as Array<{ type: string; text: string }>
  expect(result.structuredContent).toBeUndefined()
  return first?.text ?? ''
}

describe('invalid tool arguments', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let ai: Client

  async function pendingCount(): Promise<number> {
    const listed = await d.api('admin', 'admin', 'GET', '/approvals?status=all')
    expect(listed.status).toBe(200)
    return listed.body.total as number
  }

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    const { token } = await d.connection('demo', [
      '--write',
      '--approval-tools',
      GATED.join(','),
      '--approver',
      'admin',
    ])
    ai = await d.mcp(token)
  })
  afterAll(() => cleanups.run())

  const cases: Array<[tool: string, args: Record<string, unknown>, named: RegExp]> = [
    ['batch_delete', { model: 'res.partner', ids: [1, 2, -3] }, /\bids\[2\]: /],
    ['batch_delete', { model: 'res.partner', ids: [1, 2.5] }, /\bids\[1\]: /],
    ['get_record', { model: 'res.partner', id: '7' }, /\bid: .*number/],
    ['search_read', { model: 'res.partner', domain: [['state', '==', 'draft']] }, /\bdomain\[0\]\[1\]: /],
    [
      'count_records',
      { model: 'res.partner', domain: [42] },
      /\bdomain\[0\]: .*expected one of "&", "\|", "!" or array, received number/,
    ],
    [
      'count_records',
      { model: 'res.partner', domain: [['name', '=', { x: 1 }]] },
      /\bdomain\[0\]\[2\]: .*received object/,
    ],
    ['search_read', { model: 'Res Partner' }, /\bmodel: must be a technical model name/],
    ['search_read', { model: 'res.partner', limit: 10_000 }, /\blimit: /],
    ['create_record', { model: 'res.partner', values: {} }, /\bvalues: give at least one field/],
    ['create_record', { model: 'res.partner', values: { 'Bad Field': 1 } }, /\bvalues\b/],
    ['count_records', { model: 'res.partner', sneaky: true }, /Unrecognized key.*"sneaky"/],
    [
      'update_record',
      { model: 'res.partner', ids: [7, 7], values: { name: 'x' } },
      /\bids: ids must not repeat/,
    ],
    [
      'send_test_email_template',
      { template_id: 1, record_id: 1, email_to: 'not an address' },
      /\bemail_to: /,
    ],
    [
      'execute_method',
      { model: 'res.partner', method: '_private' },
      /\bmethod: must be a public method name/,
    ],
    ['delete_record', { model: 'res.partner' }, /\bid: /],
  ]

  it.each(cases)('%s %j names the field', async (tool, args, named) => {
    const text = await toolError(ai, tool, args)
    expect(text).toMatch(new RegExp(`^Invalid arguments for ${tool} \\(nothing was done\\): `))
    expect(text).toMatch(named)
  })

  it('names every problem of a call, not just the first', async () => {
    const text = await toolError(ai, 'search_read', { model: 'Bad', limit: -1, offset: 'x' })
    expect(text).toMatch(/\bmodel: /)
    expect(text).toMatch(/\blimit: /)
    expect(text).toMatch(/\boffset: /)
  })

  it('a gated tool with invalid arguments files nothing, notifies nobody and writes nothing', async () => {
    const [partner] = await d.odooAdmin.call<Array<{ id: number }>>('res.partner', 'search_read', {
      kwargs: { domain: [], fields: ['id'], limit: 1 },
    })
    const before = await pendingCount()
    d.sandbox.resetWrites()

    await toolError(ai, 'batch_delete', { model: 'res.partner', ids: [partner?.id, -1] })
    await toolError(ai, 'delete_record', { model: 'res.partner', id: 0 })
    await toolError(ai, 'update_record', { model: 'res.partner', ids: [partner?.id], values: {} })
    await toolError(ai, 'send_test_email_template', { template_id: 1, record_id: 1, email_to: 'x@' })

    expect(await pendingCount()).toBe(before)
    const writes = d.sandbox.writes()
    expect(writes.received).toEqual({}) // not even a mail.activity for the approver
    expect(
      await d.odooAdmin.call('res.partner', 'search_count', {
        kwargs: { domain: [['id', '=', partner?.id]] },
      }),
    ).toBe(1)

    // The same tool with valid arguments does file (so the counts above could have moved).
    const pending = await callTool(ai, 'delete_record', { model: 'res.partner', id: partner?.id })
    expect(pending.status).toBe('pending_approval')
    expect(await pendingCount()).toBe(before + 1)
    expect(d.sandbox.writes().received['res.partner.unlink']).toBeUndefined()
    expect(d.sandbox.writes().applied['mail.activity.create']).toBe(1)
  })
})
