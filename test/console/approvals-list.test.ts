/**
 * The approvals list and the outcome panel, as an administrator sees them: pending by default,
 * status filters, search, 25 per page newest first; an approved call that failed in Odoo shows
 * its error. demo's AI files the requests through MCP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { escapeHtml } from '../../src/web/console/html.js'
import { Cleanups } from '../helpers/countersign.js'
import { ConsoleAgent, type Deployment, fileRequest, makeDraftInvoices, startDeployment } from './helpers.js'

describe('approvals list and outcomes', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  const agents = {} as { admin: ConsoleAgent }
  let drafts: number[]
  let held: number

  beforeAll(async () => {
    d = await startDeployment(cleanups, { approver: 'reviewer' })
    agents.admin = new ConsoleAgent(d.server.url)
    expect((await agents.admin.login('admin', 'admin')).status).toBe(303)
    drafts = await makeDraftInvoices(d.demo.client, 6)
    held = await fileRequest(d.demo.client, 'delete_record', { model: 'account.move', id: drafts[0] })
    // One approved and one rejected request, so that every status filter has something to show.
    const approved = await fileRequest(d.demo.client, 'delete_record', {
      model: 'account.move',
      id: drafts[1],
    })
    const rejected = await fileRequest(d.demo.client, 'delete_record', {
      model: 'account.move',
      id: drafts[2],
    })
    expect((await agents.admin.post(`/approvals/${approved}/approve`)).status).toBe(303)
    expect((await agents.admin.post(`/approvals/${rejected}/reject`)).status).toBe(303)
  })
  afterAll(() => cleanups.run())

  it('an approved call that fails in Odoo shows the error on the request page', async () => {
    const [invoice] = await makeDraftInvoices(d.demo.client, 1)
    const first = await fileRequest(d.demo.client, 'delete_record', { model: 'account.move', id: invoice })
    // The same deletion through another tool: an identical call would point to the first request.
    const second = await fileRequest(d.demo.client, 'batch_delete', { model: 'account.move', ids: [invoice] })
    expect((await agents.admin.post(`/approvals/${first}/approve`)).status).toBe(303)
    const answer = await agents.admin.post(`/approvals/${second}/approve`)
    expect(answer.status).toBe(303)
    const page = await agents.admin.get(answer.location as string)
    expect(page.text).toContain('data-execution-status="error"')
    expect(page.text).toContain('<h2 id="outcome-h">Error</h2>')
    const stored = JSON.parse((await agents.admin.api('GET', `/api/approvals/${second}`)).text)
    expect(stored.execution_status).toBe('error')
    // Deleted after filing: the drift guard finds it gone and runs nothing.
    expect(stored.error).toMatch(/no longer exists/)
    expect(page.text).toContain(escapeHtml(stored.error))
  })

  it('the list: pending by default, status filters, search by tool / model / requester, 25 per page', async () => {
    const admin = agents.admin
    const rows = (text: string) => [...text.matchAll(/<tr class="status-(\w+)" data-request-id="(\d+)"/g)]
    const ids = (text: string) => rows(text).map((m) => Number(m[2]))
    const pending = await admin.get('/approvals')
    expect(rows(pending.text).every((m) => m[1] === 'pending')).toBe(true)
    expect(ids(pending.text)).toContain(held)
    expect(rows((await admin.get('/approvals?status=approved')).text).every((m) => m[1] === 'approved')).toBe(
      true,
    )
    const all = rows((await admin.get('/approvals?status=all')).text).map((m) => m[1])
    expect(new Set(all)).toEqual(new Set(['pending', 'approved', 'rejected']))
    for (const search of ['delete_record', 'account.move', 'demo'])
      expect(ids((await admin.get(`/approvals?search=${search}`)).text)).toContain(held)
    expect(ids((await admin.get('/approvals?search=res.partner')).text)).toEqual([])
    expect((await admin.get('/approvals?status=bogus')).status).toBe(422)

    // Fill more than a page: 25 newer pending requests push `held`, the oldest, to page 2.
    const filed: number[] = []
    for (const invoice of await makeDraftInvoices(d.demo.client, 25))
      filed.push(await fileRequest(d.demo.client, 'batch_delete', { model: 'account.move', ids: [invoice] }))
    const page1 = await admin.get('/approvals')
    expect(ids(page1.text)).toHaveLength(25)
    expect(ids(page1.text)[0]).toBe(filed[24]) // newest first
    expect(ids(page1.text)).not.toContain(held)
    expect(page1.text).toMatch(/Page 1 of 2/)
    const next = /<a href="([^"]+)" rel="next">/.exec(page1.text)?.[1]?.replaceAll('&amp;', '&')
    expect(next).toBe('/approvals?status=pending&page=2')
    expect(ids((await admin.get(next as string)).text)).toContain(held)
  })
})
