/**
 * `sale.order` and `sale.order.line` with Odoo 17's states (draft, sent, sale, cancel + locked),
 * S000NN names, amounts computed from the lines, and the state rules of sale/models/sale_order.py:
 * only draft or cancelled orders can be deleted, only draft or sent quotations can be confirmed,
 * cancelling a non-draft order answers the cancel wizard's action instead of cancelling, lines of a
 * confirmed order cannot be deleted. Does not invoice, deliver or price with pricelists.
 */
import { type Env, nowString } from '../env.js'
import { userError, validationError } from '../errors.js'
import type { MethodDef, ModelDef, Row } from '../fields.js'
import {
  boolean,
  char,
  date,
  datetime,
  float,
  html,
  integer,
  many2many,
  many2one,
  monetary,
  one2many,
  selection,
  text,
} from '../fields.js'
import { subscribe } from '../followers.js'
import { writeRecords } from '../orm-write.js'
import { xmlidToResId } from '../security.js'
import { browseForRead, documentAmounts, ensureOne, fromProduct, lineAmounts } from './common.js'
import { messagePost } from './mail-thread.js'

const STATES = [
  ['draft', 'Quotation'],
  ['sent', 'Quotation Sent'],
  ['sale', 'Sales Order'],
  ['cancel', 'Cancelled'],
] as const

const amounts = (row: Row, env: Env) => documentAmounts(env, 'sale.order.line', 'order_id', row.id, 'tax_id')
const typeName = (row: Row) => (row.state === 'sale' ? 'Sales Order' : 'Quotation')

function method(qualname: string, run: MethodDef['run'], params: MethodDef['params'] = []): MethodDef {
  return { qualname: `SaleOrder.${qualname}`, params, writes: true, run }
}

const actionConfirm = method('action_confirm', (env, ids) => {
  const rows = browseForRead(env, 'sale.order', ids)
  if (!rows.every((r) => r.state === 'draft' || r.state === 'sent')) {
    throw userError(
      `The following orders are not in a state requiring confirmation: ${rows.map((r) => String(r.name)).join(', ')}`,
    )
  }
  // The customer follows a confirmed order (sale_order.py action_confirm).
  for (const row of rows) subscribe(env, 'sale.order', [row.id], [row.partner_id])
  writeRecords(env, 'sale.order', ids, { state: 'sale', date_order: nowString(env) })
  return true
})

const actionCancel = method('action_cancel', (env, ids) => {
  const rows = browseForRead(env, 'sale.order', ids)
  if (rows.some((r) => r.locked)) throw userError('You cannot cancel a locked order. Please unlock it first.')
  if (!env.context.disable_cancel_warning && rows.some((r) => r.state !== 'draft')) {
    const id = ensureOne('sale.order', ids)
    const order = rows[0] as Row
    return {
      name: `Cancel ${typeName(order)}`,
      view_mode: 'form',
      res_model: 'sale.order.cancel',
      view_id: xmlidToResId(env, 'sale.sale_order_cancel_view_form') ?? false,
      type: 'ir.actions.act_window',
      context: {
        default_template_id: xmlidToResId(env, 'sale.mail_template_sale_cancellation') ?? false,
        default_order_id: id,
        mark_so_as_canceled: true,
        default_email_layout_xmlid: 'mail.mail_notification_layout_with_responsible_signature',
        model_description: typeName(order),
      },
      target: 'new',
    }
  }
  return writeRecords(env, 'sale.order', ids, { state: 'cancel' })
})

const actionDraft = method('action_draft', (env, ids) => {
  const rows = browseForRead(env, 'sale.order', ids)
  const orders = rows.filter((r) => r.state === 'cancel' || r.state === 'sent').map((r) => r.id)
  return writeRecords(env, 'sale.order', orders, { state: 'draft' })
})

const actionQuotationSent = method('action_quotation_sent', (env, ids) => {
  const rows = browseForRead(env, 'sale.order', ids)
  if (rows.some((r) => r.state !== 'draft'))
    throw userError('Only draft orders can be marked as sent directly.')
  writeRecords(env, 'sale.order', ids, { state: 'sent' })
  return null
})

const actionLock = method('action_lock', (env, ids) => {
  browseForRead(env, 'sale.order', ids)
  writeRecords(env, 'sale.order', ids, { locked: true })
  return null
})

const actionUnlock = method('action_unlock', (env, ids) => {
  browseForRead(env, 'sale.order', ids)
  writeRecords(env, 'sale.order', ids, { locked: false })
  return null
})

export const saleOrder: ModelDef = {
  name: 'sale.order',
  description: 'Sales Order',
  order: 'date_order desc, id desc',
  rec_names_search: ['name'],
  mail_thread: true,
  fields: {
    name: char('Order Reference', { required: true, default: () => 'New' }),
    partner_id: many2one('res.partner', 'Customer', { required: true }),
    partner_invoice_id: many2one('res.partner', 'Invoice Address', {
      default: (_env, vals) => vals.partner_id ?? false,
    }),
    user_id: many2one('res.users', 'Salesperson', { default: (env) => env.uid, tracking: true }),
    state: selection('Status', STATES, { readonly: true, default: () => 'draft' }),
    locked: boolean('Locked', { default: () => false }),
    date_order: datetime('Order Date', { required: true, default: (env) => nowString(env) }),
    validity_date: date('Expiration'),
    client_order_ref: char('Customer Reference'),
    origin: char('Source Document'),
    note: html('Terms and conditions'),
    company_id: many2one('res.company', 'Company', { required: true, default: () => 1 }),
    currency_id: many2one('res.currency', 'Currency', {
      default: (env) => env.state.store.get('res.company', 1)?.currency_id ?? false,
    }),
    order_line: one2many('sale.order.line', 'order_id', 'Order Lines'),
    amount_untaxed: monetary('Untaxed Amount', { compute: (row, env) => amounts(row, env).subtotal }),
    amount_tax: monetary('Taxes', { compute: (row, env) => amounts(row, env).tax }),
    amount_total: monetary('Total', { compute: (row, env) => amounts(row, env).total }),
    invoice_status: selection(
      'Invoice Status',
      [
        ['upselling', 'Upselling Opportunity'],
        ['invoiced', 'Fully Invoiced'],
        ['to invoice', 'To Invoice'],
        ['no', 'Nothing to Invoice'],
      ],
      { compute: (row) => (row.state === 'sale' ? 'to invoice' : 'no') },
    ),
    type_name: char('Type Name', { compute: typeName }),
    // The sandbox does not invoice orders: always none (read shapes as in captures/12-sale.order-read-shapes.txt).
    invoice_ids: many2many('account.move', 'Invoices', { compute: () => [] }),
    invoice_count: integer('Invoice Count', { compute: () => 0 }),
  },
  methods: {
    action_confirm: actionConfirm,
    action_cancel: actionCancel,
    action_draft: actionDraft,
    action_quotation_sent: actionQuotationSent,
    action_lock: actionLock,
    action_unlock: actionUnlock,
    message_post: messagePost('SaleOrder.message_post'),
  },
  before_create: (env, vals) => {
    if (vals.name === undefined || vals.name === 'New') {
      vals.name = `S${String(env.state.store.nextSequence('sale.order')).padStart(5, '0')}`
    }
  },
  before_unlink: (env, ids) => {
    for (const id of ids) {
      const state = env.state.store.get('sale.order', id)?.state
      if (state !== 'draft' && state !== 'cancel') {
        throw userError(
          'You can not delete a sent quotation or a confirmed sales order. You must first cancel it.',
        )
      }
    }
  },
}

const orderOf = (row: Row, env: Env) => env.state.store.get('sale.order', row.order_id as number)

export const saleOrderLine: ModelDef = {
  name: 'sale.order.line',
  description: 'Sales Order Line',
  order: 'order_id, sequence, id',
  display_name: (row, env) => `${orderOf(row, env)?.name ?? ''} - ${row.name}`,
  fields: {
    order_id: many2one('sale.order', 'Order Reference', { required: true, ondelete: 'cascade' }),
    sequence: integer('Sequence', { default: () => 10 }),
    name: text('Description', {
      required: true,
      default: fromProduct('name', false),
    }),
    product_id: many2one('product.product', 'Product'),
    product_uom_qty: float('Quantity', { default: () => 1 }),
    price_unit: float('Unit Price', { default: fromProduct('list_price', 0) }),
    discount: float('Discount (%)', { default: () => 0 }),
    tax_id: many2many('account.tax', 'Taxes'),
    price_subtotal: monetary('Subtotal', { compute: (row, env) => lineAmounts(env, row, 'tax_id').subtotal }),
    price_tax: float('Total Tax', { compute: (row, env) => lineAmounts(env, row, 'tax_id').tax }),
    price_total: monetary('Total', { compute: (row, env) => lineAmounts(env, row, 'tax_id').total }),
    salesman_id: many2one('res.users', 'Salesperson', {
      compute: (row, env) => orderOf(row, env)?.user_id ?? false,
    }),
    state: selection('Order Status', STATES, { compute: (row, env) => orderOf(row, env)?.state ?? false }),
    currency_id: many2one('res.currency', 'Currency', {
      compute: (row, env) => orderOf(row, env)?.currency_id ?? false,
    }),
    company_id: many2one('res.company', 'Company', {
      compute: (row, env) => orderOf(row, env)?.company_id ?? false,
    }),
  },
  // SQL constraint `accountable_required_fields` (captures/08-sale.order.line-create-no-product.txt).
  before_create: (_env, vals) => {
    if (!vals.display_type && !vals.product_id)
      throw validationError(
        'The operation cannot be completed: Missing required fields on accountable sale order line.',
      )
  },
  before_unlink: (env, ids) => {
    for (const id of ids) {
      const line = env.state.store.get('sale.order.line', id) as Row
      if (orderOf(line, env)?.state === 'sale') {
        throw userError(
          "Once a sales order is confirmed, you can't remove one of its lines (we need to track if something gets invoiced or delivered).\n                Set the quantity to 0 instead.",
        )
      }
    }
  },
}
