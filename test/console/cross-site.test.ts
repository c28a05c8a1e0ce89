/**
 * Other sites against the approver's browser (issue 12, items 1 and 5), in a real Chromium: a page
 * on another port of the same host tries to approve a request with the Basic credentials the
 * browser holds for Countersign (a `no-cors` fetch, a form, a CORS fetch), and crafted `next`
 * values try to send the approver off-site after logging in. Then the same JSON API rules over
 * plain HTTP: what a browser's request must carry, and that scripts with HTTP Basic keep working.
 * demo's AI files the requests (delete_record on draft invoices); approver: admin.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups } from '../helpers/countersign.js'
import {
  ConsoleAgent,
  chromiumAvailable,
  type Deployment,
  fileRequest,
  launchChromium,
  makeDraftInvoices,
  requestAsAdmin,
  sandboxWrites,
  startDeployment,
} from './helpers.js'

const ADMIN_BASIC = `Basic ${Buffer.from('admin:admin').toString('base64')}`

/**
 * The other site: pages that act on Countersign from 127.0.0.1 on another port, and a landing page
 * (/again) that records each visit.
 */
async function startOtherSite(
  target: string,
  cleanups: Cleanups,
): Promise<{ url: string; landed: string[] }> {
  const landed: string[] = []
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://other.site')
    const approve = `${target}/api/approvals/${url.searchParams.get('id')}/approve`
    const page = (body: string) => {
      response.setHeader('content-type', 'text/html; charset=utf-8')
      response.end(`<!doctype html><title>cute cats</title>${body}`)
    }
    const script = (code: string) => page(`<script>${code}</script>`)
    switch (url.pathname) {
      case '/no-cors': // the attack the review found: no body, the browser's credentials
        return script(
          `fetch(${JSON.stringify(approve)}, {method: 'POST', mode: 'no-cors', credentials: 'include'})
            .then(() => { document.title = 'sent' }, () => { document.title = 'blocked' })`,
        )
      case '/form': // a form cannot send JSON, but text/plain can look like it
        return page(
          `<form method="post" enctype="text/plain" action="${approve}"><input name='{"note":"' value='ok"}'></form>
           <script>document.forms[0].submit()</script>`,
        )
      case '/cors': // JSON needs a CORS preflight, which Countersign never grants
        return script(
          `fetch(${JSON.stringify(approve)}, {method: 'POST', credentials: 'include',
             headers: {'content-type': 'application/json'}, body: '{}'})
            .then(() => { document.title = 'sent' }, () => { document.title = 'blocked' })`,
        )
      case '/again':
        landed.push(url.pathname)
        return page('<p>You left Countersign.</p>')
      default:
        response.statusCode = 404
        return response.end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, landed }
}

describe.skipIf(!chromiumAvailable())('other sites against the approver’s browser, in Chromium', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let browser: Browser
  let other: { url: string; landed: string[] }
  let drafts: number[]
  let draft = 0

  beforeAll(async () => {
    d = await startDeployment(cleanups, { approver: 'admin' })
    browser = await launchChromium(cleanups)
    other = await startOtherSite(d.server.url, cleanups)
    drafts = await makeDraftInvoices(d.demo.client, 3)
  })
  afterAll(() => cleanups.run())

  const file = () =>
    fileRequest(d.demo.client, 'delete_record', { model: 'account.move', id: drafts[draft++] as number })

  async function newPage(
    options: Parameters<Browser['newContext']>[0] = {},
  ): Promise<[BrowserContext, Page]> {
    const context = await browser.newContext(options)
    cleanups.push(() => context.close())
    return [context, await context.newPage()]
  }

  /** Opens a page of the other site and returns Countersign's answer to the approve it sends. */
  async function attack(page: Page, path: string, request_id: number): Promise<number> {
    const approve = `${d.server.url}/api/approvals/${request_id}/approve`
    const answered = page.waitForResponse((r) => r.url() === approve && r.request().method() === 'POST')
    await page.goto(`${other.url}${path}?id=${request_id}`)
    return (await answered).status()
  }

  async function unchanged(request_id: number, writes: unknown): Promise<void> {
    expect(await requestAsAdmin(d.server.url, request_id)).toMatchObject({
      status: 'pending',
      decided_by: null,
    })
    expect(await sandboxWrites(d.odoo)).toEqual(writes)
  }

  it('the JSON API never asks the browser for an Odoo password, so another page has none to use', async () => {
    const request_id = await file()
    // What the approver would type if the browser asked (Playwright answers Basic challenges with it).
    const [context, page] = await newPage({
      httpCredentials: { username: 'admin', password: 'admin', origin: d.server.url },
    })
    const looked = await page.goto(`${d.server.url}/api/approvals/${request_id}`)
    expect(looked?.status()).toBe(401)
    expect(await looked?.headerValue('www-authenticate')).toBeNull()
    expect(await page.textContent('body')).toContain('log in to the console')
    await context.setHTTPCredentials(null) // from here on only what the browser itself kept

    const writes = await sandboxWrites(d.odoo)
    expect(await attack(page, '/no-cors', request_id)).toBe(403)
    await unchanged(request_id, writes)
  })

  it('with Basic credentials the browser already holds, another origin’s no-cors fetch, form and CORS fetch change nothing', async () => {
    const request_id = await file()
    // Credentials the browser sends on every request to Countersign — cached from a prompt of an
    // older version, say. Countersign itself still answers them: the browser can read the API.
    const [, page] = await newPage({ extraHTTPHeaders: { authorization: ADMIN_BASIC } })
    expect((await page.goto(`${d.server.url}/api/approvals/${request_id}`))?.status()).toBe(200)

    const writes = await sandboxWrites(d.odoo)
    expect(await attack(page, '/no-cors', request_id)).toBe(403)
    expect(await attack(page, '/form', request_id)).toBe(403)
    expect(await page.textContent('body')).toContain('CS_CROSS_SITE')
    // The preflight gets no CORS grant, so the browser never sends the POST.
    await page.goto(`${other.url}/cors?id=${request_id}`)
    await expect.poll(() => page.title()).toBe('blocked')
    await unchanged(request_id, writes)

    // The person can still decide, in the console.
    await page.goto(`${d.server.url}/login`)
    await page.getByLabel('Odoo login').fill('admin')
    await page.getByLabel('Password or API key').fill('admin')
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL(/\/approvals$/)
    await page.goto(`${d.server.url}/approvals/${request_id}`)
    await page.getByRole('button', { name: 'Reject' }).click()
    await page.waitForURL(/\?decided=rejected$/)
    expect(await requestAsAdmin(d.server.url, request_id)).toMatchObject({
      status: 'rejected',
      decided_by: { login: 'admin' },
    })
  })

  describe('after logging in, `next` never leads off-site', () => {
    // Browsers drop tabs and newlines from URLs and read `\` as `/`: each of these is `//host/…` to them.
    const offSite = (host: string) => [
      `/%09/${host}/again`,
      `/%0A/${host}/again`,
      `/%0D%0A/${host}/again`,
      `/%5C${host}/again`,
      `/%09%5C${host}/again`,
      `//${host}/again`,
      `/%2F${host}/again`,
    ]

    it('a logged-in approver following /login?next=… stays on Countersign', async () => {
      const [, page] = await newPage()
      await page.goto(`${d.server.url}/login`)
      await page.getByLabel('Odoo login').fill('admin')
      await page.getByLabel('Password or API key').fill('admin')
      await page.getByRole('button', { name: 'Log in' }).click()
      await page.waitForURL(/\/approvals$/)
      for (const next of offSite(new URL(other.url).host)) {
        const answer = await page.goto(`${d.server.url}/login?next=${next}`)
        expect({ next, status: answer?.status(), url: page.url() }).toEqual({
          next,
          status: 200,
          url: `${d.server.url}/approvals`,
        })
      }
      // A path of this site is kept, query and all.
      await page.goto(`${d.server.url}/login?next=${encodeURIComponent('/approvals?status=all')}`)
      expect(page.url()).toBe(`${d.server.url}/approvals?status=all`)
      expect(other.landed).toEqual([])
    })

    it('logging in through the form of /login?next=/%09/host/again lands on the approvals list', async () => {
      const [, page] = await newPage()
      await page.goto(`${d.server.url}/login?next=/%09/${new URL(other.url).host}/again`)
      await page.getByLabel('Odoo login').fill('admin')
      await page.getByLabel('Password or API key').fill('admin')
      await page.getByRole('button', { name: 'Log in' }).click()
      await page.waitForURL(/\/approvals$/)
      expect(page.url()).toBe(`${d.server.url}/approvals`)
      expect(other.landed).toEqual([])
    })

    it('a CR/LF in next is no 500 and sets no header', async () => {
      const agent = new ConsoleAgent(d.server.url)
      await agent.login('admin', 'admin')
      const answer = await agent.get('/login?next=/%0D%0ASet-Cookie:%20planted=1')
      expect([answer.status, answer.location]).toEqual([303, '/approvals'])
      expect(answer.headers.getSetCookie().join()).not.toContain('planted')
      const form = new ConsoleAgent(d.server.url)
      await form.get('/login')
      const posted = await form.post('/login', {
        login: 'admin',
        secret: 'admin',
        next: '/\r\nSet-Cookie: planted=1',
      })
      expect([posted.status, posted.location]).toEqual([303, '/approvals'])
    })
  })
})

describe('the JSON API towards browsers and scripts, over plain HTTP', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let request_id: number

  beforeAll(async () => {
    d = await startDeployment(cleanups, { approver: 'admin' })
    const [draft] = await makeDraftInvoices(d.demo.client, 1)
    request_id = await fileRequest(d.demo.client, 'delete_record', {
      model: 'account.move',
      id: draft as number,
    })
  })
  afterAll(() => cleanups.run())

  const approve = (headers: Record<string, string>, body?: string) =>
    fetch(`${d.server.url}/api/approvals/${request_id}/approve`, {
      method: 'POST',
      headers: { authorization: ADMIN_BASIC, ...headers },
      body,
    }).then(async (r) => ({ status: r.status, code: ((await r.json()) as { code: string }).code }))

  it('refuses a POST that a form or no-cors fetch could send, and a browser request from another origin', async () => {
    const writes = await sandboxWrites(d.odoo)
    for (const [what, headers, body] of [
      ['no body, no type', {}, undefined],
      ['text/plain', { 'content-type': 'text/plain' }, '{"note":"ok"}'],
      ['a form', { 'content-type': 'application/x-www-form-urlencoded' }, 'note=ok'],
      ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }, '--x--'],
    ] as const)
      expect({ what, ...(await approve(headers, body)) }).toEqual({
        what,
        status: 415,
        code: 'CS_JSON_REQUIRED',
      })
    const json = { 'content-type': 'application/json' }
    for (const [what, headers] of [
      ['another port of this host', { origin: 'http://127.0.0.1:1' }],
      ['another site', { origin: 'https://evil.example' }],
      ['an opaque origin', { origin: 'null' }],
      ['same-site', { 'sec-fetch-site': 'same-site' }],
      ['cross-site', { 'sec-fetch-site': 'cross-site' }],
    ] as const)
      expect({ what, ...(await approve({ ...json, ...headers }, '{}')) }).toEqual({
        what,
        status: 403,
        code: 'CS_CROSS_SITE',
      })
    expect(await requestAsAdmin(d.server.url, request_id)).toMatchObject({ status: 'pending' })
    expect(await sandboxWrites(d.odoo)).toEqual(writes)
  })

  it('challenges scripts with Basic but not browsers', async () => {
    const ask = (headers: Record<string, string>) => fetch(`${d.server.url}/api/approvals`, { headers })
    const script = await ask({ 'user-agent': 'curl/8.5.0' })
    expect(script.status).toBe(401)
    expect(script.headers.get('www-authenticate')).toMatch(/^Basic /)
    const browsers: Array<Record<string, string>> = [
      { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' },
      { 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate', 'sec-fetch-site': 'none' },
    ]
    for (const headers of browsers) {
      const browser = await ask(headers)
      expect(browser.status).toBe(401)
      expect(browser.headers.get('www-authenticate')).toBeNull()
    }
  })

  it('a script with HTTP Basic and JSON decides, also when it states this origin; the console session path still works', async () => {
    const agent = new ConsoleAgent(d.server.url)
    await agent.login('admin', 'admin')
    expect((await agent.api('GET', `/api/approvals/${request_id}`)).status).toBe(200)
    const json = { 'content-type': 'application/json; charset=utf-8' }
    const answer = await approve(
      { ...json, origin: d.server.url, 'sec-fetch-site': 'same-origin' },
      '{"note":"ok"}',
    )
    expect(answer.status).toBe(200)
    expect(await requestAsAdmin(d.server.url, request_id)).toMatchObject({
      status: 'approved',
      approver_note: 'ok',
    })
  })
})
