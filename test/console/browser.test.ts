/**
 * The console in a real Chromium (issue 5 acceptance): admin approves, demo the requester cannot,
 * reject with the keyboard, an expired request has no buttons, CSRF, live status without reload, a
 * phone-sized screen, and screenshots in test-output/screenshots/. demo's AI files the requests
 * through MCP (delete_record on draft invoices); approver: admin.
 */
import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups, createConnection, mcpHttpClient } from '../helpers/countersign.js'
import {
  chromiumAvailable,
  type Deployment,
  existingDrafts,
  fileRequest,
  fileRequestWithSummary,
  launchChromium,
  makeDraftInvoices,
  requestAsAdmin,
  sandboxWrites,
  startDeployment,
} from './helpers.js'

const SHOTS = 'test-output/screenshots'
const YELLOW = 'rgb(255, 243, 176)' // --pending in console.css
// Page-side expressions as strings: the tests' tsconfig has no DOM library.
const OVERFLOW = 'document.documentElement.scrollWidth - window.innerWidth'
const PENDING_CELL_COLOUR =
  "getComputedStyle(document.querySelector('table.requests tbody tr td:nth-child(2)')).backgroundColor"

describe.skipIf(!chromiumAvailable())('console in Chromium', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let browser: Browser
  let drafts: number[]
  /** Filed by demo in the first test and left pending for the requester's tests. */
  let older: number
  const cspViolations: string[] = []

  beforeAll(async () => {
    d = await startDeployment(cleanups, { approver: 'admin' })
    browser = await launchChromium(cleanups)
    drafts = await makeDraftInvoices(d.demo.client, 6)
    mkdirSync(SHOTS, { recursive: true })
  })
  afterAll(async () => {
    await cleanups.run()
  })

  async function logIn(login: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport })
    cleanups.push(() => context.close())
    const page = await context.newPage()
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text())
    })
    await page.goto(`${d.server.url}/approvals`)
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login')
    await page.getByLabel('Odoo login').fill(login)
    await page.getByLabel('Password or API key').fill(d.password(login))
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL(/\/approvals$/)
    return page
  }

  const writesOf = async () => (await sandboxWrites(d.odoo)).applied['account.move.unlink'] ?? 0
  const statusField = (page: Page) => page.locator('.request-head [data-field="status"]')

  it('admin sees the newest pending request first in yellow, reviews it and approves it with a note', async () => {
    older = await fileRequest(d.demo.client, 'delete_record', { model: 'account.move', id: drafts[1] })
    const newest = await fileRequestWithSummary(d.demo.client, 'delete_record', {
      model: 'account.move',
      id: drafts[0],
    })
    const page = await logIn('admin')

    const first = page.locator('table.requests tbody tr').first()
    expect(await first.getAttribute('data-request-id')).toBe(String(newest.request_id))
    expect(await first.getAttribute('class')).toContain('status-pending')
    expect(await page.evaluate(PENDING_CELL_COLOUR)).toBe(YELLOW)
    expect(await page.locator('#status').inputValue()).toBe('pending')
    await page.screenshot({ path: `${SHOTS}/approvals-list.png`, fullPage: true })

    await first.getByRole('link', { name: newest.summary }).click()
    await page.waitForURL(new RegExp(`/approvals/${newest.request_id}$`))
    await expect.poll(() => page.locator('h1').textContent()).toBe(newest.summary)
    expect(await page.getByText('What the AI is asking to do').isVisible()).toBe(true)
    expect(await page.getByRole('heading', { name: 'Request', exact: true }).isVisible()).toBe(true)
    expect(await page.getByRole('heading', { name: 'Tool Arguments' }).isVisible()).toBe(true)
    const shown = JSON.parse((await page.locator('pre.json').first().textContent()) ?? '')
    expect(shown).toEqual({ id: drafts[0], model: 'account.move' })
    const stored = await requestAsAdmin(d.server.url, newest.request_id)
    expect(await page.locator('p.hash code').textContent()).toBe(stored.arguments_sha256)
    await page.screenshot({ path: `${SHOTS}/request-page.png`, fullPage: true })

    const before = await writesOf()
    await page.getByLabel('Approver note').fill('Approved after confirming with finance')
    await page.getByRole('button', { name: 'Approve' }).click()
    await page.waitForURL(/\?decided=approved$/)
    expect(await page.getByRole('status').filter({ hasText: 'You approved' }).textContent()).toBe(
      `You approved request ${newest.request_id}.`,
    )
    expect(await statusField(page).textContent()).toBe('approved')
    expect(await page.locator('.request-head [data-field="execution_status"]').textContent()).toBe('success')
    expect(await page.getByRole('heading', { name: 'Result' }).isVisible()).toBe(true)
    const result = JSON.parse((await page.locator('.outcome pre.json').textContent()) ?? '')
    expect(result).toMatchObject({ model: 'account.move', deleted_ids: [drafts[0]] })
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0)
    await page.screenshot({ path: `${SHOTS}/request-approved.png`, fullPage: true })

    expect(await writesOf()).toBe(before + 1)
    expect(await requestAsAdmin(d.server.url, newest.request_id)).toMatchObject({
      status: 'approved',
      execution_status: 'success',
      approver_note: 'Approved after confirming with finance',
      decided_by: { login: 'admin' },
    })
    // The other request was not touched by this decision.
    expect(await requestAsAdmin(d.server.url, older)).toMatchObject({ status: 'pending', decided_by: null })
  })

  it('demo, the requester, sees his request without Approve/Reject, and a hand-made POST is refused with 403', async () => {
    const page = await logIn('demo')
    expect(await page.locator(`tr[data-request-id="${older}"]`).count()).toBe(1)
    await page.goto(`${d.server.url}/approvals/${older}`)
    expect(await statusField(page).textContent()).toBe('pending')
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Reject' }).count()).toBe(0)
    expect(await page.locator('#approver_note').count()).toBe(0)
    expect(await page.getByText('You filed this request').isVisible()).toBe(true)

    const token = (await page.locator('meta[name="csrf-token"]').getAttribute('content')) ?? ''
    expect(token).not.toBe('')
    const before = await sandboxWrites(d.odoo)
    const form = await page.request.post(`${d.server.url}/approvals/${older}/approve`, {
      form: { _csrf: token, note: 'approving my own request' },
      maxRedirects: 0,
    })
    expect(form.status()).toBe(403)
    // Refused for who he is, not for the token: the token was valid.
    expect(await form.text()).toContain('CS_REQUESTER_CANNOT_DECIDE')
    const api = await page.request.post(`${d.server.url}/api/approvals/${older}/approve`, {
      headers: { 'x-csrf-token': token },
      data: {},
    })
    expect([api.status(), (await api.json()).code]).toEqual([403, 'CS_REQUESTER_CANNOT_DECIDE'])

    expect(await requestAsAdmin(d.server.url, older)).toMatchObject({
      status: 'pending',
      execution_status: 'pending',
      decided_by: null,
      approver_note: null,
    })
    expect(await sandboxWrites(d.odoo)).toEqual(before)
  })

  it('admin rejects with the keyboard only; nothing runs in Odoo', async () => {
    const request_id = await fileRequest(d.demo.client, 'delete_record', {
      model: 'account.move',
      id: drafts[2],
    })
    const page = await logIn('admin')
    await page.goto(`${d.server.url}/approvals/${request_id}`)
    const before = await sandboxWrites(d.odoo)
    await page.locator('#approver_note').focus()
    await page.keyboard.type('Not this one: it is still being drafted')
    await page.keyboard.press('Tab') // → Approve
    await page.keyboard.press('Tab') // → Reject
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Reject')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\?decided=rejected$/)
    expect(await statusField(page).textContent()).toBe('rejected')
    expect(await page.getByText('Rejected: the call was dropped').isVisible()).toBe(true)
    expect(await requestAsAdmin(d.server.url, request_id)).toMatchObject({
      status: 'rejected',
      execution_status: 'pending',
      approver_note: 'Not this one: it is still being drafted',
    })
    expect(await sandboxWrites(d.odoo)).toEqual(before)
    expect(await existingDrafts(d.demo.client, drafts)).toContain(drafts[2])
  })

  it('an expired request shows no decision buttons, and deciding it anyway is 409', async () => {
    const short = await createConnection(d.env, {
      name: 'demo short expiry',
      user: 'demo',
      key: d.odoo.user('demo').api_key,
      args: [
        '--write',
        '--approval-tools',
        'delete_record',
        '--approver',
        'admin',
        '--expiry-hours',
        '0.0005',
      ],
    })
    const client = await mcpHttpClient(d.server.url, short.token, 'legacy', cleanups)
    const request_id = await fileRequest(client, 'delete_record', { model: 'account.move', id: drafts[3] })
    await new Promise((resolve) => setTimeout(resolve, 2_500)) // 0.0005 h = 1.8 s
    const page = await logIn('admin')
    await page.goto(`${d.server.url}/approvals/${request_id}`)
    expect(await statusField(page).textContent()).toBe('expired')
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Reject' }).count()).toBe(0)
    expect(await page.getByText('Expired without a decision').isVisible()).toBe(true)
    const token = (await page.locator('meta[name="csrf-token"]').getAttribute('content')) ?? ''
    const before = await sandboxWrites(d.odoo)
    const late = await page.request.post(`${d.server.url}/approvals/${request_id}/approve`, {
      form: { _csrf: token },
      maxRedirects: 0,
    })
    expect(late.status()).toBe(409)
    expect(await late.text()).toContain('is no longer pending')
    expect(await requestAsAdmin(d.server.url, request_id)).toMatchObject({
      status: 'expired',
      decided_by: null,
    })
    expect(await sandboxWrites(d.odoo)).toEqual(before)
  })

  it('a POST without a CSRF token is refused with 403 and changes nothing', async () => {
    const page = await logIn('admin')
    const before = await sandboxWrites(d.odoo)
    const forged = await page.request.post(`${d.server.url}/approvals/${older}/approve`, {
      form: { note: 'from another site' },
      maxRedirects: 0,
    })
    expect(forged.status()).toBe(403)
    expect(await forged.text()).toContain('CS_CSRF_INVALID')
    expect(await requestAsAdmin(d.server.url, older)).toMatchObject({ status: 'pending', decided_by: null })
    expect(await sandboxWrites(d.odoo)).toEqual(before)
  })

  it('the request page follows a decision made elsewhere without a manual reload', async () => {
    const request_id = await fileRequest(d.demo.client, 'delete_record', {
      model: 'account.move',
      id: drafts[4],
    })
    const page = await logIn('admin')
    await page.goto(`${d.server.url}/approvals/${request_id}`)
    expect(await statusField(page).textContent()).toBe('pending')
    // Another approver (here: admin over the JSON API with HTTP Basic) rejects it meanwhile.
    const elsewhere = await fetch(`${d.server.url}/api/approvals/${request_id}/reject`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ note: 'decided in another tab' }),
    })
    expect(elsewhere.status).toBe(200)
    await expect.poll(() => statusField(page).textContent(), { timeout: 15_000 }).toBe('rejected')
    await expect.poll(() => page.getByRole('button', { name: 'Approve' }).count(), { timeout: 5_000 }).toBe(0)
  })

  it('is readable on a phone-sized screen and raises no CSP violations', async () => {
    const page = await logIn('demo', { width: 390, height: 844 })
    await page.goto(`${d.server.url}/approvals?status=all`)
    const overflow = await page.evaluate(OVERFLOW)
    expect(overflow).toBeLessThanOrEqual(0)
    await page.screenshot({ path: `${SHOTS}/approvals-list-phone.png`, fullPage: true })
    await page.goto(`${d.server.url}/approvals/${older}`)
    expect(await page.evaluate(OVERFLOW)).toBeLessThanOrEqual(0)
    await page.screenshot({ path: `${SHOTS}/request-page-phone.png`, fullPage: true })
    expect(cspViolations).toEqual([])
  })
})
