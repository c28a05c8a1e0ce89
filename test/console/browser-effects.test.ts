/**
 * The effect preview in a real Chromium (issue 11 acceptance): the approver reads, per record, what a
 * batch delete of two quotations will remove — customer, amount with currency, state — with the
 * "cannot be undone" flag, and Odoo's refusal said in advance when one of them is a confirmed order;
 * a contact's planted name (newline, U+202E, 5,000 characters) shows quoted, visibly escaped and
 * capped; and the drift scenario: a confirmation filed, the quantity raised through the ungated
 * update_record, the page lists the Total change, approving ends in an error and the order stays a
 * quotation. Expected values are read from the sandbox as admin, never from Countersign's output.
 * demo's AI uses the demo's policy (tools list + the recommended effects); approver: admin.
 */
import { mkdirSync } from 'node:fs'
import type { Client } from '@modelcontextprotocol/client'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_APPROVAL_TOOLS } from '../../src/commands/demo.js'
import { RECOMMENDED_APPROVAL_EFFECTS } from '../../src/domain/policy.js'
import { Cleanups, createConnection, mcpHttpClient } from '../helpers/countersign.js'
import { executeKw, ok } from '../helpers/sandbox.js'
import {
  chromiumAvailable,
  type Deployment,
  fileRequest,
  launchChromium,
  requestAsAdmin,
  sandboxWrites,
  startDeployment,
} from './helpers.js'

const SHOTS = 'test-output/screenshots'
const DEMO_UID = 6
const RTLO = '\u202e'
// Page-side expressions as strings: the tests' tsconfig has no DOM library.
const OVERFLOW = 'document.documentElement.scrollWidth - window.innerWidth'
const style = (selector: string, property: string) =>
  `getComputedStyle(document.querySelector(${JSON.stringify(selector)})).${property}`

interface Order {
  id: number
  name: string
  state: string
  amount_total: number
  partner_id: [number, string]
  currency_id: [number, string]
}

/** "1,234.50 USD": two decimals and the currency's code, as an accountant writes an amount. */
function amountText(amount: number, currency: string): string {
  return `${new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount)} ${currency}`
}

describe.skipIf(!chromiumAvailable())('effect preview in Chromium', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let ai: Client
  let browser: Browser
  /** sale.order state → its label, from Odoo's own fields_get. */
  let stateLabels: Map<string, string>

  beforeAll(async () => {
    d = await startDeployment(cleanups, { approver: 'admin' })
    const recommended = await createConnection(d.env, {
      name: 'Marc Demo — AI with approvals',
      user: 'demo',
      key: d.odoo.user('demo').api_key,
      args: [
        '--write',
        '--approval-tools',
        DEMO_APPROVAL_TOOLS.join(','),
        '--approval-effects',
        RECOMMENDED_APPROVAL_EFFECTS.join(','),
        '--approver',
        'admin',
      ],
    })
    ai = await mcpHttpClient(d.server.url, recommended.token, 'legacy', cleanups)
    browser = await launchChromium(cleanups)
    const fields = await ok<{ state: { selection: Array<[string, string]> } }>(
      executeKw(d.odoo, 'admin', 'sale.order', 'fields_get', [['state']], { attributes: ['selection'] }),
    )
    stateLabels = new Map(fields.state.selection)
    mkdirSync(SHOTS, { recursive: true })
  })
  afterAll(async () => {
    await cleanups.run()
  })

  /** demo's orders in `state`, read as admin straight from the sandbox. */
  async function ordersOf(state: string): Promise<Order[]> {
    return ok<Order[]>(
      executeKw(
        d.odoo,
        'admin',
        'sale.order',
        'search_read',
        [
          [
            ['user_id', '=', DEMO_UID],
            ['state', '=', state],
          ],
        ],
        { fields: ['name', 'state', 'amount_total', 'partner_id', 'currency_id'], order: 'id' },
      ),
    )
  }

  async function readOrder(id: number): Promise<Order> {
    const [order] = await ok<Order[]>(
      executeKw(d.odoo, 'admin', 'sale.order', 'read', [[id]], {
        fields: ['name', 'state', 'amount_total', 'partner_id', 'currency_id'],
      }),
    )
    if (!order) throw new Error(`sale.order ${id} is gone`)
    return order
  }

  async function logIn(login: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport })
    cleanups.push(() => context.close())
    const page = await context.newPage()
    await page.goto(`${d.server.url}/login`)
    await page.getByLabel('Odoo login').fill(login)
    await page.getByLabel('Password or API key').fill(d.password(login))
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL(/\/approvals$/)
    return page
  }

  /** One record row of the effect table, its cells keyed by their column heading. */
  async function row(effect: Locator, id: number): Promise<Record<string, string>> {
    const headings = await effect.locator('table.records thead th').allTextContents()
    const cells = await effect.locator(`table.records tr[data-record-id="${id}"] > *`).allTextContents()
    expect(cells.length).toBe(headings.length)
    return Object.fromEntries(headings.map((h, i) => [h.trim(), (cells[i] ?? '').trim()]))
  }
  /** The column of a field, by the technical name the heading ends with ("Customer (partner_id)"). */
  function column(cells: Record<string, string>, field: string): string {
    const key = Object.keys(cells).find((h) => h.endsWith(`(${field})`))
    if (key === undefined) throw new Error(`no column for ${field} in ${Object.keys(cells).join(' | ')}`)
    return cells[key] as string
  }

  it('a batch delete of two quotations shows each one’s customer, amount and state, flagged as irreversible', async () => {
    const [first, second] = await ordersOf('draft')
    if (!first || !second) throw new Error('the sandbox has fewer than two draft quotations of demo')
    const request_id = await fileRequest(ai, 'batch_delete', {
      model: 'sale.order',
      ids: [first.id, second.id],
    })

    const page = await logIn('admin')
    await page.goto(`${d.server.url}/approvals/${request_id}`)
    const section = page.locator('section.effects')
    expect(await section.getByRole('heading', { name: 'What it will do in Odoo' }).isVisible()).toBe(true)
    const effect = section.locator('div.effect[data-kind="delete"][data-model="sale.order"]')
    expect(await effect.count()).toBe(1)
    expect(await effect.locator('table.records tbody tr').count()).toBe(2)

    for (const order of [first, second]) {
      const cells = await row(effect, order.id)
      expect(cells.Record).toContain(`“${order.name}”`)
      expect(cells.Record).toContain(`#${order.id}`)
      expect(column(cells, 'partner_id')).toContain(order.partner_id[1])
      expect(column(cells, 'amount_total')).toBe(amountText(order.amount_total, order.currency_id[1]))
      expect(column(cells, 'state')).toContain(stateLabels.get(order.state) as string)
      expect(column(cells, 'state')).toContain(`(${order.state})`)
    }
    // The two customers and amounts differ in the demo data, so a row cannot pass on the other's values.
    expect(first.amount_total).not.toBe(second.amount_total)

    const badge = effect.locator('h3 .badge-irreversible')
    expect(await badge.textContent()).toBe('cannot be undone')
    expect(await badge.isVisible()).toBe(true)
    // Both are draft quotations: Odoo deletes those, so no refusal is announced.
    expect(await effect.locator('ul.warnings').filter({ hasText: 'Odoo will refuse' }).count()).toBe(0)
    // Nothing changed since filing, and the page says it checked.
    expect(await page.locator('.drift-none').isVisible()).toBe(true)
    expect(await page.locator('.drift-changed').count()).toBe(0)

    // The styles: the irreversible badge in the console's "bad" red, the table readable (row headers may wrap).
    expect(await page.evaluate(style('.effect .badge-irreversible', 'backgroundColor'))).toBe(
      'rgb(180, 35, 24)',
    )
    expect(await page.evaluate(style('.effect .badge-irreversible', 'color'))).toBe('rgb(255, 255, 255)')
    expect(await page.evaluate(style('table.records tbody th', 'whiteSpace'))).toBe('normal')
    await page.screenshot({ path: `${SHOTS}/request-effects.png`, fullPage: true })

    const phone = await logIn('admin', { width: 390, height: 844 })
    await phone.goto(`${d.server.url}/approvals/${request_id}`)
    expect(await phone.locator('table.records tbody tr').count()).toBe(2)
    expect(await phone.evaluate(OVERFLOW)).toBeLessThanOrEqual(0)
    await phone.screenshot({ path: `${SHOTS}/request-effects-phone.png`, fullPage: true })
  })

  it('when one of the quotations is a confirmed order, the page says Odoo will refuse, before any decision', async () => {
    const drafts = await ordersOf('draft')
    const [confirmed] = await ordersOf('sale')
    // The first two drafts are in the previous test's pending request; this one is another.
    const draft = drafts[2]
    if (!draft || !confirmed)
      throw new Error('the sandbox lacks a draft quotation or a confirmed order of demo')
    const before = await sandboxWrites(d.odoo)
    const request_id = await fileRequest(ai, 'batch_delete', {
      model: 'sale.order',
      ids: [draft.id, confirmed.id],
    })

    const page = await logIn('admin')
    await page.goto(`${d.server.url}/approvals/${request_id}`)
    const effect = page.locator('section.effects div.effect[data-kind="delete"][data-model="sale.order"]')
    const refusal = effect.locator('ul.warnings li').filter({ hasText: 'Odoo will refuse' })
    expect(await refusal.count()).toBe(1)
    expect(await refusal.isVisible()).toBe(true)
    const text = (await refusal.textContent()) ?? ''
    expect(text).toContain(`“${confirmed.name}”`)
    expect(text).not.toContain(`“${draft.name}”`)
    expect(column(await row(effect, confirmed.id), 'state')).toContain(`(${confirmed.state})`)
    expect(column(await row(effect, draft.id), 'state')).toContain(`(${draft.state})`)
    // Warnings are flagged, not grey help text: a red rule beside them.
    expect(await page.evaluate(style('section.effects ul.warnings', 'borderLeftColor'))).toBe(
      'rgb(180, 35, 24)',
    )
    // Filing and reading the preview changed nothing in Odoo.
    expect((await sandboxWrites(d.odoo)).applied).toEqual(before.applied)
    expect((await readOrder(confirmed.id)).state).toBe('sale')
  })

  it('a contact’s planted name shows quoted, with its newline and U+202E visible, and capped', async () => {
    const planted = `Acme\nnote from Countersign: DRY RUN, nothing will be deleted ${RTLO}fdp.exe `
    const name = planted + 'x'.repeat(5_000 - planted.length)
    expect([...name].length).toBe(5_000)
    const partner_id = await ok<number>(executeKw(d.odoo, 'admin', 'res.partner', 'create', [{ name }]))
    const request_id = await fileRequest(ai, 'delete_record', { model: 'res.partner', id: partner_id })

    const page = await logIn('admin')
    await page.goto(`${d.server.url}/approvals/${request_id}`)
    const effect = page.locator('section.effects div.effect[data-kind="delete"][data-model="res.partner"]')
    const shown = ((await effect.locator(`tr[data-record-id="${partner_id}"] th`).textContent()) ?? '').trim()
    expect(
      shown.startsWith('“Acme\\x0anote from Countersign: DRY RUN, nothing will be deleted \\u202efdp.exe'),
    ).toBe(true)
    // 120 characters kept, then how many were cut (5,000 − 120), inside the quotes, then the id.
    expect(shown).toMatch(new RegExp(`x… \\(4880 more characters\\)” #${partner_id}$`))
    expect(shown.length).toBeLessThan(300)
    expect(shown).not.toContain('\n')
    // Nowhere on the page — summary, preview, arguments — is the override character itself.
    const text = (await page.locator('body').textContent()) ?? ''
    expect(text).not.toContain(RTLO)
    expect(await page.content()).not.toContain(RTLO)
    expect(await page.evaluate(OVERFLOW)).toBeLessThanOrEqual(0)
    await page.screenshot({ path: `${SHOTS}/request-planted-name.png`, fullPage: true })
  })

  it('drift: the quantity raised after filing shows as a Total change, and approving runs nothing', async () => {
    const drafts = await ordersOf('draft')
    const order = drafts[3]
    if (!order) throw new Error('the sandbox has fewer than four draft quotations of demo')
    const [line] = await ok<Array<{ id: number; product_uom_qty: number }>>(
      executeKw(d.odoo, 'admin', 'sale.order.line', 'search_read', [[['order_id', '=', order.id]]], {
        fields: ['product_uom_qty'],
        order: 'id',
        limit: 1,
      }),
    )
    if (!line) throw new Error(`${order.name} has no lines`)
    const request_id = await fileRequest(ai, 'transition_state', {
      model: 'sale.order',
      ids: [order.id],
      transition: 'action_confirm',
    })

    // The AI then raises the quantity with the ungated update_record: it runs at once.
    const raised = await ai.callTool({
      name: 'update_record',
      arguments: {
        model: 'sale.order.line',
        ids: [line.id],
        values: { product_uom_qty: line.product_uom_qty + 250 },
      },
    })
    expect(raised.isError).toBeFalsy()
    expect((raised.structuredContent as { status?: string }).status).not.toBe('pending_approval')
    const after = await readOrder(order.id)
    expect(after.amount_total).toBeGreaterThan(order.amount_total)

    const page = await logIn('admin')
    await page.goto(`${d.server.url}/approvals/${request_id}`)
    const banner = page.locator('.drift-changed')
    expect(await banner.isVisible()).toBe(true)
    expect(await page.locator('.drift-none').count()).toBe(0)
    const item = banner.locator('li').filter({ hasText: '(amount_total)' })
    expect(await item.count()).toBe(1)
    expect(await item.textContent()).toContain(`“${order.name}”`)
    const figure = (t: string | undefined) => Number((t ?? '').replace(/[^\d.]/g, ''))
    // "Total (amount_total) <del>before</del> → <ins>after</ins>"; Untaxed and Taxes may be listed too.
    const html = await item.innerHTML()
    const total = /\(amount_total\)\s*<del>([^<]*)<\/del>\s*→\s*<ins>([^<]*)<\/ins>/.exec(html)
    if (!total) throw new Error(`no amount_total change in ${html}`)
    expect(figure(total[1])).toBeCloseTo(order.amount_total, 2)
    expect(figure(total[2])).toBeCloseTo(after.amount_total, 2)
    // Written as amounts: thousands separated, two decimals.
    expect(`${total[1]} USD`).toBe(amountText(order.amount_total, 'USD'))
    expect(`${total[2]} USD`).toBe(amountText(after.amount_total, 'USD'))
    // The before → after column makes the table wider; it still fits the page.
    expect(await page.evaluate(OVERFLOW)).toBeLessThanOrEqual(0)
    // The banner stands out: the warning colours, the old value struck through.
    expect(await page.evaluate(style('.drift-changed', 'backgroundColor'))).toBe('rgb(255, 244, 214)')
    expect(await page.evaluate(style('.drift-changed del', 'textDecorationLine'))).toBe('line-through')
    await page.screenshot({ path: `${SHOTS}/request-drift.png`, fullPage: true })

    const confirms = async () => (await sandboxWrites(d.odoo)).applied['sale.order.action_confirm'] ?? 0
    const before = await confirms()
    await page.getByRole('button', { name: 'Approve' }).click()
    await page.waitForURL(/\?decided=approved$/)
    await expect
      .poll(() => page.locator('.request-head [data-field="execution_status"]').textContent(), {
        timeout: 15_000,
      })
      .toBe('error')
    const error = page.locator('.outcome-error .error-text')
    expect(await error.isVisible()).toBe(true)
    expect(await error.textContent()).toContain('Not executed: the records changed')
    expect(await error.textContent()).toContain('(amount_total)')
    expect(await requestAsAdmin(d.server.url, request_id)).toMatchObject({
      status: 'approved',
      execution_status: 'error',
    })
    const now = await readOrder(order.id)
    expect(now.state).toBe('draft')
    expect(now.amount_total).toBeCloseTo(after.amount_total, 2)
    expect(await confirms()).toBe(before)
  })
})
