/**
 * Conformance: what the AI reads when Odoo refuses, on every Odoo the suite knows. Each refusal must
 * be a tool error (not a protocol error), carry Odoo's own words, start with the same words on every
 * target (one kind per refusal, whatever the version or protocol), and change nothing.
 */
import type { Client } from '@modelcontextprotocol/client'
import { beforeAll, expect, it } from 'vitest'
import { callTool } from '../helpers/deployment.js'
import { create, customer, exists, quotation, read } from './fixtures.js'
import { describeEachOdoo } from './targets.js'

async function refusal(ai: Client, tool: string, args: Record<string, unknown>): Promise<string> {
  const result = await ai.callTool({ name: tool, arguments: args })
  if (!result.isError)
    throw new Error(`${tool} was expected to fail, got ${JSON.stringify(result.structuredContent)}`)
  const content = result.content as Array<{ type: string; text: string }>
  return content.map((c) => c.text).join('\n')
}

describeEachOdoo('errors the AI sees', (deployment) => {
  let demo: Client
  let restricted: Client

  beforeAll(async () => {
    const d = deployment()
    demo = await d.mcp((await d.connection('demo', ['--write'])).token)
    restricted = await d.mcp((await d.connection('restricted', ['--write'])).token)
  })

  it('access rights: restricted may not read sales orders', async () => {
    const text = await refusal(restricted, 'search_read', { model: 'sale.order', fields: ['name'] })
    expect(text).toMatch(/^Access denied: /)
    expect(text).toContain('(sale.order)')
    expect(text).toContain('this Odoo user (restricted) may not read Sales Orders')
  })

  it('record rules: demo may not change admin’s quotation; nothing changes', async () => {
    const d = deployment()
    const theirs = await quotation(d, 'admin')
    const text = await refusal(demo, 'update_record', {
      model: 'sale.order',
      ids: [theirs.id],
      values: { client_order_ref: 'hijacked' },
    })
    expect(text).toMatch(/^Access denied: /)
    expect(text).toContain('sale.order')
    expect(
      (await read(d.odooAdmin, 'sale.order', [theirs.id], ['client_order_ref']))[0]?.client_order_ref,
    ).not.toBe('hijacked')
  })

  it('business rules: a confirmed sales order must be cancelled before it is deleted', async () => {
    const d = deployment()
    const { id } = await quotation(d, 'demo')
    await callTool(demo, 'transition_state', { model: 'sale.order', ids: [id], transition: 'action_confirm' })
    const text = await refusal(demo, 'delete_record', { model: 'sale.order', id })
    expect(text).toMatch(/^Odoo refused: /)
    expect(text.toLowerCase()).toContain('cancel')
    expect(await exists(d.odooAdmin, 'sale.order', id)).toBe(true)
  })

  it('a missing record: writing to a deleted contact', async () => {
    const d = deployment()
    const gone = await create(d.odooAdmin, 'res.partner', { name: d.unique('gone') })
    await d.odooAdmin.call('res.partner', 'unlink', { ids: [gone] })
    const text = await refusal(demo, 'update_record', {
      model: 'res.partner',
      ids: [gone],
      values: { phone: '1' },
    })
    expect(text).toMatch(/^Not found: /)
    expect(text).toContain('Record does not exist or has been deleted')
    const read_ = await refusal(demo, 'get_record', { model: 'res.partner', id: gone })
    expect(read_).toBe(`Record res.partner #${gone} does not exist or has been deleted.`)
  })

  it('an unknown field names the field and the model', async () => {
    const text = await refusal(demo, 'search_read', { model: 'res.partner', fields: ['no_such_field'] })
    expect(text).toMatch(/^Odoo rejected the call: /)
    expect(text).toContain("Invalid field 'no_such_field'")
    expect(text).toContain('res.partner')
    expect(text).toContain('describe_model')
  })

  it('an unknown model', async () => {
    const text = await refusal(demo, 'count_records', { model: 'no.such.model' })
    expect(text).toMatch(/^Unknown model or method: /)
    expect(text).toContain('no.such.model')
    expect(text).toContain('list_models')
  })

  it('an unknown method', async () => {
    const d = deployment()
    const { id } = await customer(d)
    const text = await refusal(demo, 'execute_method', {
      model: 'res.partner',
      method: 'no_such_method',
      ids: [id],
    })
    expect(text).toMatch(/^Unknown model or method: /)
    expect(text).toContain('no_such_method')
  })

  it('a private method is refused before anything reaches Odoo', async () => {
    const text = await refusal(demo, 'execute_method', {
      model: 'res.partner',
      method: '_compute_display_name',
    })
    expect(text).toMatch(/^Invalid arguments for execute_method \(nothing was done\): method: /)
    expect(text).toContain('private methods')
  })

  it('a record the user may not see reads as missing or refused, never as someone else’s data', async () => {
    const d = deployment()
    const theirs = await quotation(d, 'admin')
    const result = await demo.callTool({
      name: 'get_record',
      arguments: { model: 'sale.order', id: theirs.id },
    })
    expect(result.isError).toBe(true)
    expect(JSON.stringify(result.content)).not.toContain(theirs.name)
  })
})
