/**
 * Seed step 1, "Sends an Odoo activity to the approver", when Odoo will not take it: the service
 * user is an internal user without the rights the activity needs (as an administrator might set one
 * up), so the sandbox refuses for real, exactly as Odoo 17 and 19 do. The request is filed and
 * decided all the same; the console page, the JSON API and `approvals show` say why the approver was
 * not told; /readyz warns (and stays 200) without Odoo's words; /metrics counts; and once the
 * service user is given the rights in Odoo, the next request gets its activity and /readyz clears.
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConsoleAgent } from '../console/helpers.js'
import { Cleanups, type RunningServer, runCli } from '../helpers/countersign.js'
import { type Deployment, startDeployment } from '../helpers/deployment.js'
import { addSandboxUser, cliEnv, executed, file, gatedAi, openActivities } from './helpers.js'

const REFUSED =
  "could not create the Odoo activity: You are not allowed to access 'Model Data' (ir.model.data) records."
const ON_PAGE = 'The approver was not notified in Odoo: could not create the Odoo activity:'

async function readyz(server: RunningServer): Promise<{ status: number; body: any; text: string }> {
  const answer = await fetch(new URL('/readyz', server.url))
  const text = await answer.text()
  return { status: answer.status, body: JSON.parse(text), text }
}

async function failuresCounted(server: RunningServer): Promise<number> {
  const text = await (await fetch(new URL('/metrics', server.url))).text()
  const line = /^countersign_notification_failures_total (\d+)$/m.exec(text)
  if (!line) throw new Error(`no countersign_notification_failures_total in /metrics:\n${text}`)
  return Number(line[1])
}

describe('the approver cannot be notified in Odoo', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let server: RunningServer
  let ai: Client
  let bot: number
  let admin: ConsoleAgent
  let refused_id: number
  let failing_since: string
  let phone = 200
  const update = () =>
    file(ai, 'update_record', { model: 'res.partner', ids: [10], values: { phone: `+1 555 0${phone++}` } })

  beforeAll(async () => {
    d = await startDeployment(cleanups, { replicas: 0 })
    // Internal user, nothing more: Odoo refuses it the "To Do" type's xml id and activities on contacts.
    bot = await addSandboxUser(d, 'countersign-bot', 'Countersign Bot', ['base.group_user'])
    server = await d.startServer({
      COUNTERSIGN_ODOO_SERVICE_LOGIN: 'countersign-bot',
      COUNTERSIGN_ODOO_SERVICE_KEY: d.sandbox.user('countersign-bot').api_key,
    })
    ai = (await gatedAi(d, 'demo', 'update_record', 'admin')).ai
    admin = new ConsoleAgent(server.url)
    expect((await admin.login('admin', 'admin')).status).toBe(303)
  })
  afterAll(() => cleanups.run())

  it('1. before any request: /readyz has no warning, /metrics counts 0', async () => {
    const ready = await readyz(server)
    expect(ready.status).toBe(200)
    expect(ready.body).toEqual({ status: 'ready', checks: { database: 'ok', odoo: 'ok' } })
    expect(await failuresCounted(server)).toBe(0)
  })

  it('2. Odoo refuses: the request is filed anyway, without an activity, and says why on the page, in the API and the CLI', async () => {
    const before = new Date().toISOString()
    refused_id = await update()
    const after = new Date().toISOString()
    expect(await openActivities(d, refused_id)).toEqual([])

    const api = await d.api('admin', 'admin', 'GET', `/approvals/${refused_id}`)
    expect(api.status).toBe(200)
    expect(api.body).toMatchObject({ status: 'pending', can_decide: true })
    const reason = api.body.notification_error as string
    // Odoo's own words, on one line and bounded.
    expect(reason.slice(0, REFUSED.length)).toBe(REFUSED)
    expect(reason).toContain('Administration/Access Rights')
    expect(reason).not.toContain('\n')
    expect(reason.length).toBeLessThanOrEqual(500)
    expect(reason).not.toContain(d.sandbox.user('countersign-bot').api_key)

    const page = (await admin.get(`/approvals/${refused_id}`)).text.replace(/\s+/g, ' ')
    expect(page).toContain(ON_PAGE)
    expect(page).toContain('You are not allowed to access &#39;Model Data&#39; (ir.model.data) records.')
    expect(page).toContain('Tell them another way: send them the link to this page.')
    // The requester sees it too: he may need to tell the approver himself.
    const requester = await d.api('demo', 'demo', 'GET', `/approvals/${refused_id}`)
    expect(requester.body.notification_error).toBe(reason)

    const shown = await runCli(['approvals', 'show', String(refused_id)], cliEnv(d, 'admin'))
    expect(shown.code).toBe(0)
    expect(shown.stdout).toContain(`WARNING: the approver was not notified in Odoo: ${reason}\n`)

    // The AI is not told about the service user's rights: check_approval_status has no such field.
    const status = await ai.callTool({ name: 'check_approval_status', arguments: { request_id: refused_id } })
    expect(JSON.stringify(status)).not.toContain('Model Data')

    const ready = await readyz(server)
    expect(ready.status).toBe(200)
    expect(ready.body).toMatchObject({ status: 'ready', checks: { database: 'ok', odoo: 'ok' } })
    failing_since = /^failing since (.+)$/.exec(ready.body.warnings?.notifications ?? '')?.[1] ?? ''
    expect(failing_since >= before && failing_since <= after).toBe(true)
    expect(new Date(failing_since).toISOString()).toBe(failing_since)
    // Anonymous callers read /readyz: the fact and its time, not Odoo's words nor where Odoo is.
    expect(Object.keys(ready.body.warnings)).toEqual(['notifications'])
    expect(ready.text).not.toMatch(/Model Data|ir\.model|Access Rights|countersign-bot/)
    expect(ready.text).not.toContain(d.sandbox.url)
    expect(await failuresCounted(server)).toBe(1)
  })

  it('3. a second refusal is counted; "failing since" keeps the first', async () => {
    await update()
    expect(await failuresCounted(server)).toBe(2)
    expect((await readyz(server)).body.warnings).toEqual({ notifications: `failing since ${failing_since}` })
  })

  it('4. the request is decided as usual: approved, it runs once as the requester', async () => {
    const approved = await d.api('admin', 'admin', 'POST', `/approvals/${refused_id}/approve`, {})
    expect(approved.status).toBe(200)
    const done = await executed(ai, refused_id)
    expect(done).toMatchObject({ status: 'approved', execution_status: 'success' })
    // The reason stays on the request: it is what happened when it was filed.
    const shown = await d.api('admin', 'admin', 'GET', `/approvals/${refused_id}`)
    expect(shown.body.notification_error.startsWith(REFUSED)).toBe(true)
  })

  it('5. once the service user may, the next request gets its activity and /readyz clears', async () => {
    // What an Odoo administrator would do: grant "Access Rights" and "Contact Creation".
    const groups = await d.odooAdmin.call<Array<{ res_id: number }>>('ir.model.data', 'search_read', {
      kwargs: {
        domain: [
          ['model', '=', 'res.groups'],
          ['module', '=', 'base'],
          ['name', 'in', ['group_erp_manager', 'group_partner_manager']],
        ],
        fields: ['res_id'],
      },
    })
    expect(groups).toHaveLength(2)
    await d.odooAdmin.call('res.users', 'write', {
      ids: [bot],
      kwargs: { vals: { groups_id: groups.map((g) => [4, g.res_id]) } },
    })

    const request_id = await update()
    const open = await openActivities(d, request_id)
    expect(open.map((a) => a.user_id[0])).toEqual([d.sandbox.user('admin').uid])
    const api = await d.api('admin', 'admin', 'GET', `/approvals/${request_id}`)
    expect(api.body.notification_error).toBeNull()
    expect((await admin.get(`/approvals/${request_id}`)).text).not.toContain('not notified in Odoo')
    const shown = await runCli(['approvals', 'show', String(request_id)], cliEnv(d, 'admin'))
    expect(shown.code).toBe(0)
    expect(shown.stdout).not.toContain('WARNING')

    const ready = await readyz(server)
    expect(ready.status).toBe(200)
    expect(ready.body).toEqual({ status: 'ready', checks: { database: 'ok', odoo: 'ok' } })
    // A counter only goes up.
    expect(await failuresCounted(server)).toBe(2)
  })
})

describe('no activity to send: the request says why, and nothing failed', () => {
  const cleanups = new Cleanups()
  afterAll(() => cleanups.run())

  it('without a service user, every request says none is configured', async () => {
    const d = await startDeployment(cleanups, {
      env: { COUNTERSIGN_ODOO_SERVICE_LOGIN: '', COUNTERSIGN_ODOO_SERVICE_KEY: '' },
    })
    const { ai } = await gatedAi(d, 'demo', 'update_record', 'admin')
    const request_id = await file(ai, 'update_record', {
      model: 'res.partner',
      ids: [10],
      values: { phone: '+1 555 0300' },
    })
    const reason =
      'no service user is configured (COUNTERSIGN_ODOO_SERVICE_LOGIN), so Countersign creates no Odoo activities'
    expect((await d.api('admin', 'admin', 'GET', `/approvals/${request_id}`)).body.notification_error).toBe(
      reason,
    )
    const shown = await runCli(['approvals', 'show', String(request_id)], cliEnv(d, 'admin'))
    expect(shown.stdout).toContain(`WARNING: the approver was not notified in Odoo: ${reason}\n`)
    // A setting, not a failure: nothing was attempted, so /readyz and /metrics have nothing to say.
    const server = d.servers[0]!
    expect((await readyz(server)).body).toEqual({ status: 'ready', checks: { database: 'ok', odoo: 'ok' } })
    expect(await failuresCounted(server)).toBe(0)
  })

  it('with nobody to notify (no approver, the requester the only administrator), the request says so', async () => {
    const d = await startDeployment(cleanups)
    // Mitchell Admin's own connection without an approver: any administrator but him may decide,
    // and the sandbox has no other.
    const made = await d.connection('admin', ['--write', '--approval-tools', 'update_record'])
    const ai = await d.mcp(made.token)
    const request_id = await file(ai, 'update_record', {
      model: 'res.partner',
      ids: [10],
      values: { phone: '+1 555 0301' },
    })
    expect(await openActivities(d, request_id)).toEqual([])
    expect((await d.api('admin', 'admin', 'GET', `/approvals/${request_id}`)).body.notification_error).toBe(
      'nobody to notify: no approver who may decide is assigned, and no other MCP administrator was found in Odoo',
    )
    const server = d.servers[0]!
    expect((await readyz(server)).body).toEqual({ status: 'ready', checks: { database: 'ok', odoo: 'ok' } })
    expect(await failuresCounted(server)).toBe(0)
  })
})
