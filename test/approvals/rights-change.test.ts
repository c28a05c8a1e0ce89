/**
 * Rights that change in Odoo count before the next decision, on both engines. An approver archived
 * in Odoo, or whose password changed, or an administrator taken out of the admin group, cannot
 * decide — not through a Basic login Countersign checked a moment ago (it caches successes for a
 * minute), not through a console session (which lasts hours) — and a console session ends, also for
 * pages once COUNTERSIGN_SESSION_CHECK_MINUTES has passed. A connection given a new approver takes
 * its pending requests along: the former approver can no longer see or decide them, Odoo's
 * activities follow, and the audit log says so.
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readStoreConfig } from '../../src/config.js'
import { listAudit } from '../../src/store/audit-log.js'
import { openStore, type Store } from '../../src/store/open-store.js'
import { ConsoleAgent } from '../console/helpers.js'
import { Cleanups, runCli } from '../helpers/countersign.js'
import { ENGINES, postgresAvailable } from '../helpers/databases.js'
import { callTool, type Deployment, startDeployment } from '../helpers/deployment.js'
import { addSandboxUser, executed, file, gatedAi, openActivities, SECOND_ADMIN_GROUPS } from './helpers.js'

/** Pages are confirmed again after 2 s here (the default is 5 minutes). */
const CHECK_MINUTES = 2 / 60

for (const engine of ENGINES) {
  describe.skipIf(engine === 'postgres' && !postgresAvailable)(`${engine}: rights changed in Odoo`, () => {
    const cleanups = new Cleanups()
    let d: Deployment
    let store: Store
    let phone = 100

    beforeAll(async () => {
      d = await startDeployment(cleanups, {
        engine,
        env: { COUNTERSIGN_SESSION_CHECK_MINUTES: String(CHECK_MINUTES) },
      })
      store = await openStore(readStoreConfig(d.env))
      cleanups.push(() => store.close())
    })
    afterAll(() => cleanups.run())

    /** A new approver (password = login) and a request of demo's AI waiting for them. */
    async function approverWithRequest(
      login: string,
      groups = ['base.group_user'],
    ): Promise<{ uid: number; ai: Client; connection_id: number; request_id: number }> {
      const uid = await addSandboxUser(d, login, `${login} approver`, groups)
      const { ai, connection_id } = await gatedAi(d, 'demo', 'update_record', login)
      const request_id = await file(ai, 'update_record', {
        model: 'res.partner',
        ids: [10],
        values: { phone: `+1 555 0${phone++}` },
      })
      return { uid, ai, connection_id, request_id }
    }

    const status = async (request_id: number) =>
      (await d.api('admin', 'admin', 'GET', `/approvals/${request_id}`)).body.status
    const write = (uid: number, values: Record<string, unknown>) =>
      d.odooAdmin.call('res.users', 'write', { ids: [uid], args: [values] })

    it('JSON API: an approver archived in Odoo cannot decide, although their login was checked a moment ago', async () => {
      const { uid, request_id } = await approverWithRequest('ann')
      expect((await d.api('ann', 'ann', 'GET', `/approvals/${request_id}`)).status).toBe(200)
      await write(uid, { active: false })
      const approve = await d.api('ann', 'ann', 'POST', `/approvals/${request_id}/approve`, {})
      expect(approve.status).toBe(401)
      expect(await status(request_id)).toBe('pending')
      // Refused afresh, the login no longer reads from the cache either.
      expect((await d.api('ann', 'ann', 'GET', '/approvals')).status).toBe(401)
    })

    it('JSON API: the old password stops deciding the moment it changes in Odoo', async () => {
      const { uid, request_id } = await approverWithRequest('bob')
      expect((await d.api('bob', 'bob', 'GET', `/approvals/${request_id}`)).status).toBe(200)
      await write(uid, { password: 'bob-new-password' })
      expect((await d.api('bob', 'bob', 'POST', `/approvals/${request_id}/approve`, {})).status).toBe(401)
      expect(await status(request_id)).toBe('pending')
      const rejected = await d.api('bob', 'bob-new-password', 'POST', `/approvals/${request_id}/reject`, {})
      expect([rejected.status, rejected.body.status]).toEqual([200, 'rejected'])
    })

    it('console: an archived approver’s decision is refused and ends the session', async () => {
      const { uid, request_id } = await approverWithRequest('cat')
      const cat = new ConsoleAgent(d.servers[0]!.url)
      expect((await cat.login('cat', 'cat')).status).toBe(303)
      expect((await cat.get(`/approvals/${request_id}`)).status).toBe(200)
      await write(uid, { active: false })
      const approve = await cat.post(`/approvals/${request_id}/approve`, { note: 'ok' })
      expect(approve.status).toBe(401)
      expect(approve.text).toContain('your Odoo user is archived or was deleted')
      expect(cat.cookie('countersign_session')).toBeUndefined()
      expect(await status(request_id)).toBe('pending')
      const ended = await listAudit(store.db, { event: 'console_session_ended' })
      expect(ended.items.find((e) => e.actor_login === 'cat')?.detail).toEqual({ reason: 'gone' })
    })

    it('console: a password changed in Odoo ends the session at the next decision', async () => {
      const { uid, request_id } = await approverWithRequest('dan')
      const dan = new ConsoleAgent(d.servers[0]!.url)
      expect((await dan.login('dan', 'dan')).status).toBe(303)
      // Odoo keeps write_date to the second: a change in the very second of the login is not told apart.
      await new Promise((resolve) => setTimeout(resolve, 1100))
      await write(uid, { password: 'dan-new-password' })
      const reject = await dan.post(`/approvals/${request_id}/reject`)
      expect(reject.status).toBe(401)
      expect(reject.text).toContain('your Odoo user changed since you logged in')
      expect(await status(request_id)).toBe('pending')
      expect((await dan.login('dan', 'dan')).status).toBe(401)
      expect((await dan.login('dan', 'dan-new-password')).status).toBe(303)
    })

    it('console: pages notice within COUNTERSIGN_SESSION_CHECK_MINUTES and the login page says why', async () => {
      const { uid } = await approverWithRequest('eli')
      const eli = new ConsoleAgent(d.servers[0]!.url)
      expect((await eli.login('eli', 'eli')).status).toBe(303)
      await write(uid, { active: false })
      // Before the interval the page is served from Countersign's own store…
      expect((await eli.get('/approvals')).status).toBe(200)
      await new Promise((resolve) => setTimeout(resolve, CHECK_MINUTES * 60_000 + 200))
      // …after it, Odoo is asked again.
      const page = await eli.get('/approvals')
      expect(page.status).toBe(303)
      expect(page.location).toBe('/login?next=%2Fapprovals&ended=gone')
      expect(eli.cookie('countersign_session')).toBeUndefined()
      expect((await eli.get(page.location as string)).text).toContain(
        'Your console session ended: your Odoo user is archived or was deleted.',
      )
    })

    it('the JSON API on a console session (the console’s script): the same checks, answered in JSON', async () => {
      const { uid, request_id } = await approverWithRequest('joe')
      const joe = new ConsoleAgent(d.servers[0]!.url)
      expect((await joe.login('joe', 'joe')).status).toBe(303)
      expect((await joe.api('GET', `/api/approvals/${request_id}`)).status).toBe(200)
      await new Promise((resolve) => setTimeout(resolve, CHECK_MINUTES * 60_000 + 200))
      // Confirmed again after the interval: the session goes on, renewed.
      expect((await joe.api('GET', '/api/approvals')).status).toBe(200)
      expect(joe.cookie('countersign_session')).toBeDefined()
      await write(uid, { active: false })
      const approve = await joe.api('POST', `/api/approvals/${request_id}/approve`, {})
      expect([approve.status, JSON.parse(approve.text).message]).toEqual([
        401,
        'Your console session ended: your Odoo user is archived or was deleted.',
      ])
      expect(joe.cookie('countersign_session')).toBeUndefined()
      expect(await status(request_id)).toBe('pending')
    })

    it('console and JSON API: an administrator taken out of the admin group can no longer decide', async () => {
      // A request assigned to admin, which another administrator may decide too.
      const { request_id } = await approverWithRequest('fay')
      const { ai } = await gatedAi(d, 'demo', 'update_record', 'admin')
      const admins_request = await file(ai, 'update_record', {
        model: 'res.partner',
        ids: [10],
        values: { phone: `+1 555 0${phone++}` },
      })
      const uid = await addSandboxUser(d, 'gus', 'Gus Admin', SECOND_ADMIN_GROUPS)
      const gus = new ConsoleAgent(d.servers[0]!.url)
      expect((await gus.login('gus', 'gus')).status).toBe(303)
      expect((await d.api('gus', 'gus', 'GET', `/approvals/${admins_request}`)).body.can_decide).toBe(true)
      const [group] = await d.odooAdmin.call<Array<{ res_id: number }>>('ir.model.data', 'search_read', {
        kwargs: {
          domain: [
            ['module', '=', 'base'],
            ['name', '=', 'group_system'],
          ],
          fields: ['res_id'],
        },
      })
      await new Promise((resolve) => setTimeout(resolve, 1100))
      await write(uid, { groups_id: [[3, group!.res_id]] })
      expect((await gus.post(`/approvals/${admins_request}/approve`)).status).toBe(401)
      expect(gus.cookie('countersign_session')).toBeUndefined()
      // Over Basic, the rights are asked afresh: not an administrator, so not even visible.
      expect((await d.api('gus', 'gus', 'POST', `/approvals/${admins_request}/approve`, {})).status).toBe(404)
      expect(await status(admins_request)).toBe('pending')
      expect(await status(request_id)).toBe('pending')
    })

    it('a new approver takes the connection’s pending requests: the former one can no longer decide them', async () => {
      const { ai, connection_id, request_id } = await approverWithRequest('hal')
      await addSandboxUser(d, 'ivy', 'Ivy Approver', ['base.group_user'])
      const before = await openActivities(d, request_id)
      expect(before.map((a) => a.user_id[1])).toEqual(['hal approver'])

      const update = await runCli(['connection', 'update', String(connection_id), '--approver', 'ivy'], d.env)
      expect(update.code).toBe(0)

      // The former approver: as for anyone else's request, "not found" on every path.
      expect((await d.api('hal', 'hal', 'GET', `/approvals/${request_id}`)).status).toBe(404)
      expect((await d.api('hal', 'hal', 'POST', `/approvals/${request_id}/approve`, {})).status).toBe(404)
      const hal = new ConsoleAgent(d.servers[0]!.url)
      expect((await hal.login('hal', 'hal')).status).toBe(303)
      expect((await hal.post(`/approvals/${request_id}/approve`)).status).toBe(404)
      // The new one sees it, may decide it, and is told in Odoo; the former one's To-Do is done.
      const seen = await d.api('ivy', 'ivy', 'GET', `/approvals/${request_id}`)
      expect(seen.body).toMatchObject({ status: 'pending', can_decide: true, approver: { login: 'ivy' } })
      expect((await openActivities(d, request_id)).map((a) => a.user_id[1])).toEqual(['Ivy Approver'])
      expect(await callTool(ai, 'check_approval_status', { request_id })).toMatchObject({
        approver: { login: 'ivy' },
      })
      // The audit log tells the request's story as it happened.
      const moved = await listAudit(store.db, { event: 'request_reassigned' })
      expect(moved.items.find((e) => e.request_id === request_id)).toMatchObject({
        connection_id,
        actor_login: 'operator (command line)',
        detail: { from: 'hal', to: 'ivy' },
      })
      const approved = await d.api('ivy', 'ivy', 'POST', `/approvals/${request_id}/approve`, {})
      expect(approved.status).toBe(200)
      expect(await executed(ai, request_id)).toMatchObject({ execution_status: 'success' })
      const decision = await listAudit(store.db, { event: 'decision' })
      expect(decision.items.find((e) => e.request_id === request_id)).toMatchObject({
        actor_login: 'ivy',
        detail: { as: 'approver' },
      })
    })
  })
}
