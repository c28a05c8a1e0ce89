/**
 * `account.move.line`: invoice lines (product, quantity, price, taxes) with amounts computed per
 * line, and Odoo 17's refusal to delete lines of a posted entry. Does not model accounts,
 * debit/credit or reconciliation.
 */
import type { Env } from '../env.js'
import { userError } from '../errors.js'
import type { ModelDef, Row } from '../fields.js'
import { char, date, float, many2many, many2one, monetary, selection } from '../fields.js'
import { fromProduct, lineAmounts } from './common.js'

// U+2019 in "Don’t", as Odoo 17 writes it (captures/05-unlink-posted.txt).
export const postedLineError = () =>
  userError(
    "You can't delete a posted journal item. Don\u2019t play games with your accounting records; reset the journal entry to draft before deleting it.",
  )

const moveOf = (row: Row, env: Env) => env.state.store.get('account.move', row.move_id as number)

export const accountMoveLine: ModelDef = {
  name: 'account.move.line',
  description: 'Journal Item',
  order: 'date desc, move_name desc, id',
  fields: {
    move_id: many2one('account.move', 'Journal Entry', { required: true, ondelete: 'cascade' }),
    move_name: char('Number', { compute: (row, env) => moveOf(row, env)?.name ?? false }),
    name: char('Label'),
    display_type: selection(
      'Display Type',
      [
        ['product', 'Product'],
        ['line_section', 'Section'],
        ['line_note', 'Note'],
      ],
      { default: () => 'product' },
    ),
    product_id: many2one('product.product', 'Product'),
    quantity: float('Quantity', { default: () => 1 }),
    price_unit: float('Unit Price', { default: fromProduct('list_price', 0) }),
    discount: float('Discount (%)', { default: () => 0 }),
    tax_ids: many2many('account.tax', 'Taxes'),
    price_subtotal: monetary('Subtotal', {
      compute: (row, env) => lineAmounts(env, row, 'tax_ids').subtotal,
    }),
    price_total: monetary('Total', { compute: (row, env) => lineAmounts(env, row, 'tax_ids').total }),
    partner_id: many2one('res.partner', 'Partner', {
      compute: (row, env) => moveOf(row, env)?.partner_id ?? false,
    }),
    parent_state: selection(
      'Status',
      [
        ['draft', 'Draft'],
        ['posted', 'Posted'],
        ['cancel', 'Cancelled'],
      ],
      { compute: (row, env) => moveOf(row, env)?.state ?? false },
    ),
    date: date('Date', { compute: (row, env) => moveOf(row, env)?.date ?? false }),
    currency_id: many2one('res.currency', 'Currency', {
      compute: (row, env) => moveOf(row, env)?.currency_id ?? false,
    }),
    company_id: many2one('res.company', 'Company', {
      compute: (row, env) => moveOf(row, env)?.company_id ?? false,
    }),
  },
  before_unlink: (env, ids) => {
    const posted = ids.some((id) => {
      const line = env.state.store.get('account.move.line', id)
      return line && moveOf(line, env)?.state === 'posted'
    })
    if (posted && !env.context.force_delete) throw postedLineError()
  },
}
