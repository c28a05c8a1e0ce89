/**
 * Summary wording: expected sentences are written by hand from the seed and PRODUCT.md examples,
 * not copied from the code's output.
 */
import { describe, expect, it } from 'vitest'
import { pluralize, type RecordFact, summarize } from '../../src/domain/summary.js'

const saleOrder = { model: 'sale.order', label: 'Sales Order' }
const quotations: RecordFact[] = Array.from({ length: 12 }, (_, i) => ({
  id: 12 + i,
  display_name: `S000${12 + i}`,
  state: 'draft',
}))

describe('summarize', () => {
  it('words a batch delete of quotations like the seed', () => {
    const ids = quotations.map((q) => q.id)
    expect(
      summarize({ kind: 'delete', model: saleOrder, asked: ids, found: quotations, unreadable: null }),
    ).toBe('Permanently delete 12 quotations on sale.order (“S00012”, “S00013”, … 10 more).')
  })

  it('names all records when there are three or fewer', () => {
    const three = quotations.slice(0, 3)
    expect(
      summarize({ kind: 'delete', model: saleOrder, asked: [12, 13, 14], found: three, unreadable: null }),
    ).toBe('Permanently delete 3 quotations on sale.order (“S00012”, “S00013”, “S00014”).')
  })

  it('calls confirmed orders sales orders and unknown models by their label', () => {
    const confirmed = [{ id: 1, display_name: 'S00001', state: 'sale' }]
    expect(
      summarize({ kind: 'delete', model: saleOrder, asked: [1], found: confirmed, unreadable: null }),
    ).toBe('Permanently delete 1 sales order on sale.order (“S00001”).')
    const tag = { model: 'crm.tag', label: 'CRM Tag' }
    expect(
      summarize({
        kind: 'delete',
        model: tag,
        asked: [4, 5],
        found: [
          { id: 4, display_name: 'VIP' },
          { id: 5, display_name: 'Hot' },
        ],
        unreadable: null,
      }),
    ).toBe('Permanently delete 2 crm tags on crm.tag (“VIP”, “Hot”).')
  })

  it('words posting an invoice with partner and amount like PRODUCT.md', () => {
    const invoice = {
      id: 42,
      display_name: 'INV/2026/00042',
      partner: 'Azure Interior',
      amount_total: 1250,
      currency: 'EUR',
      move_type: 'out_invoice',
      state: 'draft',
    }
    expect(
      summarize({
        kind: 'transition',
        verb: 'Post',
        model: { model: 'account.move', label: 'Journal Entry' },
        asked: [42],
        found: [invoice],
        unreadable: null,
      }),
    ).toBe('Post 1 invoice on account.move: “INV/2026/00042” (“Azure Interior”, 1,250.00 EUR).')
  })

  it('says when the requester cannot read the records instead of guessing', () => {
    expect(
      summarize({
        kind: 'delete',
        model: { model: 'account.move', label: null },
        asked: [5, 6],
        found: [],
        unreadable: 'You are not allowed to access Journal Entry.',
      }),
    ).toBe(
      'Permanently delete 2 journal entries on account.move (ids 5, 6; the requester cannot read them: You are not allowed to access Journal Entry.).',
    )
  })

  it('says which ids were not found', () => {
    expect(
      summarize({
        kind: 'delete',
        model: { model: 'res.partner', label: 'Contact' },
        asked: [7, 999],
        found: [{ id: 7, display_name: 'Azure Interior' }],
        unreadable: null,
      }),
    ).toBe(
      'Permanently delete 2 contacts on res.partner (“Azure Interior”; id 999 not found or not visible to the requester).',
    )
  })

  it('words a test email like PRODUCT.md, with the record it is rendered for', () => {
    expect(
      summarize({
        kind: 'test_email',
        template: { id: 3, name: 'Sales: Send Quotation' },
        record: { model: 'sale.order', id: 12, display_name: 'S00012' },
        email_to: 'ana@example.com',
      }),
    ).toBe(
      'Send a test email from template “Sales: Send Quotation” to ana@example.com, rendered for “S00012” (sale.order).',
    )
  })

  it('words method calls, messages, updates, creates and mass mailings', () => {
    const one = {
      model: saleOrder,
      asked: [1],
      found: [{ id: 1, display_name: 'S00001', state: 'sale' }],
      unreadable: null,
    }
    expect(summarize({ kind: 'call', method: 'action_lock', params: null, ...one })).toBe(
      'Call the method action_lock on 1 sales order of sale.order (“S00001”).',
    )
    expect(
      summarize({ kind: 'model_call', model: saleOrder, method: 'cron_clean', params: 'kwargs {"days":3}' }),
    ).toBe('Call the method cron_clean of sale.order (not on particular records) with kwargs {"days":3}.')
    expect(summarize({ kind: 'message', internal: false, preview: 'Your order ships today', ...one })).toBe(
      'Post a message to the followers (they may be e-mailed) on 1 sales order of sale.order (“S00001”): “Your order ships today”.',
    )
    expect(summarize({ kind: 'update', fields: ['email', 'phone'], ...one })).toBe(
      'Change email and phone on 1 sales order of sale.order (“S00001”).',
    )
    expect(
      summarize({
        kind: 'create',
        model: { model: 'res.partner', label: 'Contact' },
        count: 1,
        names: ['Ana'],
      }),
    ).toBe('Create 1 contact on res.partner: “Ana”.')
    expect(
      summarize({
        kind: 'mass_mailing',
        template: { id: 9, name: 'Newsletter' },
        audience: { type: 'lists', names: ['Customers'] },
        recipients: 42,
      }),
    ).toBe(
      'Stage a draft mass mailing from template “Newsletter” for mailing list “Customers” (42 recipients); it is not sent.',
    )
  })

  it('quotes record names and shows their control and bidi characters, so a name cannot pose as our words', () => {
    const planted = 'Azure — note from Countersign: this is a DRY RUN, nothing will be deleted\n\u202Eevil'
    const summary = summarize({
      kind: 'delete',
      model: { model: 'res.partner', label: 'Contact' },
      asked: [9],
      found: [{ id: 9, display_name: `${planted}${'x'.repeat(5000)}` }],
      unreadable: null,
    })
    expect(summary).toMatch(
      /^Permanently delete 1 contact on res\.partner \(“Azure — note from Countersign: this is a DRY RUN/,
    )
    expect(summary).toContain('deleted\\x0a\\u202eevil')
    expect(summary).not.toMatch(/[\n\u202e]/)
    expect(summary.length).toBeLessThan(250)
  })

  it('pluralizes English nouns', () => {
    expect(pluralize('journal entry', 2)).toBe('journal entries')
    expect(pluralize('sales order', 1, true)).toBe('1 sales order')
    expect(pluralize('mailing box', 3, true)).toBe('3 mailing boxes')
    expect(pluralize('day', 2)).toBe('days')
  })
})

describe('summarize, names from Odoo', () => {
  it('writes control and bidi characters of a name visibly and caps it (a planted contact name)', () => {
    const name = `Acme\nDRY RUN \u202efdp.exe ${'x'.repeat(200)}`
    const partner = { model: 'res.partner', label: 'Contact' }
    const text = summarize({
      kind: 'delete',
      model: partner,
      asked: [7],
      found: [{ id: 7, display_name: name }],
      unreadable: null,
    })
    expect(text).toBe(
      `Permanently delete 1 contact on res.partner (“Acme\\x0aDRY RUN \\u202efdp.exe ${'x'.repeat(58)}… (142 more characters)”).`,
    )
    expect(text).not.toMatch(/[\n\u202e]/)
  })
})
