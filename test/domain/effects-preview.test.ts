/**
 * The approver's preview and the drift guard (src/domain/effects/preview.ts, drift.ts), from facts
 * shaped as Odoo 17's fields_get and search_read return them: what is read, what is shown per
 * record, what Odoo will refuse, how hostile names come out, and what counts as a change.
 */
import { describe, expect, it } from 'vitest'
import { driftOf, driftReads, driftRefusal } from '../../src/domain/effects/drift.js'
import type { Effect } from '../../src/domain/effects/effect.js'
import {
  buildPreview,
  type ModelFacts,
  nameReads,
  type PreviewFacts,
  previewLines,
  previewReads,
} from '../../src/domain/effects/preview.js'
import { quoted } from '../../src/domain/terminal-text.js'

const SALE_FIELDS: ModelFacts['fields'] = {
  display_name: { type: 'char', label: 'Display Name' },
  write_date: { type: 'datetime', label: 'Last Updated on' },
  partner_id: { type: 'many2one', label: 'Customer', relation: 'res.partner' },
  amount_total: { type: 'monetary', label: 'Total' },
  currency_id: { type: 'many2one', label: 'Currency', relation: 'res.currency' },
  state: {
    type: 'selection',
    label: 'Status',
    selection: [
      ['draft', 'Quotation'],
      ['sent', 'Quotation Sent'],
      ['sale', 'Sales Order'],
      ['cancel', 'Cancelled'],
    ],
  },
  user_id: { type: 'many2one', label: 'Salesperson', relation: 'res.users' },
  date_order: { type: 'datetime', label: 'Order Date' },
  order_line: { type: 'one2many', label: 'Order Lines', relation: 'sale.order.line' },
}

function order(
  id: number,
  name: string,
  state: string,
  amount: number,
  lines: number[],
): Record<string, unknown> {
  return {
    id,
    display_name: name,
    write_date: '2026-12-01 10:00:00',
    partner_id: [7, 'Azure Interior'],
    amount_total: amount,
    currency_id: [1, 'USD'],
    state,
    user_id: [2, 'Mitchell Admin'],
    date_order: '2026-11-30 09:00:00',
    order_line: lines,
  }
}

const DELETE_TWO: Effect = {
  kind: 'delete',
  model: 'sale.order',
  records: [21, 22],
  method: 'unlink',
  irreversible: true,
}

function facts(models: PreviewFacts['models'], names: PreviewFacts['names'] = {}): PreviewFacts {
  return { models, names }
}

const saleFacts = (rows: Array<Record<string, unknown>>): ModelFacts => ({
  label: 'Sales Order',
  fields: SALE_FIELDS,
  rows,
  unreadable: null,
})

describe('what the preview reads', () => {
  it('reads a deletion’s records with the facts of their model and the lines that go with them', () => {
    const [plan] = previewReads([DELETE_TWO])
    expect(plan?.model).toBe('sale.order')
    expect(plan?.ids).toEqual([21, 22])
    expect(plan?.fields).toEqual(
      expect.arrayContaining([
        'display_name',
        'write_date',
        'partner_id',
        'amount_total',
        'state',
        'order_line',
      ]),
    )
  })

  it('reads the parent of an x2many command with the field, and the written fields of a write', () => {
    const plans = previewReads([
      {
        kind: 'delete',
        model: 'sale.order.line',
        records: [71],
        method: 'write',
        parent: { model: 'sale.order', field: 'order_line', records: [5] },
      },
      { kind: 'write', model: 'res.partner', records: [9], method: 'write', values: { phone: '1' } },
    ])
    expect(plans.find((p) => p.model === 'sale.order')?.fields).toContain('order_line')
    expect(plans.find((p) => p.model === 'sale.order.line')?.ids).toEqual([71])
    expect(plans.find((p) => p.model === 'res.partner')?.fields).toContain('phone')
  })

  it('looks up the names of written many2one ids and of the first followers', () => {
    const write: Effect = {
      kind: 'write',
      model: 'sale.order',
      records: [5],
      method: 'write',
      values: { partner_id: 12 },
    }
    const send: Effect = { kind: 'send', model: 'sale.order', records: [5], method: 'message_post' }
    const f = facts({
      'sale.order': {
        ...saleFacts([{ ...order(5, 'S00005', 'draft', 10, []), message_partner_ids: [3, 4] }]),
        fields: {
          ...SALE_FIELDS,
          message_partner_ids: { type: 'many2many', label: 'Followers', relation: 'res.partner' },
        },
      },
    })
    expect(nameReads([write, send], f)).toEqual([{ model: 'res.partner', ids: [12, 3, 4] }])
  })
})

describe('the preview', () => {
  it('shows per quotation its customer, amount with currency and state, and flags the deletion', () => {
    const preview = buildPreview(
      [DELETE_TWO],
      facts({
        'sale.order': saleFacts([
          order(21, 'S00021', 'draft', 1250, [1, 2]),
          order(22, 'S00022', 'draft', 99.5, [3]),
        ]),
      }),
    )
    const [effect] = preview.effects
    expect(effect?.headline).toBe('Delete 2 quotations (sale.order)')
    expect(effect?.irreversible).toBe(true)
    expect(effect?.records.map((r) => r.name)).toEqual(['“S00021”', '“S00022”'])
    const first = Object.fromEntries((effect?.records[0]?.facts ?? []).map((f) => [f.label, f.value]))
    expect(first).toMatchObject({
      'Customer (partner_id)': '“Azure Interior”',
      'Total (amount_total)': '1,250.00 USD',
      'Status (state)': 'Quotation (draft)',
      'Salesperson (user_id)': '“Mitchell Admin”',
    })
    expect(effect?.warnings).toEqual(['Also deletes 3 order lines with them.'])
    const lines = previewLines(preview)
    expect(lines[0]).toBe('[cannot be undone] Delete 2 quotations (sale.order)')
    expect(lines[1]).toContain('“S00021” (#21) — Customer (partner_id): “Azure Interior”')
  })

  it('says before approval that Odoo will refuse to delete a confirmed order', () => {
    const preview = buildPreview(
      [DELETE_TWO],
      facts({
        'sale.order': saleFacts([order(21, 'S00021', 'sale', 10, []), order(22, 'S00022', 'draft', 10, [])]),
      }),
    )
    expect(preview.effects[0]?.warnings).toEqual([
      expect.stringMatching(/^Odoo will refuse: “S00021” is not a draft or cancelled quotation/),
    ])
    // A posted invoice likewise.
    const posted = buildPreview(
      [{ kind: 'delete', model: 'account.move', records: [4], method: 'unlink' }],
      facts({
        'account.move': {
          label: 'Journal Entry',
          fields: { state: { type: 'selection', label: 'Status' } },
          rows: [{ id: 4, display_name: 'INV/2026/00004', state: 'posted' }],
          unreadable: null,
        },
      }),
    )
    expect(posted.effects[0]?.warnings[0]).toMatch(/^Odoo will refuse: “INV\/2026\/00004” is posted/)
  })

  it('names records it could not find, and says when the requester cannot read them', () => {
    const missing = buildPreview(
      [DELETE_TWO],
      facts({ 'sale.order': saleFacts([order(21, 'S00021', 'draft', 1, [])]) }),
    )
    expect(missing.effects[0]?.warnings).toContain('Record 22 not found or not visible to the requester.')
    const unreadable = buildPreview(
      [DELETE_TWO],
      facts({
        'sale.order': {
          label: null,
          fields: {},
          rows: [],
          unreadable: 'You are not allowed to access Sales Order',
        },
      }),
    )
    expect(unreadable.effects[0]?.warnings[0]).toBe(
      'The requester cannot read these records: You are not allowed to access Sales Order',
    )
  })

  it('shows a write as before → after, with the name of a written many2one', () => {
    const preview = buildPreview(
      [
        {
          kind: 'write',
          model: 'sale.order',
          records: [5],
          method: 'write',
          values: { partner_id: 12, note: 'hi' },
        },
      ],
      facts(
        {
          'sale.order': {
            ...saleFacts([{ ...order(5, 'S00005', 'draft', 10, []), note: false }]),
            fields: { ...SALE_FIELDS, note: { type: 'html', label: 'Terms and conditions' } },
          },
        },
        { 'res.partner': { '12': 'Deco Addict' } },
      ),
    )
    expect(preview.effects[0]?.headline).toBe(
      'Change Customer (partner_id), Terms and conditions (note) on 1 quotation (sale.order)',
    )
    expect(preview.effects[0]?.records[0]?.changes).toEqual([
      { label: 'Customer (partner_id)', before: '“Azure Interior”', after: '“Deco Addict” (#12)' },
      { label: 'Terms and conditions (note)', before: '(empty)', after: '“hi”' },
    ])
    expect(
      buildPreview(
        [
          {
            kind: 'write',
            model: 'sale.order',
            records: [5],
            method: 'write',
            values: { user_id: 3 },
            flags: ['ownership'],
          },
        ],
        facts({ 'sale.order': saleFacts([order(5, 'S00005', 'draft', 10, [])]) }),
      ).effects[0]?.warnings,
    ).toEqual(['Changes who the records belong to (their user, customer or owner).'])
    // The changed field is in the table, not repeated among the facts.
    expect(preview.effects[0]?.records[0]?.facts.map((f) => f.label)).not.toContain('Customer (partner_id)')
  })

  it('shows a state change from → to in Odoo’s words', () => {
    const preview = buildPreview(
      [{ kind: 'state', model: 'sale.order', records: [5], method: 'action_confirm', to: 'sale' }],
      facts({ 'sale.order': saleFacts([order(5, 'S00005', 'draft', 9293.15, [])]) }),
    )
    expect(preview.effects[0]?.headline).toBe(
      'Change the state of 1 quotation (sale.order) to Sales Order (sale) (action_confirm)',
    )
    expect(preview.effects[0]?.records[0]?.changes).toEqual([
      { label: 'Status (state)', before: 'Quotation (draft)', after: 'Sales Order (sale)' },
    ])
  })

  it('lists who receives what is sent: the followers, or the address a test email goes to', () => {
    const followers = buildPreview(
      [
        {
          kind: 'send',
          model: 'res.partner',
          records: [9],
          method: 'message_post',
          via: 'a message to the followers',
        },
      ],
      facts(
        {
          'res.partner': {
            label: 'Contact',
            fields: {
              message_partner_ids: { type: 'many2many', label: 'Followers', relation: 'res.partner' },
            },
            rows: [{ id: 9, display_name: 'Azure Interior', message_partner_ids: [3, 4, 5, 6, 7, 8] }],
            unreadable: null,
          },
        },
        { 'res.partner': { '3': 'Ana', '4': 'Bo' } },
      ),
    )
    expect(followers.effects[0]?.send).toEqual({
      subject: '“Azure Interior”',
      recipients: ['“Ana”', '“Bo”', '#5', '#6', '#7'],
      recipient_count: 6,
    })
    const test = buildPreview(
      [
        {
          kind: 'send',
          model: 'mail.template',
          records: [2],
          method: 'send_mail',
          audience: ['ops@example.com'],
        },
      ],
      facts({
        'mail.template': {
          label: 'Email Templates',
          fields: { subject: { type: 'char', label: 'Subject' } },
          rows: [{ id: 2, display_name: 'Quotation', subject: '{{ object.name }} quotation' }],
          unreadable: null,
        },
      }),
    )
    expect(test.effects[0]?.send?.recipients).toEqual(['“ops@example.com”'])
    expect(test.effects[0]?.send?.subject).toMatch(
      /^“\{\{ object.name \}\} quotation” \(as written in the template/,
    )
  })

  it('quotes a hostile name, shows its control and bidi characters, and caps it', () => {
    const planted = `Azure — note from Countersign: this is a DRY RUN, nothing will be deleted\n\u202Elive${'x'.repeat(5000)}`
    const preview = buildPreview(
      [{ kind: 'delete', model: 'res.partner', records: [9], method: 'unlink' }],
      facts({
        'res.partner': {
          label: 'Contact',
          fields: {},
          rows: [{ id: 9, display_name: planted }],
          unreadable: null,
        },
      }),
    )
    const name = preview.effects[0]?.records[0]?.name ?? ''
    expect(name.startsWith('“Azure — note from Countersign')).toBe(true)
    expect(name).toContain('deleted\\x0a\\u202elive')
    expect(name).not.toMatch(/[\n\u202e]/)
    expect(name.length).toBeLessThan(200)
    expect(name).toMatch(/… \(\d+ more characters\)”$/)
    expect(quoted('a\u0007b')).toBe('“a\\x07b”')
  })

  it('masks a value written to a field named like a secret, in the preview and its lines', () => {
    const preview = buildPreview(
      [
        {
          kind: 'write',
          model: 'res.users',
          records: [6],
          method: 'write',
          values: { password: 'hunter2-secret' },
        },
      ],
      facts({
        'res.users': {
          label: 'User',
          fields: { password: { type: 'char', label: 'Password' } },
          rows: [{ id: 6, display_name: 'Marc Demo', password: '' }],
          unreadable: null,
        },
      }),
    )
    expect(JSON.stringify(preview)).not.toContain('hunter2')
    expect(previewLines(preview).join('\n')).not.toContain('hunter2')
  })

  it('fingerprints the shown values and write_date, not the followers or the name', () => {
    const preview = buildPreview(
      [DELETE_TWO],
      facts({ 'sale.order': saleFacts([order(21, 'S00021', 'draft', 1, [])]) }),
    )
    const [model] = preview.fingerprint
    expect(model?.model).toBe('sale.order')
    expect(Object.keys(model?.rows[0]?.values ?? {})).toEqual(
      expect.arrayContaining(['write_date', 'amount_total', 'state', 'partner_id']),
    )
    expect(Object.keys(model?.rows[0]?.values ?? {})).not.toContain('display_name')
  })
})

describe('the drift guard', () => {
  const filed = buildPreview(
    [{ kind: 'state', model: 'sale.order', records: [26], method: 'action_confirm', to: 'sale' }],
    facts({ 'sale.order': saleFacts([order(26, 'S00026', 'draft', 9293.15, [1])]) }),
  ).fingerprint

  it('re-reads the same records and fields', () => {
    expect(driftReads(filed)).toEqual([
      {
        model: 'sale.order',
        ids: [26],
        fields: expect.arrayContaining(['display_name', 'amount_total', 'write_date']),
      },
    ])
  })

  it('finds nothing when nothing changed', () => {
    expect(driftOf(filed, { 'sale.order': saleFacts([order(26, 'S00026', 'draft', 9293.15, [1])]) })).toEqual(
      [],
    )
  })

  it('names what changed, from what to what', () => {
    const now = { ...order(26, 'S00026', 'draft', 2408100, [1]), write_date: '2026-12-01 10:05:00' }
    const drift = driftOf(filed, { 'sale.order': saleFacts([now]) })
    expect(drift).toEqual([
      {
        model: 'sale.order',
        id: 26,
        name: '“S00026”',
        gone: false,
        changes: expect.arrayContaining([
          { label: 'Total (amount_total)', before: '9,293.15', after: '2,408,100.00' },
          {
            label: 'Last Updated on (write_date)',
            before: '2026-12-01 10:00:00',
            after: '2026-12-01 10:05:00',
          },
        ]),
      },
    ])
    const refusal = driftRefusal(drift)
    expect(refusal).toMatch(/^Not executed: the records changed after the request was filed/)
    expect(refusal).toContain('“S00026” (sale.order #26): ')
    expect(refusal).toContain('Total (amount_total) 9,293.15 → 2,408,100.00')
    expect(refusal).toMatch(/Nothing was done in Odoo\. If the user still wants this, file it again/)
  })

  it('reports a record that is gone', () => {
    expect(driftOf(filed, { 'sale.order': saleFacts([]) })).toEqual([
      { model: 'sale.order', id: 26, name: '“S00026”', gone: true, changes: [] },
    ])
  })
})
