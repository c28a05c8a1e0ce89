// Regenerates the console screenshots in docs/images/ (run: npx tsx scripts/docs-screenshots.ts).
// Starts the sandbox Odoo and Countersign in this process, has Marc Demo's AI file a request through
// the official MCP client, and drives Debian's Chromium through the approver's and the requester's
// views: the list, a request, its result, the requester's view, the effect preview of a batch delete
// of two quotations, and a request whose order changed after filing (the drift banner). Not part of
// the test suite: the browser tests in test/console check the same pages.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import { chromium, type Page } from 'playwright-core'
import { DEMO_APPROVAL_TOOLS } from '../src/commands/demo.js'
import { startCountersign } from '../src/commands/serve.js'
import { createConnection } from '../src/connections/manage.js'
import { RECOMMENDED_APPROVAL_EFFECTS } from '../src/domain/policy.js'
import { createLogger } from '../src/logger.js'
import { startSandboxOdoo } from '../src/sandbox/index.js'
import { CHROMIUM, CHROMIUM_ARGS } from '../test/console/helpers.js'

const OUT = 'docs/images'

const sandbox = await startSandboxOdoo()
const running = await startCountersign(
  {
    ODOO_URL: sandbox.url,
    ODOO_DB: sandbox.db,
    COUNTERSIGN_PORT: '0',
    COUNTERSIGN_DATABASE: `sqlite:${join(mkdtempSync(join(tmpdir(), 'countersign-shots-')), 'countersign.db')}`,
    COUNTERSIGN_ODOO_SERVICE_LOGIN: 'admin',
    COUNTERSIGN_ODOO_SERVICE_KEY: sandbox.user('admin').api_key,
  },
  createLogger({ level: 'warn' }),
)
const { token } = await createConnection(
  {
    db: running.runtime.store.db,
    odoo: running.runtime.odoo,
    secrets: running.runtime.secrets,
    clock: () => new Date(),
  },
  {
    name: 'Marc’s Claude',
    odoo_login: 'demo',
    odoo_secret: sandbox.user('demo').api_key,
    write_access: true,
    allowed_tools: [],
    approval_tools: DEMO_APPROVAL_TOOLS,
    approval_effects: RECOMMENDED_APPROVAL_EFFECTS,
    approver_login: 'admin',
    approval_expiry_hours: 4,
  },
  { kind: 'operator' },
)

const ai = new Client({ name: 'docs', version: '1' })
await ai.connect(
  new StreamableHTTPClientTransport(new URL(`${running.url}/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  }),
)
const drafts = await ai.callTool({
  name: 'search_read',
  arguments: {
    model: 'sale.order',
    domain: [
      ['state', '=', 'draft'],
      ['user_id', '=', 6],
    ],
    fields: ['name'],
    limit: 14,
    order: 'id',
  },
})
const draftIds = (drafts.structuredContent as { records: Array<{ id: number }> }).records.map((r) => r.id)
// Twelve for the seed story's batch delete, the last two for the effect preview.
const ids = draftIds.slice(0, 12)
const pair = draftIds.slice(12, 14)
const [invoice] = (
  (
    await ai.callTool({
      name: 'search_read',
      arguments: {
        model: 'account.move',
        domain: [
          ['state', '=', 'draft'],
          ['move_type', '=', 'out_invoice'],
        ],
        limit: 1,
      },
    })
  ).structuredContent as { records: Array<{ id: number }> }
).records
const posting = await ai.callTool({
  name: 'transition_state',
  arguments: { model: 'account.move', ids: [invoice?.id], transition: 'action_post' },
})
const postRequest = (posting.structuredContent as { request_id: number }).request_id
const filed = await ai.callTool({ name: 'batch_delete', arguments: { model: 'sale.order', ids } })
const request_id = (filed.structuredContent as { request_id: number }).request_id
const filedPair = await ai.callTool({ name: 'batch_delete', arguments: { model: 'sale.order', ids: pair } })
const pairRequest = (filedPair.structuredContent as { request_id: number }).request_id

// The drift story of issue 11: the AI makes a quotation, files its confirmation, then raises the
// quantity with the ungated update_record; the approver's page shows the Total change.
const created = await ai.callTool({
  name: 'create_record',
  arguments: {
    model: 'sale.order',
    values: { partner_id: 10, order_line: [[0, 0, { product_id: 1, product_uom_qty: 3 }]] },
  },
})
const quotation = (created.structuredContent as { id: number }).id
const confirming = await ai.callTool({
  name: 'transition_state',
  arguments: { model: 'sale.order', ids: [quotation], transition: 'action_confirm' },
})
const driftRequest = (confirming.structuredContent as { request_id: number }).request_id
const lines = await ai.callTool({
  name: 'search_read',
  arguments: { model: 'sale.order.line', domain: [['order_id', '=', quotation]], fields: ['name'] },
})
const [line] = (lines.structuredContent as { records: Array<{ id: number }> }).records
const raised = await ai.callTool({
  name: 'update_record',
  arguments: {
    model: 'sale.order',
    ids: [quotation],
    values: { order_line: [[1, line?.id, { product_uom_qty: 300 }]] },
  },
})
if (raised.isError || (raised.structuredContent as { status?: string }).status === 'pending_approval')
  throw new Error(`update_record should have run at once: ${JSON.stringify(raised)}`)
await ai.close()

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })

async function loggedIn(login: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 } })
  const page = await context.newPage()
  await page.goto(`${running.url}/login`)
  await page.getByLabel('Odoo login').fill(login)
  await page.getByLabel(/Password/).fill(login)
  await page.getByRole('button', { name: /Log in/ }).click()
  await page.waitForURL(/\/approvals/)
  return page
}

/** The page from the top down to the bottom of `selector`: the head and the part the docs talk about. */
async function shootDownTo(page: Page, selector: string, path: string): Promise<void> {
  const box = await page.locator(selector).boundingBox()
  if (!box) throw new Error(`${selector} is not on the page`)
  const width = page.viewportSize()?.width ?? 1100
  await page.screenshot({
    path,
    fullPage: true,
    clip: { x: 0, y: 0, width, height: box.y + box.height + 16 },
  })
}

const admin = await loggedIn('admin')
await admin.goto(`${running.url}/approvals/${pairRequest}`)
await shootDownTo(admin, 'section.effects', `${OUT}/request-effects.png`)
await admin.goto(`${running.url}/approvals/${driftRequest}`)
await shootDownTo(admin, 'section.effects', `${OUT}/request-drift.png`)
await admin.goto(`${running.url}/approvals`)
await admin.screenshot({ path: `${OUT}/approvals-list.png` })
await admin.goto(`${running.url}/approvals/${request_id}`)
await admin.screenshot({ path: `${OUT}/request-page.png`, fullPage: true })
await admin.getByLabel('Approver note').fill('Checked with Marc: these quotations were duplicates.')
await admin.getByRole('button', { name: 'Approve' }).click()
await admin.getByText('success', { exact: true }).first().waitFor()
await admin.screenshot({ path: `${OUT}/request-approved.png`, fullPage: true })

const demo = await loggedIn('demo')
// The requester's view of his still-pending request: the same page, without Approve or Reject.
await demo.goto(`${running.url}/approvals/${postRequest}`)
await demo.screenshot({ path: `${OUT}/requester-view.png` })

await browser.close()
await running.stop()
await sandbox.close()
console.log(
  `wrote ${OUT}/approvals-list.png, request-page.png, request-approved.png, requester-view.png, request-effects.png, request-drift.png`,
)
