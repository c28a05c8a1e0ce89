/**
 * Conformance: rights changed in Odoo count before the next decision, on every Odoo the suite knows.
 * Each test makes its own approver in Odoo (fixtures.ts `throwawayPerson`) and then archives it,
 * changes its password or takes it out of the admin group — exactly what an Odoo administrator does —
 * and checks that neither a Basic login Countersign checked a moment ago nor a console session can
 * still decide, and that a connection's new approver takes its pending requests, with the Odoo
 * activities following. Pages are confirmed again every 2 s here (COUNTERSIGN_SESSION_CHECK_MINUTES).
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterEach, expect, it } from 'vitest'
import { ConsoleAgent } from '../console/helpers.js'
import { runCli } from '../helpers/countersign.js'
import { callTool, eventually } from '../helpers/deployment.js'
import { customer, groupId, groupsField, throwawayPerson } from './fixtures.js'
import { type ConformanceDeployment, describeEachOdoo } from './targets.js'

const CHECK_MINUTES = 2 / 60
/** A whole story against a real Odoo under load takes more than vitest's 30 s. */
const SLOW = 90_000
/** Odoo keeps write_date to the second: a change in the second of the login is not told apart. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1100))

/**
 * Requests a test left pending (an archived approver cannot decide them). Real Odoo is shared and
 * request ids restart with every deployment, so their open To-Dos ("Approve AI request #1: …")
 * would be taken for another test's: admin rejects them after each test, which closes the To-Dos.
 */
const filed: Array<{ d: ConformanceDeployment; request_id: number }> = []

/** Marc Demo's AI on a connection whose update_record waits for `approver`, and a request filed. */
async function waitingFor(
  d: ConformanceDeployment,
  approver: string,
): Promise<{ ai: Client; connection_id: number; request_id: number }> {
  const made = await d.connection('demo', [
    '--write',
    '--approval-tools',
    'update_record',
    '--approver',
    approver,
  ])
  const ai = await d.mcp(made.token)
  const partner = await customer(d)
  const pending = await callTool(ai, 'update_record', {
    model: 'res.partner',
    ids: [partner.id],
    values: { phone: '+1 555 0199' },
  })
  expect(pending.status).toBe('pending_approval')
  filed.push({ d, request_id: pending.request_id as number })
  return { ai, connection_id: made.connection_id, request_id: pending.request_id as number }
}

/** Who holds an open "To-Do" activity for this deployment's request. */
async function activityHolders(d: ConformanceDeployment, request_id: number): Promise<number[]> {
  const rows = await d.activities<{ user_id: [number, string] }>(request_id, ['user_id'])
  return rows.map((r) => r.user_id[0])
}

function writeUser(d: ConformanceDeployment, uid: number, values: Record<string, unknown>) {
  return d.odooAdmin.call('res.users', 'write', { ids: [uid], args: [values] })
}

describeEachOdoo(
  'rights changed in Odoo',
  (deployment) => {
    afterEach(async () => {
      for (const { d, request_id } of filed.splice(0)) {
        await d.api('admin', d.secret('admin'), 'POST', `/approvals/${request_id}/reject`, {
          note: 'cleaning up after the test',
        })
        await eventually(
          async () => ((await activityHolders(d, request_id)).length === 0 ? true : undefined),
          15_000,
          `the activities of request ${request_id} to be closed`,
        ).catch((error: Error) => {
          // What the server said about closing them is the only clue when this fails in CI.
          const said = d.server
            .logs()
            .split('\n')
            .filter((line) => line.includes('activity'))
          throw new Error(`${error.message}; the server logged:\n${said.join('\n')}`)
        })
      }
    })

    const statusOf = async (d: ConformanceDeployment, request_id: number) =>
      (await d.api('admin', d.secret('admin'), 'GET', `/approvals/${request_id}`)).body.status

    it(
      'JSON API: an approver archived in Odoo cannot decide, although their login was checked a moment ago',
      async () => {
        const d = deployment()
        const person = await throwawayPerson(d)
        const { request_id } = await waitingFor(d, person.login)
        const seen = await d.api(person.login, person.password, 'GET', `/approvals/${request_id}`)
        expect([seen.status, seen.body.can_decide]).toEqual([200, true])
        await writeUser(d, person.uid, { active: false })
        const approve = await d.api(
          person.login,
          person.password,
          'POST',
          `/approvals/${request_id}/approve`,
          {},
        )
        expect(approve.status).toBe(401)
        expect(await statusOf(d, request_id)).toBe('pending')
      },
      SLOW,
    )

    it(
      'JSON API and console: a password changed in Odoo stops the old one deciding and ends the session',
      async () => {
        const d = deployment()
        const person = await throwawayPerson(d)
        const { request_id } = await waitingFor(d, person.login)
        expect((await d.api(person.login, person.password, 'GET', '/approvals')).status).toBe(200)
        const browser = new ConsoleAgent(d.server.url)
        expect((await browser.login(person.login, person.password)).status).toBe(303)
        await nextSecond()
        const renewed = `${person.password}-renewed`
        await writeUser(d, person.uid, { password: renewed })
        const api = await d.api(person.login, person.password, 'POST', `/approvals/${request_id}/approve`, {})
        expect(api.status).toBe(401)
        const form = await browser.post(`/approvals/${request_id}/approve`)
        expect(form.status).toBe(401)
        expect(form.text).toContain('your Odoo user changed since you logged in')
        expect(browser.cookie('countersign_session')).toBeUndefined()
        expect(await statusOf(d, request_id)).toBe('pending')
        // With the new password, the person decides again.
        const rejected = await d.api(person.login, renewed, 'POST', `/approvals/${request_id}/reject`, {})
        expect([rejected.status, rejected.body.status]).toEqual([200, 'rejected'])
      },
      SLOW,
    )

    it(
      'console: an archived approver is logged out at the next decision, and pages notice within the interval',
      async () => {
        const d = deployment()
        const person = await throwawayPerson(d)
        const { request_id } = await waitingFor(d, person.login)
        const deciding = new ConsoleAgent(d.server.url)
        const reading = new ConsoleAgent(d.server.url)
        expect((await deciding.login(person.login, person.password)).status).toBe(303)
        expect((await reading.login(person.login, person.password)).status).toBe(303)
        await writeUser(d, person.uid, { active: false })
        const form = await deciding.post(`/approvals/${request_id}/approve`)
        expect(form.status).toBe(401)
        expect(form.text).toContain('your Odoo user is archived or was deleted')
        expect(await statusOf(d, request_id)).toBe('pending')
        await new Promise((resolve) => setTimeout(resolve, CHECK_MINUTES * 60_000 + 200))
        const page = await reading.get(`/approvals/${request_id}`)
        expect([page.status, page.location]).toEqual([
          303,
          `/login?next=%2Fapprovals%2F${request_id}&ended=gone`,
        ])
      },
      SLOW,
    )

    it(
      'an MCP administrator taken out of the admin group in Odoo can no longer decide',
      async () => {
        const d = deployment()
        const person = await throwawayPerson(d, { administrator: true })
        // Waiting for admin: another MCP administrator may decide it too.
        const { request_id } = await waitingFor(d, 'admin')
        const seen = await d.api(person.login, person.password, 'GET', `/approvals/${request_id}`)
        expect([seen.status, seen.body.can_decide]).toEqual([200, true])
        const browser = new ConsoleAgent(d.server.url)
        expect((await browser.login(person.login, person.password)).status).toBe(303)
        await nextSecond()
        await writeUser(d, person.uid, { [groupsField(d)]: [[3, await groupId(d, 'base.group_system')]] })
        expect((await browser.post(`/approvals/${request_id}/approve`)).status).toBe(401)
        // Over Basic the rights are asked afresh: no longer an administrator, so not even visible.
        const api = await d.api(person.login, person.password, 'POST', `/approvals/${request_id}/approve`, {})
        expect(api.status).toBe(404)
        expect(await statusOf(d, request_id)).toBe('pending')
      },
      SLOW,
    )

    it(
      'a connection’s new approver takes its pending requests, and the Odoo activities follow',
      async () => {
        const d = deployment()
        const former = await throwawayPerson(d)
        const next = await throwawayPerson(d)
        const { ai, connection_id, request_id } = await waitingFor(d, former.login)
        expect(await activityHolders(d, request_id)).toEqual([former.uid])

        // The environment of `serve`, whose public URL the new To-Do links to.
        const update = await runCli(
          ['connection', 'update', String(connection_id), '--approver', next.login],
          {
            ...d.env,
            COUNTERSIGN_PUBLIC_URL: d.server.url,
          },
        )
        expect(update.code).toBe(0)

        const refused = await d.api(
          former.login,
          former.password,
          'POST',
          `/approvals/${request_id}/approve`,
          {},
        )
        expect(refused.status).toBe(404)
        const seen = await d.api(next.login, next.password, 'GET', `/approvals/${request_id}`)
        expect(seen.body).toMatchObject({
          status: 'pending',
          can_decide: true,
          approver: { login: next.login },
        })
        expect(await activityHolders(d, request_id)).toEqual([next.uid])
        expect(await callTool(ai, 'check_approval_status', { request_id })).toMatchObject({
          approver: { login: next.login },
        })
        const rejected = await d.api(next.login, next.password, 'POST', `/approvals/${request_id}/reject`, {})
        expect([rejected.status, rejected.body.decided_by?.login]).toEqual([200, next.login])
        await eventually(
          async () => ((await activityHolders(d, request_id)).length === 0 ? true : undefined),
          15_000,
          'the new approver’s activity to be marked done',
        )
      },
      SLOW,
    )
  },
  { env: () => ({ COUNTERSIGN_SESSION_CHECK_MINUTES: String(CHECK_MINUTES) }) },
)
