import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { boundResult } from '../../src/approvals/execute.js'
import {
  invalidArgumentsResult,
  modelLabelFromAccessError,
  toolErrorResult,
} from '../../src/mcp/tool-errors.js'
import { kindOfOdooError, OdooError } from '../../src/odoo/errors.js'
import { ToolError } from '../../src/tools/tool.js'

// Odoo 17 texts, as captured from a real instance (notes: facts.md §3).
const ACL =
  "You are not allowed to delete 'Journal Entry' (account.move) records.\n\nThis operation is allowed for the following groups:\n\t- Invoicing/Billing\n\nContact your administrator to request access if necessary."
const RULE =
  "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\nSorry, Marc Demo (id=6) doesn't have 'read' access to:\n- Sales Order (sale.order)\n\nIf you really, really need access, perhaps you can win over your friendly administrator with a batch of freshly baked cookies."

describe('tool errors for the AI', () => {
  it('reads the model label from both kinds of Odoo access errors', () => {
    expect(modelLabelFromAccessError(ACL)).toBe('Journal Entry')
    expect(modelLabelFromAccessError(RULE)).toBe('Sales Order')
    expect(modelLabelFromAccessError('something else')).toBeNull()
  })

  it('keeps Odoo’s message and adds what it means', () => {
    const result = toolErrorResult(new OdooError('access_denied', ACL), 'delete_record', 'restricted', true)
    expect(result.isError).toBe(true)
    expect(result.content[0]?.text).toBe(
      `Access denied: ${ACL} — this Odoo user (restricted) may not delete Journal Entries.`,
    )
    const rule = toolErrorResult(new OdooError('access_denied', RULE), 'update_record', 'demo', true)
    expect(rule.content[0]?.text).toMatch(/may not modify Sales Orders\.$/)
  })

  it('an Access Denied from execute_method may be the method’s own refusal (a wrong old password), and says so', () => {
    const denied = new OdooError('authentication_failed', 'Access Denied')
    const method = toolErrorResult(denied, 'execute_method', 'demo', true).content[0]?.text
    expect(method).toMatch(/^Odoo answered Access Denied \(Access Denied\): either the method refused/)
    expect(method).toContain('the old password is wrong')
    const other = toolErrorResult(denied, 'search_read', 'demo', false).content[0]?.text
    expect(other).toMatch(/^Odoo refused this connection's credentials for demo/)
    // Nobody but the owner can give Countersign a new key: that is where the AI points.
    for (const text of [method, other])
      expect(text).toContain('its owner connects this AI client again in the Countersign console')
  })

  it('warns that a timed-out write may have happened', () => {
    const text = toolErrorResult(
      new OdooError('timeout', 'Odoo did not answer within 100 ms'),
      'batch_delete',
      'demo',
      true,
    ).content[0]?.text
    expect(text).toContain('may or may not have been applied')
  })

  it('says nothing was done only when the call never reached Odoo', () => {
    const text = (error: OdooError, writes: boolean) =>
      toolErrorResult(error, 'delete_record', 'demo', writes).content[0]?.text ?? ''
    const refused = new OdooError('network', 'Cannot reach Odoo at x: ECONNREFUSED', { request_sent: false })
    const reset = new OdooError('network', 'Cannot reach Odoo at x: ECONNRESET', { request_sent: true })
    expect(text(refused, true)).toContain('Nothing was done')
    expect(text(reset, true)).toContain('may or may not have been applied')
    expect(text(reset, true)).not.toContain('Nothing was done')
    expect(text(reset, false)).toContain('Try again')
  })

  it('gives one kind to an unknown model or method, however each Odoo and protocol words it', () => {
    // As real Odoo 17 (/jsonrpc), 19 (/jsonrpc) and 19 (JSON-2) answer them.
    const cases: Array<[string, string]> = [
      ['odoo.exceptions.UserError', "Object no.such.model doesn't exist"],
      ['werkzeug.exceptions.NotFound', "the model 'no.such.model' does not exist"],
      ['builtins.AttributeError', "The method 'x' does not exist on the model 'res.partner'"],
      ['builtins.AttributeError', "The method 'res.partner.x' does not exist"],
      ['werkzeug.exceptions.NotFound', "The method 'res.partner.x' does not exist"],
    ]
    for (const [name, message] of cases)
      expect([name, kindOfOdooError(name, message)]).toEqual([name, 'not_found'])
    // A UserError or AttributeError about something else keeps its own kind.
    expect(kindOfOdooError('odoo.exceptions.UserError', 'Cancel the order first')).toBe('user_error')
    expect(kindOfOdooError('builtins.AttributeError', "'bool' object has no attribute 'x'")).toBe(
      'server_error',
    )
    const text = toolErrorResult(
      new OdooError('not_found', "Object no.such.model doesn't exist"),
      'count_records',
      'demo',
      false,
    ).content[0]?.text
    expect(text).toMatch(/^Unknown model or method: Object no\.such\.model doesn't exist — list_models/)
  })

  it('calls wrong arguments a rejected call, pointing to describe_model for an unknown field', () => {
    expect(kindOfOdooError('builtins.ValueError', "Invalid field 'x' on 'res.partner'")).toBe('bad_request')
    expect(kindOfOdooError('builtins.TypeError', "f() got an unexpected keyword argument 'x'")).toBe(
      'bad_request',
    )
    expect(kindOfOdooError('werkzeug.exceptions.UnprocessableEntity', 'cannot call x with ids')).toBe(
      'bad_request',
    )
    const text = (message: string) =>
      toolErrorResult(new OdooError('bad_request', message), 'search_read', 'demo', false).content[0]?.text
    expect(text("Invalid field 'x' on 'res.partner'")).toBe(
      "Odoo rejected the call: Invalid field 'x' on 'res.partner' — describe_model gives the field names of a model.",
    )
    expect(text('Expected singleton: res.partner(1, 2)')).toBe(
      'Odoo rejected the call: Expected singleton: res.partner(1, 2)',
    )
  })

  it('passes Countersign’s own refusals through and rethrows anything unexpected', () => {
    expect(toolErrorResult(new ToolError('no'), 'x', 'demo', false).content[0]?.text).toBe('no')
    expect(() => toolErrorResult(new TypeError('bug'), 'x', 'demo', false)).toThrow(TypeError)
  })

  it('names each invalid field', () => {
    const schema = z.object({ model: z.string(), ids: z.array(z.number().int().positive()) }).strict()
    const parsed = schema.safeParse({ ids: [1, -2], extra: true })
    if (parsed.success) throw new Error('expected a failure')
    const text = invalidArgumentsResult('batch_delete', parsed.error).content[0]?.text ?? ''
    expect(text).toMatch(/^Invalid arguments for batch_delete \(nothing was done\): /)
    expect(text).toContain('model:')
    expect(text).toContain('ids[1]:')
    expect(text).toContain('extra')
  })
})

describe('cached result bounding', () => {
  it('keeps small results as they are', () => {
    expect(boundResult('{"a":1}', 100)).toEqual({ text: '{"a":1}', truncated: false })
  })

  it('replaces a large result with valid JSON carrying a visible marker and the beginning', () => {
    const big = JSON.stringify({
      records: Array.from({ length: 5000 }, (_, i) => ({ id: i, name: `Partner ${i}` })),
    })
    const bounded = boundResult(big, 4096)
    expect(bounded.truncated).toBe(true)
    expect(Buffer.byteLength(bounded.text)).toBeLessThanOrEqual(4096)
    expect(Buffer.byteLength(bounded.text)).toBeGreaterThan(3000)
    const parsed = JSON.parse(bounded.text)
    expect(parsed.truncated).toBe(true)
    expect(parsed.note).toMatch(/^\[result truncated: \d+ bytes/)
    expect(big.startsWith(parsed.partial)).toBe(true)
  })
})
