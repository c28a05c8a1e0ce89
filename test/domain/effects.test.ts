/**
 * The effect model (src/domain/effects): what a call will do to Odoo, derived from its arguments
 * and the field types, table by table — including each way around the tool-name gate that an
 * adversarial review found (issue 11): deletions, state changes and archiving inside
 * update_record, messages to followers, and execute_method under another verb.
 */
import { describe, expect, it } from 'vitest'
import { effectsOf, factsNeeded, type ToolCall, unknownFields } from '../../src/domain/effects/derive.js'
import type { Effect, EffectFacts } from '../../src/domain/effects/effect.js'
import { describe as describeEffect, gate } from '../../src/domain/effects/gate.js'
import { methodKind } from '../../src/domain/effects/methods.js'

// As Odoo 17's fields_get describes them.
const FACTS: EffectFacts = {
  fields: {
    'sale.order': {
      order_line: { type: 'one2many', relation: 'sale.order.line' },
      tag_ids: { type: 'many2many', relation: 'crm.tag' },
      state: { type: 'selection' },
      note: { type: 'html' },
      user_id: { type: 'many2one', relation: 'res.users' },
      company_id: { type: 'many2one', relation: 'res.company' },
      amount_total: { type: 'monetary' },
    },
    'res.partner': {
      child_ids: { type: 'one2many', relation: 'res.partner' },
      category_id: { type: 'many2many', relation: 'res.partner.category' },
      active: { type: 'boolean' },
      phone: { type: 'char' },
    },
    'sale.order.line': { product_uom_qty: { type: 'float' }, name: { type: 'text' } },
  },
}

const TRANSITIONS = { 'sale.order': { action_confirm: 'sale', action_cancel: 'cancel' } }

function effects(tool: string, args: Record<string, unknown>): Effect[] {
  return effectsOf({ tool, args } as ToolCall, FACTS, TRANSITIONS)
}

/** kind, model and records of each effect: what the gate reads. */
function kinds(found: Effect[]): Array<[string, string, number[] | 'all']> {
  return found.map((e) => [e.kind, e.model, e.records])
}

describe('effects of a call', () => {
  it.each<[string, string, Record<string, unknown>, Array<[string, string, number[] | 'all']>]>([
    [
      'update_record [2, id] on order lines deletes the line',
      'update_record',
      { model: 'sale.order', ids: [5], values: { order_line: [[2, 71]] } },
      [['delete', 'sale.order.line', [71]]],
    ],
    [
      'update_record [2, id] on child contacts deletes the contact',
      'update_record',
      { model: 'res.partner', ids: [9], values: { child_ids: [[2, 33]] } },
      [['delete', 'res.partner', [33]]],
    ],
    [
      '[3, id] on a one2many takes the line out, which deletes it',
      'update_record',
      { model: 'sale.order', ids: [5], values: { order_line: [[3, 71]] } },
      [['delete', 'sale.order.line', [71]]],
    ],
    [
      '[5] on a one2many deletes every line',
      'update_record',
      { model: 'sale.order', ids: [5], values: { order_line: [[5]] } },
      [['delete', 'sale.order.line', 'all']],
    ],
    [
      '[6, 0, ids] on a one2many deletes the lines it leaves out',
      'update_record',
      { model: 'sale.order', ids: [5], values: { order_line: [[6, 0, [71]]] } },
      [['delete', 'sale.order.line', 'all']],
    ],
    [
      '[3, id] on a many2many only unlinks',
      'update_record',
      { model: 'res.partner', ids: [9], values: { category_id: [[3, 4]] } },
      [['write', 'res.partner', [9]]],
    ],
    [
      '[6, 0, ids] on a many2many replaces the links',
      'update_record',
      { model: 'res.partner', ids: [9], values: { category_id: [[6, 0, [1, 2]]] } },
      [['write', 'res.partner', [9]]],
    ],
    [
      '[0, 0, vals] creates a line',
      'update_record',
      { model: 'sale.order', ids: [5], values: { order_line: [[0, 0, { name: 'x' }]] } },
      [['create', 'sale.order.line', []]],
    ],
    [
      '[1, id, vals] writes the line',
      'update_record',
      { model: 'sale.order', ids: [5], values: { order_line: [[1, 71, { name: 'x' }]] } },
      [['write', 'sale.order.line', [71]]],
    ],
    [
      'state in update_record is a state change',
      'update_record',
      { model: 'sale.order', ids: [5], values: { state: 'sale' } },
      [['state', 'sale.order', [5]]],
    ],
    [
      'active: false is archiving',
      'update_record',
      { model: 'res.partner', ids: [9], values: { active: false } },
      [['archive', 'res.partner', [9]]],
    ],
    [
      'active: true is a plain write',
      'update_record',
      { model: 'res.partner', ids: [9], values: { active: true } },
      [['write', 'res.partner', [9]]],
    ],
    [
      'a plain write and a hidden delete are both named',
      'update_record',
      { model: 'sale.order', ids: [5], values: { note: 'x', order_line: [[2, 71]] } },
      [
        ['write', 'sale.order', [5]],
        ['delete', 'sale.order.line', [71]],
      ],
    ],
    [
      'create_record in a state is a state change too',
      'create_record',
      { model: 'sale.order', values: { partner_id: 3, state: 'sale' } },
      [
        ['create', 'sale.order', []],
        ['state', 'sale.order', []],
      ],
    ],
    ['delete_record', 'delete_record', { model: 'sale.order', id: 5 }, [['delete', 'sale.order', [5]]]],
    [
      'batch_delete',
      'batch_delete',
      { model: 'sale.order', ids: [5, 6] },
      [['delete', 'sale.order', [5, 6]]],
    ],
    [
      'transition_state',
      'transition_state',
      { model: 'sale.order', ids: [5], transition: 'action_confirm' },
      [['state', 'sale.order', [5]]],
    ],
    [
      'post_message, internal note',
      'post_message',
      { model: 'sale.order', id: 5, body: 'x', internal: true },
      [['create', 'mail.message', []]],
    ],
    [
      'post_message to the followers is sending',
      'post_message',
      { model: 'sale.order', id: 5, body: 'x', internal: false },
      [['send', 'sale.order', [5]]],
    ],
    [
      'send_test_email_template is sending',
      'send_test_email_template',
      { template_id: 3, record_id: 5, email_to: 'a@b.c' },
      [['send', 'mail.template', [3]]],
    ],
    [
      'stage_mass_mailing_from_template creates a draft',
      'stage_mass_mailing_from_template',
      { template_id: 3, mailing_list_ids: [1] },
      [['create', 'mailing.mailing', []]],
    ],
    [
      'execute_method unlink with ids is a delete',
      'execute_method',
      { model: 'sale.order', method: 'unlink', ids: [26] },
      [['delete', 'sale.order', [26]]],
    ],
    [
      'execute_method unlink with positional ids deletes those records',
      'execute_method',
      { model: 'sale.order', method: 'unlink', args: [[26]] },
      [['delete', 'sale.order', [26]]],
    ],
    [
      'execute_method write with a hidden state change',
      'execute_method',
      { model: 'sale.order', method: 'write', ids: [5], kwargs: { vals: { state: 'sale' } } },
      [['state', 'sale.order', [5]]],
    ],
    [
      'execute_method write, positional ids and values',
      'execute_method',
      { model: 'sale.order', method: 'write', args: [[5], { order_line: [[2, 71]] }] },
      [['delete', 'sale.order.line', [71]]],
    ],
    [
      'execute_method action_post is a state change',
      'execute_method',
      { model: 'account.move', method: 'action_post', ids: [42] },
      [['state', 'account.move', [42]]],
    ],
    [
      'execute_method action_archive is archiving',
      'execute_method',
      { model: 'res.partner', method: 'action_archive', ids: [9] },
      [['archive', 'res.partner', [9]]],
    ],
    [
      'execute_method message_post without subtype is an internal note',
      'execute_method',
      { model: 'sale.order', method: 'message_post', ids: [5], kwargs: { body: 'x' } },
      [['create', 'mail.message', []]],
    ],
    [
      'execute_method message_post as a comment is sending',
      'execute_method',
      {
        model: 'sale.order',
        method: 'message_post',
        ids: [5],
        kwargs: { body: 'x', subtype_xmlid: 'mail.mt_comment' },
      },
      [['send', 'sale.order', [5]]],
    ],
    [
      'execute_method message_post to partners is sending, even as a note',
      'execute_method',
      { model: 'sale.order', method: 'message_post', ids: [5], kwargs: { body: 'x', partner_ids: [3] } },
      [['send', 'sale.order', [5]]],
    ],
    [
      'execute_method create with vals_list',
      'execute_method',
      { model: 'res.partner', method: 'create', kwargs: { vals_list: [{ name: 'a' }, { name: 'b' }] } },
      [
        ['create', 'res.partner', []],
        ['create', 'res.partner', []],
      ],
    ],
    [
      'execute_method on an unknown verb is a call on its records',
      'execute_method',
      { model: 'sale.order', method: 'action_quotation_sent', ids: [5] },
      [['call', 'sale.order', [5]]],
    ],
    [
      'execute_method that only reads has no effect',
      'execute_method',
      { model: 'sale.order', method: 'search_read', kwargs: { domain: [] } },
      [],
    ],
    ['a read tool has no effect', 'search_read', { model: 'sale.order' }, []],
  ])('%s', (_title, tool, args, expected) => {
    expect(kinds(effects(tool, args))).toEqual(expected)
  })

  it('names where a hidden effect comes from, and marks deletions and sendings irreversible', () => {
    const [line] = effects('update_record', {
      model: 'sale.order',
      ids: [5],
      values: { order_line: [[2, 71]] },
    })
    expect(line).toMatchObject({
      via: 'order_line [2,71]',
      parent: { model: 'sale.order', field: 'order_line' },
      irreversible: true,
    })
    const [sent] = effects('post_message', { model: 'sale.order', id: 5, body: 'x', internal: false })
    expect(sent?.irreversible).toBe(true)
    const [state] = effects('transition_state', {
      model: 'sale.order',
      ids: [5],
      transition: 'action_confirm',
    })
    expect(state?.to).toBe('sale')
  })

  it('flags writes that move a record to another company or owner, or change an amount', () => {
    const flags = (values: Record<string, unknown>) =>
      effects('update_record', { model: 'sale.order', ids: [5], values })[0]?.flags ?? []
    expect(flags({ company_id: 2 })).toEqual(['company'])
    expect(flags({ user_id: 7 })).toEqual(['ownership'])
    expect(flags({ amount_total: 9 })).toEqual(['amount'])
    expect(flags({ note: 'x' })).toEqual([])
    // Raising quantities inside the order's lines: the drift the review exploited.
    const [line] = effects('update_record', {
      model: 'sale.order',
      ids: [5],
      values: { order_line: [[1, 71, { product_uom_qty: 100 }]] },
    })
    expect(line).toMatchObject({ kind: 'write', model: 'sale.order.line', records: [71], flags: ['amount'] })
  })

  it('without field types, a value shaped like x2many commands is read as one2many commands (they may delete)', () => {
    const found = effectsOf(
      { tool: 'update_record', args: { model: 'sale.order', ids: [5], values: { order_line: [[2, 71]] } } },
      { fields: {} },
    )
    expect(kinds(found)).toEqual([['delete', 'sale.order.order_line', [71]]])
    // A list that is not commands stays a plain value.
    const plain = effectsOf(
      { tool: 'update_record', args: { model: 'sale.order', ids: [5], values: { tags: ['a', 'b'] } } },
      { fields: {} },
    )
    expect(kinds(plain)).toEqual([['write', 'sale.order', [5]]])
  })

  it('reads the comodel of a command that carries values, and finds a delete nested inside it', () => {
    const call: ToolCall = {
      tool: 'update_record',
      args: { model: 'res.partner', ids: [9], values: { child_ids: [[1, 33, { child_ids: [[2, 44]] }]] } },
    }
    // First round: the written model's fields; then, child_ids being a one2many, its comodel's.
    expect(factsNeeded(call)).toEqual([{ model: 'res.partner', fields: ['child_ids'] }])
    const facts: EffectFacts = {
      fields: { 'res.partner': { child_ids: FACTS.fields['res.partner']?.child_ids as never } },
    }
    expect(factsNeeded(call, facts)).toEqual([{ model: 'res.partner', fields: ['child_ids'] }])
    expect(kinds(effectsOf(call, facts))).toContainEqual(['delete', 'res.partner', [44]])
    const lines: ToolCall = {
      tool: 'update_record',
      args: {
        model: 'sale.order',
        ids: [5],
        values: { order_line: [[1, 71, { product_uom_qty: 3, bogus: 1 }]] },
      },
    }
    expect(factsNeeded(lines, FACTS)).toEqual([
      { model: 'sale.order', fields: ['order_line'] },
      { model: 'sale.order.line', fields: ['bogus', 'product_uom_qty'] },
    ])
  })

  it('names the fields Odoo does not know, on the model and inside commands', () => {
    const call: ToolCall = {
      tool: 'update_record',
      args: {
        model: 'sale.order',
        ids: [5],
        values: { nope: 1, order_line: [[0, 0, { name: 'x', bogus: 2 }]] },
      },
    }
    expect(unknownFields(call, FACTS)).toEqual(['sale.order.nope', 'sale.order.line.bogus'])
    expect(
      unknownFields(
        { tool: 'update_record', args: { model: 'res.partner', ids: [1], values: { phone: 'x' } } },
        FACTS,
      ),
    ).toEqual([])
  })

  it('says which field types it needs read from Odoo, and none when the arguments are enough', () => {
    expect(
      factsNeeded({
        tool: 'update_record',
        args: { model: 'sale.order', ids: [5], values: { order_line: [], note: 'x' } },
      }),
    ).toEqual([{ model: 'sale.order', fields: ['note', 'order_line'] }])
    expect(
      factsNeeded({
        tool: 'execute_method',
        args: { model: 'sale.order', method: 'write', args: [[5], { state: 'sale' }] },
      }),
    ).toEqual([{ model: 'sale.order', fields: ['state'] }])
    expect(
      factsNeeded({
        tool: 'execute_method',
        args: {
          model: 'res.partner',
          method: 'create',
          kwargs: { vals_list: [{ name: 'a' }, { child_ids: [] }] },
        },
      }),
    ).toEqual([{ model: 'res.partner', fields: ['child_ids', 'name'] }])
    expect(factsNeeded({ tool: 'batch_delete', args: { model: 'sale.order', ids: [5] } })).toEqual([])
  })

  it('reads only its own transition table: a model or method named "constructor" has no target state', () => {
    expect(effects('transition_state', { model: 'sale.order', ids: [5], transition: 'constructor' })).toEqual(
      [{ kind: 'state', model: 'sale.order', records: [5], method: 'constructor' }],
    )
    expect(
      effects('transition_state', { model: 'constructor', ids: [5], transition: 'action_confirm' })[0]?.to,
    ).toBe(undefined)
  })

  it('knows the verbs of common methods', () => {
    expect(
      ['unlink', 'write', 'create', 'action_post', 'send_mail', 'search', 'frobnicate'].map(methodKind),
    ).toEqual(['delete', 'write', 'create', 'state', 'send', null, 'call'])
  })
})

describe('the gate on effects', () => {
  const policy = {
    approval_tools: ['delete_record'],
    approval_effects: ['delete', 'state', 'archive', 'send', 'call'] as const,
  }

  it('files a gated tool as the seed says, whatever its effects', () => {
    expect(
      gate('delete_record', effects('delete_record', { model: 'sale.order', id: 5 }), {
        ...policy,
        approval_effects: [],
      }),
    ).toEqual({
      action: 'file',
      because: ['delete_record needs approval on this connection'],
    })
  })

  it('files an ungated tool whose call has a gated effect, saying which', () => {
    const decision = gate(
      'update_record',
      effects('update_record', { model: 'sale.order', ids: [5], values: { order_line: [[2, 71]] } }),
      policy,
    )
    expect(decision).toEqual({
      action: 'file',
      because: ['deleting sale.order.line #71 (order_line [2,71]) needs approval on this connection'],
    })
  })

  it('runs what has no gated effect', () => {
    expect(
      gate(
        'update_record',
        effects('update_record', { model: 'res.partner', ids: [9], values: { phone: '1' } }),
        policy,
      ),
    ).toEqual({
      action: 'run',
    })
    expect(gate('search_read', effects('search_read', { model: 'sale.order' }), policy)).toEqual({
      action: 'run',
    })
  })

  it('describes effects in words for the AI and the approver', () => {
    expect(
      effects('transition_state', { model: 'sale.order', ids: [5], transition: 'action_confirm' }).map(
        describeEffect,
      ),
    ).toEqual(["changing the state of sale.order #5 to 'sale'"])
    expect(
      effects('update_record', { model: 'sale.order', ids: [5], values: { order_line: [[5]] } }).map(
        describeEffect,
      ),
    ).toEqual(['deleting all linked sale.order.line records (order_line [5])'])
  })
})
