/**
 * Deterministic demo orders and journal entries. S00001–S00020 mirror a real Odoo 17 demo database
 * (salesperson, customer and state per order, facts.md §11); S00021–S00032 are twelve more draft
 * quotations of Marc Demo, so a test has a batch of his quotations to delete. Journal entries 1–24
 * mirror the real ones (INV/RINV/BILL/RBILL/MISC/BNK1 names, types, states; amounts differ), then
 * three draft customer invoices. Does not create partners (demo-partners.ts) or mail data.
 */
import { insertRow } from './demo-data.js'
import { seedMail } from './demo-mail.js'
import type { Store } from './store.js'

const ADMIN = 2
const DEMO = 6

// [salesperson, customer, state] of S00001…S00020 in a real 17 demo database.
const ORDERS: readonly [number, number, string][] = [
  [DEMO, 10, 'draft'],
  [ADMIN, 12, 'draft'],
  [ADMIN, 12, 'draft'],
  [ADMIN, 11, 'sale'],
  [DEMO, 10, 'draft'],
  [ADMIN, 15, 'sale'],
  [ADMIN, 11, 'sale'],
  [DEMO, 11, 'sale'],
  [DEMO, 11, 'sale'],
  [DEMO, 11, 'sale'],
  [DEMO, 11, 'sale'],
  [DEMO, 11, 'sale'],
  [DEMO, 11, 'sale'],
  [DEMO, 11, 'sale'],
  [DEMO, 11, 'sale'],
  [DEMO, 11, 'sale'],
  [DEMO, 11, 'sale'],
  [DEMO, 11, 'sale'],
  [ADMIN, 8, 'sent'],
  [ADMIN, 8, 'sale'],
]
const EXTRA_DEMO_DRAFTS = [14, 12, 9, 13, 15, 10, 14, 12, 9, 13, 15, 10]

function orders(store: Store): void {
  const plan = [
    ...ORDERS,
    ...EXTRA_DEMO_DRAFTS.map((customer): [number, number, string] => [DEMO, customer, 'draft']),
  ]
  for (const [index, [user, customer, state]] of plan.entries()) {
    const day = String((index % 23) + 1).padStart(2, '0')
    const order = insertRow(store, 'sale.order', {
      name: `S${String(store.nextSequence('sale.order')).padStart(5, '0')}`,
      partner_id: customer,
      partner_invoice_id: customer,
      user_id: user,
      state,
      locked: false,
      date_order: `2026-11-${day} 10:00:00`,
      validity_date: `2026-12-${day}`,
      company_id: 1,
      currency_id: 1,
      create_uid: user,
      write_uid: user,
    })
    for (let line = 0; line <= index % 3; line++) {
      const product = store.get('product.product', ((index + line * 3) % 8) + 1)
      insertRow(store, 'sale.order.line', {
        order_id: order.id,
        sequence: 10 + line,
        name: product?.name,
        product_id: product?.id,
        product_uom_qty: (index % 4) + 1 + line,
        price_unit: product?.list_price,
        discount: 0,
        tax_id: [1],
      })
    }
  }
}

// [name, move type, state, customer, salesperson, date, journal] of the real demo journal entries.
type Move = [string, string, string, number | false, number | false, string, number]
const MOVES: readonly Move[] = [
  ['INV/2026/00001', 'out_invoice', 'posted', 14, DEMO, '2026-11-01', 1],
  ['INV/2026/00002', 'out_invoice', 'posted', 10, false, '2026-11-03', 1],
  ['INV/2026/00003', 'out_invoice', 'posted', 10, false, '2026-11-05', 1],
  ['INV/2026/00004', 'out_invoice', 'posted', 10, DEMO, '2026-11-07', 1],
  ['BILL/2026/11/0001', 'in_invoice', 'posted', 14, false, '2026-11-02', 2],
  ['/', 'in_invoice', 'draft', false, false, '2026-11-24', 2],
  ['BILL/2025/08/0001', 'in_invoice', 'posted', 14, false, '2025-08-15', 2],
  ['RINV/2026/00001', 'out_refund', 'posted', 14, 1, '2026-11-08', 1],
  ['RINV/2026/00002', 'out_refund', 'posted', 14, 1, '2026-11-09', 1],
  ['RBILL/2026/11/0001', 'in_refund', 'posted', 14, false, '2026-11-10', 2],
  ['RBILL/2025/08/0001', 'in_refund', 'posted', 14, false, '2025-08-20', 2],
  ['RINV/2026/00003', 'out_refund', 'posted', 10, 1, '2026-11-11', 1],
  ['RINV/2026/00004', 'out_refund', 'posted', 10, false, '2026-11-12', 1],
  ['RINV/2026/00005', 'out_refund', 'posted', 10, 1, '2026-11-13', 1],
  ['MISC/2026/11/0001', 'entry', 'posted', 10, false, '2026-11-14', 3],
  ['MISC/2026/11/0002', 'entry', 'posted', 10, false, '2026-11-15', 3],
  ...([false, 14, false, 14, 14, false, 10, false] as const).map(
    (partner, i): Move => [
      `BNK1/2026/0000${i + 1}`,
      'entry',
      'posted',
      partner,
      false,
      `2026-11-${16 + i}`,
      4,
    ],
  ),
  ['/', 'out_invoice', 'draft', 14, DEMO, '2026-11-24', 1],
  ['/', 'out_invoice', 'draft', 12, ADMIN, '2026-11-24', 1],
  ['/', 'out_invoice', 'draft', 10, DEMO, '2026-11-24', 1],
]

function moves(store: Store): void {
  for (const [index, [name, moveType, state, partner, user, date, journal]] of MOVES.entries()) {
    const posted = state === 'posted'
    const invoice = moveType !== 'entry'
    const move = insertRow(store, 'account.move', {
      name,
      move_type: moveType,
      state,
      partner_id: partner,
      invoice_user_id: user,
      invoice_date: posted && invoice ? date : false,
      invoice_date_due: posted && invoice ? date : false,
      date,
      journal_id: journal,
      currency_id: 1,
      company_id: 1,
      payment_state: 'not_paid',
      posted_before: posted,
      is_move_sent: false,
      auto_post: 'no',
    })
    // The real draft bill (id 6) is empty; every other entry gets one or two lines.
    if (name === '/' && moveType === 'in_invoice') continue
    for (let line = 0; line <= index % 2; line++) {
      const product = store.get('product.product', ((index + line) % 8) + 1)
      insertRow(store, 'account.move.line', {
        move_id: move.id,
        name: product?.name,
        display_type: 'product',
        product_id: invoice ? product?.id : false,
        quantity: (index % 3) + 1,
        price_unit: product?.list_price,
        discount: 0,
        tax_ids: moveType.startsWith('out_') ? [1] : [],
      })
    }
  }
}

export function seedBusiness(store: Store): void {
  orders(store)
  moves(store)
  seedMail(store)
}
