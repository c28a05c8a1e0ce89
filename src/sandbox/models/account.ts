/**
 * `account.move` (invoices, bills, entries) with Odoo 17's states and the rules of
 * account/models/account_move.py: posting needs the Billing group, a customer and lines, and
 * assigns the journal sequence (INV/2026/00001, account-sequence.ts); only posted or cancelled
 * entries go back to draft; deleting a posted entry fails on its lines, and one that consumed a
 * sequence number must end the chain (unless the user is Billing Administrator). Lines live in
 * account-line.ts. Does not keep a general ledger, payments or reconciliation.
 */
import { checkAccessRights } from '../access-rights.js'
import { type Env, today } from '../env.js'
import { accessError, userError } from '../errors.js'
import type { MethodDef, ModelDef, Row } from '../fields.js'
import { boolean, char, date, html, many2one, monetary, one2many, selection } from '../fields.js'
import { checkRecordRules } from '../orm-read.js'
import { writeRecords } from '../orm-write.js'
import { hasGroup } from '../security.js'
import { postedLineError } from './account-line.js'
import { hasName, isEndOfSequenceChain, nextName } from './account-sequence.js'
import { browseForRead, documentAmounts } from './common.js'

const MOVE_TYPES = [
  ['entry', 'Journal Entry'],
  ['out_invoice', 'Customer Invoice'],
  ['out_refund', 'Customer Credit Note'],
  ['in_invoice', 'Vendor Bill'],
  ['in_refund', 'Vendor Credit Note'],
  ['out_receipt', 'Sales Receipt'],
  ['in_receipt', 'Purchase Receipt'],
] as const

const DRAFT_LABEL: Record<string, string> = {
  out_invoice: 'Draft Invoice',
  out_refund: 'Draft Credit Note',
  in_invoice: 'Draft Bill',
  in_refund: 'Draft Vendor Credit Note',
  out_receipt: 'Draft Sales Receipt',
  in_receipt: 'Draft Purchase Receipt',
  entry: 'Draft Entry',
}

const isSale = (row: Row) => ['out_invoice', 'out_refund', 'out_receipt'].includes(String(row.move_type))
const isPurchase = (row: Row) => ['in_invoice', 'in_refund', 'in_receipt'].includes(String(row.move_type))

/** `_get_move_display_name(show_ref=True)`. */
function moveDisplayName(row: Row): string {
  let name = row.state === 'draft' ? `${DRAFT_LABEL[String(row.move_type)] ?? 'Draft Entry'} ` : ''
  name += hasName(row) ? String(row.name) : `(* ${row.id})`
  const ref = typeof row.ref === 'string' && row.ref ? row.ref : ''
  return ref ? `${name} (${ref.length > 50 ? `${ref.slice(0, 45)}[...]` : ref})` : name
}

const amounts = (row: Row, env: Env) =>
  documentAmounts(env, 'account.move.line', 'move_id', row.id, 'tax_ids')

function residual(row: Row, env: Env): number {
  if (row.state === 'cancel' || row.payment_state === 'paid' || row.payment_state === 'in_payment') return 0
  return amounts(row, env).total
}

function method(qualname: string, run: MethodDef['run']): MethodDef {
  return { qualname: `AccountMove.${qualname}`, params: [], writes: true, run }
}

const actionPost = method('action_post', (env, ids) => {
  const rows = browseForRead(env, 'account.move', ids)
  if (!env.su && !hasGroup(env, 'account.group_account_invoice'))
    throw accessError("You don't have the access rights to post an invoice.")
  const dates = new Map<number, string>()
  for (const row of rows.filter((r) => r.move_type !== 'entry')) {
    if (amounts(row, env).total < 0) {
      throw userError(
        'You cannot validate an invoice with a negative total amount. You should create a credit note instead. Use the action menu to transform it into a credit note or refund.',
      )
    }
    if (!row.partner_id) {
      if (isSale(row))
        throw userError(
          "The field 'Customer' is required, please complete it to validate the Customer Invoice.",
        )
      if (isPurchase(row))
        throw userError("The field 'Vendor' is required, please complete it to validate the Vendor Bill.")
    }
    if (!row.invoice_date) {
      if (isSale(row)) dates.set(row.id, today(env))
      else if (isPurchase(row)) throw userError('The Bill/Refund date is required to validate this document.')
    }
  }
  for (const row of rows) {
    if (row.state === 'posted' || row.state === 'cancel')
      throw userError(`The entry ${hasName(row) ? row.name : '/'} (id ${row.id}) must be in draft.`)
    if (!env.state.store.rows('account.move.line').some((l) => l.move_id === row.id))
      throw userError('You need to add a line before posting.')
  }
  for (const row of rows) {
    const invoiceDate = dates.get(row.id) ?? (row.invoice_date as string | false)
    const moveDate = invoiceDate || (row.date as string)
    const dated = { ...row, date: moveDate }
    const vals: Record<string, unknown> = { state: 'posted', posted_before: true, date: moveDate }
    if (dates.has(row.id)) vals.invoice_date = invoiceDate
    if (!row.invoice_date_due && invoiceDate) vals.invoice_date_due = invoiceDate
    if (!hasName(row)) vals.name = nextName(env, dated as Row)
    writeRecords(env, 'account.move', [row.id], vals)
  }
  return false
})

function buttonDraft(env: Env, ids: number[]): null {
  const rows = browseForRead(env, 'account.move', ids)
  if (rows.some((r) => r.state !== 'cancel' && r.state !== 'posted'))
    throw userError('Only posted/cancelled journal entries can be reset to draft.')
  writeRecords(env, 'account.move', ids, { state: 'draft', is_move_sent: false })
  return null
}

const buttonCancel = method('button_cancel', (env, ids) => {
  const rows = browseForRead(env, 'account.move', ids)
  const posted = rows.filter((r) => r.state === 'posted').map((r) => r.id)
  if (posted.length > 0) buttonDraft(env, posted)
  if (ids.some((id) => env.state.store.get('account.move', id)?.state !== 'draft'))
    throw userError('Only draft journal entries can be cancelled.')
  writeRecords(env, 'account.move', ids, { auto_post: 'no', state: 'cancel' })
  return null
})

export const accountMove: ModelDef = {
  name: 'account.move',
  description: 'Journal Entry',
  order: 'date desc, name desc, invoice_date desc, id desc',
  rec_names_search: ['name', 'partner_id.name', 'ref'],
  mail_thread: true,
  mail_post_access: 'read',
  display_name: moveDisplayName,
  fields: {
    name: char('Number', { default: () => '/' }),
    ref: char('Reference'),
    move_type: selection('Type', MOVE_TYPES, { required: true, default: () => 'entry' }),
    state: selection(
      'Status',
      [
        ['draft', 'Draft'],
        ['posted', 'Posted'],
        ['cancel', 'Cancelled'],
      ],
      { required: true, readonly: true, default: () => 'draft' },
    ),
    partner_id: many2one('res.partner', 'Partner'),
    commercial_partner_id: many2one('res.partner', 'Commercial Entity', {
      compute: (row) => row.partner_id ?? false,
    }),
    invoice_user_id: many2one('res.users', 'Salesperson', { default: (env) => env.uid }),
    invoice_date: date('Invoice/Bill Date'),
    invoice_date_due: date('Due Date'),
    date: date('Date', { required: true, default: (env) => today(env) }),
    journal_id: many2one('account.journal', 'Journal', {
      required: true,
      default: (env, vals) => {
        const type = String(vals.move_type ?? 'entry')
        const wanted = type.startsWith('out_') ? 'sale' : type.startsWith('in_') ? 'purchase' : 'general'
        return env.state.store.rows('account.journal').find((j) => j.type === wanted)?.id ?? false
      },
    }),
    currency_id: many2one('res.currency', 'Currency', {
      required: true,
      default: (env) => env.state.store.get('res.company', 1)?.currency_id ?? false,
    }),
    company_id: many2one('res.company', 'Company', { required: true, default: () => 1 }),
    payment_state: selection(
      'Payment Status',
      [
        ['not_paid', 'Not Paid'],
        ['in_payment', 'In Payment'],
        ['paid', 'Paid'],
        ['partial', 'Partially Paid'],
        ['reversed', 'Reversed'],
        ['invoicing_legacy', 'Invoicing App Legacy'],
      ],
      { default: () => 'not_paid' },
    ),
    amount_untaxed: monetary('Untaxed Amount', { compute: (row, env) => amounts(row, env).subtotal }),
    amount_tax: monetary('Tax', { compute: (row, env) => amounts(row, env).tax }),
    amount_total: monetary('Total', { compute: (row, env) => amounts(row, env).total }),
    amount_residual: monetary('Amount Due', { compute: residual }),
    invoice_line_ids: one2many('account.move.line', 'move_id', 'Invoice lines'),
    line_ids: one2many('account.move.line', 'move_id', 'Journal Items'),
    invoice_origin: char('Origin'),
    narration: html('Terms and Conditions'),
    posted_before: boolean('Posted Before', { default: () => false }),
    is_move_sent: boolean('Is Move Sent', { default: () => false }),
    auto_post: selection(
      'Auto-post',
      [
        ['no', 'No'],
        ['at_date', 'At Date'],
        ['monthly', 'Monthly'],
        ['quarterly', 'Quarterly'],
        ['yearly', 'Yearly'],
      ],
      { default: () => 'no' },
    ),
  },
  methods: {
    action_post: actionPost,
    button_draft: method('button_draft', buttonDraft),
    button_cancel: buttonCancel,
  },
  // account.move.unlink() deletes `line_ids` before `super().unlink()`: reading them checks read
  // access, and the line's own ondelete refuses posted entries before the sequence-chain check.
  pre_unlink: (env, ids) => {
    const rows = browseForRead(env, 'account.move', ids)
    const lines = env.state.store.rows('account.move.line').filter((l) => ids.includes(l.move_id as number))
    if (lines.length === 0) return
    checkAccessRights(env, 'account.move.line', 'unlink')
    checkRecordRules(
      env,
      'account.move.line',
      lines.map((l) => l.id),
      'unlink',
    )
    if (!env.context.force_delete && rows.some((r) => r.state === 'posted')) throw postedLineError()
  },
  before_unlink: (env, ids) => {
    const rows = ids.map((id) => env.state.store.get('account.move', id) as Row)
    if (
      !(
        hasGroup(env, 'account.group_account_manager') ||
        env.context.force_delete ||
        isEndOfSequenceChain(env, rows)
      )
    ) {
      throw userError(
        'You cannot delete this entry, as it has already consumed a sequence number and is not the last one in the chain. You should probably revert it instead.',
      )
    }
  },
}
