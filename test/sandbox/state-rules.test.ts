/**
 * The state rules of sale.order and account.move as Odoo 17 enforces them (facts.md §4, §5 and
 * the 04-/05- captures), each RPC call being atomic, and the write counters proving what was
 * received and what was applied.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { executeKw, fails, ok, type SandboxOdoo, startSandboxOdoo } from '../helpers/sandbox.js'

let sandbox: SandboxOdoo

beforeEach(async () => {
  sandbox = await startSandboxOdoo()
})
afterEach(async () => {
  await sandbox.close()
})

async function ordersIn(state: string, user?: number): Promise<number[]> {
  const domain: unknown[] = [['state', '=', state]]
  if (user) domain.push(['user_id', '=', user])
  return ok<number[]>(executeKw(sandbox, 'admin', 'sale.order', 'search', [domain], { order: 'id' }))
}

async function field(model: string, id: number, name: string): Promise<unknown> {
  const [row] = await ok<Record<string, unknown>[]>(
    executeKw(sandbox, 'admin', model, 'read', [[id], [name]]),
  )
  return row?.[name]
}

const CANCEL_FIRST =
  'You can not delete a sent quotation or a confirmed sales order. You must first cancel it.'

describe('sale.order', () => {
  it('refuses to delete a confirmed order: UserError, nothing deleted, received 1 applied 0 (04-unlink-confirmed-4.txt)', async () => {
    const [confirmed] = await ordersIn('sale')
    sandbox.resetWrites()
    const error = await fails(executeKw(sandbox, 'admin', 'sale.order', 'unlink', [[confirmed]]))
    expect(error).toMatchObject({
      name: 'odoo.exceptions.UserError',
      message: CANCEL_FIRST,
      arguments: [CANCEL_FIRST],
    })
    expect(await field('sale.order', confirmed as number, 'state')).toBe('sale')
    expect(sandbox.writes()).toEqual({ received: { 'sale.order.unlink': 1 }, applied: {} })
  })

  it('refuses a sent quotation too, and deletes drafts (04-unlink-sent-19.txt, 04-unlink-draft-5.txt)', async () => {
    const [sent] = await ordersIn('sent')
    expect((await fails(executeKw(sandbox, 'admin', 'sale.order', 'unlink', [[sent]]))).message).toBe(
      CANCEL_FIRST,
    )
    const [draft] = await ordersIn('draft')
    expect(await ok(executeKw(sandbox, 'admin', 'sale.order', 'unlink', [[draft]]))).toBe(true)
    expect(await ok(executeKw(sandbox, 'admin', 'sale.order', 'read', [[draft], ['name']]))).toEqual([])
  })

  it('is atomic: a batch with one undeletable order deletes nothing', async () => {
    const drafts = await ordersIn('draft', 6)
    const [confirmed] = await ordersIn('sale')
    const batch = [...drafts.slice(0, 4), confirmed as number, ...drafts.slice(4, 8)]
    const before = await ok<number>(executeKw(sandbox, 'admin', 'sale.order', 'search_count', [[]]))
    sandbox.resetWrites()
    expect((await fails(executeKw(sandbox, 'admin', 'sale.order', 'unlink', [batch]))).message).toBe(
      CANCEL_FIRST,
    )
    expect(await ok(executeKw(sandbox, 'admin', 'sale.order', 'search_count', [[]]))).toBe(before)
    expect(sandbox.writes()).toEqual({ received: { 'sale.order.unlink': 1 }, applied: {} })
    // The 12 draft quotations of Marc Demo can go in one call (by a Sales Administrator).
    expect(drafts.length).toBeGreaterThanOrEqual(12)
    expect(await ok(executeKw(sandbox, 'admin', 'sale.order', 'unlink', [drafts.slice(0, 12)]))).toBe(true)
    expect(await ok(executeKw(sandbox, 'admin', 'sale.order', 'search_count', [[]]))).toBe(before - 12)
    expect(sandbox.writes()).toEqual({
      received: { 'sale.order.unlink': 2 },
      applied: { 'sale.order.unlink': 1 },
    })
  })

  it('confirms only draft or sent quotations and names every order given (04-action_confirm-*.txt)', async () => {
    const [draft] = await ordersIn('draft')
    const [confirmed] = await ordersIn('sale')
    const names = await ok<{ name: string }[]>(
      executeKw(sandbox, 'admin', 'sale.order', 'read', [[confirmed, draft], ['name']]),
    )
    const error = await fails(
      executeKw(sandbox, 'admin', 'sale.order', 'action_confirm', [[confirmed, draft]]),
    )
    expect(error.message).toBe(
      `The following orders are not in a state requiring confirmation: ${names.map((n) => n.name).join(', ')}`,
    )
    expect(await field('sale.order', draft as number, 'state')).toBe('draft')
    expect(await ok(executeKw(sandbox, 'admin', 'sale.order', 'action_confirm', [[draft]]))).toBe(true)
    expect(await field('sale.order', draft as number, 'state')).toBe('sale')
    expect(await field('sale.order', draft as number, 'date_order')).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/,
    )
  })

  it('answers the cancel wizard for a confirmed order instead of cancelling (04-action_cancel-confirmed-6-wizard.txt)', async () => {
    const [confirmed] = await ordersIn('sale')
    const wizard = await ok<Record<string, unknown>>(
      executeKw(sandbox, 'admin', 'sale.order', 'action_cancel', [[confirmed]]),
    )
    expect(wizard).toMatchObject({
      name: 'Cancel Sales Order',
      view_mode: 'form',
      res_model: 'sale.order.cancel',
      type: 'ir.actions.act_window',
      target: 'new',
      context: {
        default_order_id: confirmed,
        mark_so_as_canceled: true,
        default_email_layout_xmlid: 'mail.mail_notification_layout_with_responsible_signature',
        model_description: 'Sales Order',
      },
    })
    expect(await field('sale.order', confirmed as number, 'state')).toBe('sale')
    expect(
      await ok(
        executeKw(sandbox, 'admin', 'sale.order', 'action_cancel', [[confirmed]], {
          context: { disable_cancel_warning: true },
        }),
      ),
    ).toBe(true)
    expect(await field('sale.order', confirmed as number, 'state')).toBe('cancel')
    expect(await ok(executeKw(sandbox, 'admin', 'sale.order', 'action_draft', [[confirmed]]))).toBe(true)
    expect(await field('sale.order', confirmed as number, 'state')).toBe('draft')
  })

  it('refuses to cancel a locked order (04-action_cancel-locked-6.txt)', async () => {
    const [confirmed] = await ordersIn('sale')
    const lock = await executeKw(sandbox, 'admin', 'sale.order', 'action_lock', [[confirmed]])
    expect('result' in lock).toBe(false)
    expect(
      (await fails(executeKw(sandbox, 'admin', 'sale.order', 'action_cancel', [[confirmed]]))).message,
    ).toBe('You cannot cancel a locked order. Please unlock it first.')
  })

  it('computes amounts from the lines and numbers new orders S000NN', async () => {
    const id = await ok<number>(
      executeKw(sandbox, 'admin', 'sale.order', 'create', [
        {
          partner_id: 3,
          order_line: [[0, 0, { product_id: 1, product_uom_qty: 2, price_unit: 100, tax_id: [[6, 0, [1]]] }]],
        },
      ]),
    )
    const [order] = await ok<Record<string, unknown>[]>(
      executeKw(sandbox, 'admin', 'sale.order', 'read', [
        [id],
        ['name', 'amount_untaxed', 'amount_tax', 'amount_total', 'state', 'user_id'],
      ]),
    )
    expect(order).toMatchObject({
      name: 'S00033',
      amount_untaxed: 200,
      amount_tax: 30,
      amount_total: 230,
      state: 'draft',
      user_id: [2, 'Mitchell Admin'],
    })
  })
})

describe('account.move', () => {
  async function newInvoice(): Promise<number> {
    return ok<number>(
      executeKw(sandbox, 'admin', 'account.move', 'create', [
        {
          move_type: 'out_invoice',
          partner_id: 10,
          invoice_line_ids: [[0, 0, { name: 'Probe service', quantity: 2, price_unit: 100 }]],
        },
      ]),
    )
  }

  it('names a draft "/" and posts it with the next INV sequence (05-create-draft-out_invoice.txt, 05-action_post-draft.txt)', async () => {
    const id = await newInvoice()
    const [draft] = await ok<Record<string, unknown>[]>(
      executeKw(sandbox, 'admin', 'account.move', 'read', [
        [id],
        ['name', 'display_name', 'state', 'invoice_date', 'amount_total', 'posted_before'],
      ]),
    )
    expect(draft).toEqual({
      id,
      name: '/',
      display_name: `Draft Invoice (* ${id})`,
      state: 'draft',
      invoice_date: false,
      amount_total: 200,
      posted_before: false,
    })
    expect(await ok(executeKw(sandbox, 'admin', 'account.move', 'action_post', [[id]]))).toBe(false)
    const [posted] = await ok<Record<string, unknown>[]>(
      executeKw(sandbox, 'admin', 'account.move', 'read', [
        [id],
        ['name', 'display_name', 'state', 'invoice_date', 'posted_before'],
      ]),
    )
    const year = new Date().getUTCFullYear()
    expect(posted).toMatchObject({
      name: `INV/${year}/${year === 2026 ? '00005' : '00001'}`, // 05-action_post-draft.txt: INV/2026/00005
      state: 'posted',
      posted_before: true,
    })
    expect(posted?.display_name).toBe(posted?.name)
    expect(posted?.invoice_date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    const again = await fails(executeKw(sandbox, 'admin', 'account.move', 'action_post', [[id]]))
    expect(again.message).toBe(`The entry ${posted?.name} (id ${id}) must be in draft.`)
  })

  it('refuses to delete a posted invoice with Odoo\u2019s exact text (05-unlink-posted.txt)', async () => {
    const [posted] = await ok<number[]>(
      executeKw(sandbox, 'admin', 'account.move', 'search', [[['state', '=', 'posted']]], { limit: 1 }),
    )
    sandbox.resetWrites()
    const error = await fails(executeKw(sandbox, 'admin', 'account.move', 'unlink', [[posted]]))
    expect(error).toMatchObject({
      name: 'odoo.exceptions.UserError',
      message:
        "You can't delete a posted journal item. Don\u2019t play games with your accounting records; reset the journal entry to draft before deleting it.",
    })
    expect(await field('account.move', posted as number, 'state')).toBe('posted')
    expect(sandbox.writes()).toEqual({ received: { 'account.move.unlink': 1 }, applied: {} })
  })

  it('deletes a never-posted draft (05-unlink-draft-never-posted.txt)', async () => {
    const id = await newInvoice()
    expect(await ok(executeKw(sandbox, 'admin', 'account.move', 'unlink', [[id]]))).toBe(true)
    expect(await ok(executeKw(sandbox, 'admin', 'account.move', 'read', [[id], ['name']]))).toEqual([])
  })

  it('goes back to draft only from posted or cancelled, keeping its number (05-button_*.txt)', async () => {
    const id = await newInvoice()
    expect((await fails(executeKw(sandbox, 'admin', 'account.move', 'button_draft', [[id]]))).message).toBe(
      'Only posted/cancelled journal entries can be reset to draft.',
    )
    await ok(executeKw(sandbox, 'admin', 'account.move', 'action_post', [[id]]))
    const name = await field('account.move', id, 'name')
    const cancel = await executeKw(sandbox, 'admin', 'account.move', 'button_cancel', [[id]])
    expect(cancel.error).toBeUndefined()
    expect('result' in cancel).toBe(false)
    expect(await field('account.move', id, 'state')).toBe('cancel')
    await executeKw(sandbox, 'admin', 'account.move', 'button_draft', [[id]])
    expect(await field('account.move', id, 'state')).toBe('draft')
    expect(await field('account.move', id, 'name')).toBe(name)
  })

  it('refuses to post without a customer (05-action_post-no-partner.txt)', async () => {
    const id = await ok<number>(
      executeKw(sandbox, 'admin', 'account.move', 'create', [
        { move_type: 'out_invoice', invoice_line_ids: [[0, 0, { name: 'x', price_unit: 5 }]] },
      ]),
    )
    expect((await fails(executeKw(sandbox, 'admin', 'account.move', 'action_post', [[id]]))).message).toBe(
      "The field 'Customer' is required, please complete it to validate the Customer Invoice.",
    )
  })

  it('refuses posting to a salesman without Billing (account_move.py `_post`)', async () => {
    const response = await fetch(`${sandbox.url}/__sandbox/users`, {
      method: 'POST',
      body: JSON.stringify({
        login: 'seller',
        name: 'Sam Seller',
        groups: ['sales_team.group_sale_salesman'],
      }),
    })
    expect(response.status).toBe(201)
    const seller = sandbox.user('seller')
    const id = await ok<number>(
      executeKw(sandbox, 'admin', 'account.move', 'create', [
        {
          move_type: 'out_invoice',
          partner_id: 10,
          invoice_user_id: seller.uid,
          invoice_line_ids: [[0, 0, { name: 'x', price_unit: 5 }]],
        },
      ]),
    )
    expect(await fails(executeKw(sandbox, 'seller', 'account.move', 'action_post', [[id]]))).toMatchObject({
      name: 'odoo.exceptions.AccessError',
      message: "You don't have the access rights to post an invoice.",
    })
  })
})
