/**
 * Issue 11, secrets: `execute_method res.users change_password` put both passwords into the summary,
 * the arguments and the approver's Odoo activity. On both engines, with audit payloads on and debug
 * logs: a user's AI files change_password (by name and, over JSON-RPC, positionally) with generated
 * passwords; neither password appears in the tool result, check_approval_status, the JSON API, the
 * console page, `approvals show`, the activity in Odoo, the logs, or anywhere in the database (the
 * request row, the audit log). Approved, the call runs with the real passwords: the new one logs in,
 * the old one no longer does. A tampered seal runs nothing; two calls differing only in a password
 * are two requests.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import type { Client } from '@modelcontextprotocol/client'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readStoreConfig } from '../../src/config.js'
import { HIDDEN } from '../../src/domain/secrets.js'
import { openStore, type Store } from '../../src/store/open-store.js'
import { ConsoleAgent } from '../console/helpers.js'
import { Cleanups, runCli } from '../helpers/countersign.js'
import { ENGINES, postgresAvailable } from '../helpers/databases.js'
import { callTool, type Deployment, startDeployment } from '../helpers/deployment.js'
import { occurrences } from '../helpers/occurrences.js'
import { canLogIn } from '../helpers/odoo-login.js'
import { cliEnv, executed, writesOf } from './helpers.js'

const password = () => `pw-${randomBytes(15).toString('base64url')}`

for (const engine of ENGINES) {
  describe.skipIf(engine === 'postgres' && !postgresAvailable)(
    `${engine}: change_password's passwords appear nowhere in clear`,
    () => {
      const cleanups = new Cleanups()
      let d: Deployment
      let store: Store
      let people = 0

      interface Requester {
        ai: Client
        login: string
        /** Every password generated for this user: none may be anywhere we look. */
        passwords: string[]
      }

      /** A new internal user with a generated password, whose AI waits for admin on execute_method. */
      async function requester(): Promise<Requester> {
        const login = `pwchanger${++people}.${engine}`
        const first = password()
        const made = await fetch(`${d.sandbox.url}/__sandbox/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            login,
            name: `Pat Changer ${people}`,
            password: first,
            groups: ['base.group_user'],
          }),
        })
        expect(made.status).toBe(201)
        const connection = await d.connection(login, [
          '--write',
          '--approval-tools',
          'execute_method',
          '--approver',
          'admin',
        ])
        return { ai: await d.mcp(connection.token), login, passwords: [first] }
      }

      const adminKey = () => d.sandbox.user('admin').api_key

      /** Every byte the database holds: SQLite's files, or every row of every PostgreSQL table. */
      async function databaseDump(): Promise<Buffer> {
        const database = d.env.COUNTERSIGN_DATABASE as string
        if (engine === 'sqlite') {
          const file = database.slice('sqlite:'.length)
          return Buffer.concat(
            [file, `${file}-wal`, `${file}-shm`].filter((f) => existsSync(f)).map((f) => readFileSync(f)),
          )
        }
        const client = new pg.Client({ connectionString: database })
        await client.connect()
        try {
          const tables = await client.query<{ table_name: string }>(
            "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
          )
          const rows: string[] = []
          for (const { table_name } of tables.rows)
            rows.push(
              ...(
                await client.query<{ row: string }>(`select t::text as row from "${table_name}" t`)
              ).rows.map((r) => r.row),
            )
          return Buffer.from(rows.join('\n'))
        } finally {
          await client.end()
        }
      }

      function expectNoPassword(who: Requester, where: string, text: string | Buffer): void {
        for (const [i, secret] of who.passwords.entries())
          expect(occurrences(text, secret), `password #${i + 1} in ${where}`).toBe(0)
      }

      /** Neither in serve's log (debug level) nor anywhere in the database, audit payloads included. */
      async function expectNowhereAtRest(who: Requester): Promise<void> {
        const logs = d.servers.map((s) => s.logs()).join('\n')
        // Not vacuous: debug lines of this user's calls were written, the audit log holds their payloads.
        expect(logs).toContain(`"login":"${who.login}"`)
        const payloads = await store.db
          .selectFrom('audit_log')
          .select('payload')
          .where('actor_login', '=', who.login)
          .where('payload', 'is not', null)
          .execute()
        expect(payloads.some((p) => p.payload?.includes(HIDDEN))).toBe(true)
        expectNoPassword(who, "serve's log", logs)
        expectNoPassword(who, `the ${engine} database`, await databaseDump())
      }

      beforeAll(async () => {
        d = await startDeployment(cleanups, {
          engine,
          env: { COUNTERSIGN_LOG_LEVEL: 'debug', COUNTERSIGN_AUDIT_PAYLOADS: 'true' },
        })
        store = await openStore(readStoreConfig(d.env))
        cleanups.push(() => store.close())
      })
      afterAll(() => cleanups.run())

      it('by name: hidden wherever shown, stored only sealed; approved, the new password works', async () => {
        const who = await requester()
        const old_passwd = who.passwords[0] as string
        const new_passwd = password()
        who.passwords.push(new_passwd)
        const args = { model: 'res.users', method: 'change_password', kwargs: { old_passwd, new_passwd } }

        // 1. Filed: the AI's answer shows neither password.
        const filed = await who.ai.callTool({ name: 'execute_method', arguments: args })
        expect(filed.isError).toBeFalsy()
        const pending = filed.structuredContent as Record<string, any>
        expect(pending.status).toBe('pending_approval')
        expect(pending.summary).toContain('change_password')
        expect(pending.summary).toContain(HIDDEN)
        expectNoPassword(who, 'the tool result', JSON.stringify(filed))
        const request_id = pending.request_id as number

        // 2. Every place the request is shown.
        const status = await callTool(who.ai, 'check_approval_status', { request_id })
        expect(status.arguments).toEqual({ ...args, kwargs: { old_passwd: HIDDEN, new_passwd: HIDDEN } })
        expectNoPassword(who, 'check_approval_status', JSON.stringify(status))
        const api = await d.api('admin', adminKey(), 'GET', `/approvals/${request_id}`)
        expect(api.status).toBe(200)
        expect(api.body.arguments.kwargs).toEqual({ old_passwd: HIDDEN, new_passwd: HIDDEN })
        expectNoPassword(who, 'GET /api/approvals/:id', JSON.stringify(api.body))
        const console_ = new ConsoleAgent(d.servers[0]?.url as string)
        expect((await console_.login('admin', 'admin')).status).toBe(303)
        const page = await console_.get(`/approvals/${request_id}`)
        expect(page.status).toBe(200)
        expect(page.text).toContain(HIDDEN)
        expectNoPassword(who, 'the console page', page.text)
        for (const json of [[], ['--json']]) {
          const shown = await runCli(['approvals', 'show', String(request_id), ...json], cliEnv(d, 'admin'))
          expect(shown.code, shown.stderr).toBe(0)
          expect(shown.stdout).toContain(HIDDEN)
          expectNoPassword(who, `approvals show ${json.join(' ')}`, shown.stdout + shown.stderr)
        }
        const activities = await d.odooAdmin.call<Array<{ note: string; summary: string }>>(
          'mail.activity',
          'search_read',
          {
            kwargs: {
              domain: [['summary', 'ilike', `request #${request_id}:`]],
              fields: ['note', 'summary'],
            },
          },
        )
        expect(activities).toHaveLength(1)
        expect(activities[0]?.note).toContain('change_password')
        expectNoPassword(who, 'the Odoo activity', JSON.stringify(activities))

        // 3. Stored: the masked arguments and their fingerprint, the passwords only sealed.
        const row = await store.db
          .selectFrom('approval_request')
          .selectAll()
          .where('request_id', '=', request_id)
          .executeTakeFirstOrThrow()
        expect(JSON.parse(row.arguments)).toEqual(status.arguments)
        expect(row.sealed_secrets).toMatch(/^v1:/)
        expectNoPassword(who, 'the approval_request row', JSON.stringify(row))

        // 4. Approved: the call runs with the real passwords, as the requester.
        expect(await canLogIn(d.sandbox, who.login, old_passwd)).toBe(true)
        const approved = await d.api('admin', adminKey(), 'POST', `/approvals/${request_id}/approve`, {})
        expect(approved.status).toBe(200)
        expect(await executed(who.ai, request_id)).toMatchObject({
          execution_status: 'success',
          result: { result: true },
        })
        expect(await canLogIn(d.sandbox, who.login, new_passwd)).toBe(true)
        expect(await canLogIn(d.sandbox, who.login, old_passwd)).toBe(false)
        // The seal was kept for the run only.
        const after = await store.db
          .selectFrom('approval_request')
          .select('sealed_secrets')
          .where('request_id', '=', request_id)
          .executeTakeFirstOrThrow()
        expect(after.sealed_secrets).toBeNull()
        await expectNowhereAtRest(who)
      })

      it('positionally over JSON-RPC: the same, with args [old, new]', async () => {
        const who = await requester()
        const old_passwd = who.passwords[0] as string
        const new_passwd = password()
        who.passwords.push(new_passwd)
        // Refused as invalid first (an unknown parameter): its audit payload is masked too.
        const invalid = await who.ai.callTool({
          name: 'execute_method',
          arguments: { model: 'res.users', method: 'change_password', args: [old_passwd, new_passwd], by: 1 },
        })
        expect(invalid.isError).toBe(true)
        expectNoPassword(who, 'the invalid-arguments error', JSON.stringify(invalid))
        const pending = await callTool(who.ai, 'execute_method', {
          model: 'res.users',
          method: 'change_password',
          args: [old_passwd, new_passwd],
        })
        expect(pending.status).toBe('pending_approval')
        expectNoPassword(who, 'the tool result', JSON.stringify(pending))
        const status = await callTool(who.ai, 'check_approval_status', { request_id: pending.request_id })
        expect(status.arguments.args).toEqual([HIDDEN, HIDDEN])
        expectNoPassword(who, 'check_approval_status', JSON.stringify(status))
        const approved = await d.api(
          'admin',
          adminKey(),
          'POST',
          `/approvals/${pending.request_id}/approve`,
          {},
        )
        expect(approved.status).toBe(200)
        expect(await executed(who.ai, pending.request_id)).toMatchObject({ execution_status: 'success' })
        expect(await canLogIn(d.sandbox, who.login, new_passwd)).toBe(true)
        expect(await canLogIn(d.sandbox, who.login, old_passwd)).toBe(false)
        await expectNowhereAtRest(who)
      })

      it('two calls differing only in a password are two requests; the same call twice is one', async () => {
        const who = await requester()
        const call = (new_passwd: string) => ({
          model: 'res.users',
          method: 'change_password',
          kwargs: { old_passwd: who.passwords[0], new_passwd },
        })
        const a = password()
        const b = password()
        who.passwords.push(a, b)
        const first = await callTool(who.ai, 'execute_method', call(a))
        const again = await callTool(who.ai, 'execute_method', call(a))
        const other = await callTool(who.ai, 'execute_method', call(b))
        expect(again).toMatchObject({ request_id: first.request_id, already_filed: true })
        expect(other.request_id).not.toBe(first.request_id)
        expect(other.already_filed).toBeUndefined()
        // The newest pending one is not the twin here: the older one is found behind it.
        expect(await callTool(who.ai, 'execute_method', call(a))).toMatchObject({
          request_id: first.request_id,
          already_filed: true,
        })
        await expectNowhereAtRest(who)
      })

      it('a seal moved from another request: the request ends in error and nothing reaches Odoo', async () => {
        const who = await requester()
        const old_passwd = who.passwords[0] as string
        const new_passwd = password()
        const other = password()
        who.passwords.push(new_passwd, other)
        const donor = await callTool(who.ai, 'execute_method', {
          model: 'res.users',
          method: 'change_password',
          kwargs: { old_passwd, new_passwd: other },
        })
        const pending = await callTool(who.ai, 'execute_method', {
          model: 'res.users',
          method: 'change_password',
          kwargs: { old_passwd, new_passwd },
        })
        // The donor's seal is valid in itself and made with the same key; moved, it must not open.
        const { sealed_secrets } = await store.db
          .selectFrom('approval_request')
          .select('sealed_secrets')
          .where('request_id', '=', donor.request_id)
          .executeTakeFirstOrThrow()
        expect(sealed_secrets).toMatch(/^v1:/)
        await store.db
          .updateTable('approval_request')
          .set({ sealed_secrets })
          .where('request_id', '=', pending.request_id)
          .execute()
        const before = writesOf(d, 'res.users.change_password').received
        const approved = await d.api(
          'admin',
          adminKey(),
          'POST',
          `/approvals/${pending.request_id}/approve`,
          {},
        )
        expect(approved.status).toBe(200)
        const done = await executed(who.ai, pending.request_id)
        expect(done.execution_status).toBe('error')
        expect(done.error).toContain('cannot be restored')
        expect(done.error).toContain('nothing was executed')
        expect(writesOf(d, 'res.users.change_password').received).toBe(before)
        expect(await canLogIn(d.sandbox, who.login, old_passwd)).toBe(true)
        expect(await canLogIn(d.sandbox, who.login, new_passwd)).toBe(false)
        expect(await canLogIn(d.sandbox, who.login, other)).toBe(false)
      })
    },
  )
}
