/**
 * No secret at rest or in logs, on both engines, with COUNTERSIGN_LOG_LEVEL=debug. After connections
 * are created, used (results, invalid arguments, Odoo errors, access refusals, a gated call approved
 * and executed with the requester's key), rotated and revoked, refused (old and revoked tokens, a
 * wrong Odoo key at creation, a wrong password on the JSON API), and used over stdio too: neither an
 * MCP token nor an Odoo API key (nor COUNTERSIGN_SECRET, nor a tried password) is in the database —
 * SQLite's file, -wal and -shm bytes, or every PostgreSQL row — or in anything `serve`, `stdio` or
 * the CLI printed. The one exception is by design: `connection create|rotate` prints its new token
 * once on stdout.
 */
import { existsSync, readFileSync } from 'node:fs'
import { Client } from '@modelcontextprotocol/client'
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI, Cleanups, type CliResult, mcpHttpClient, runCli } from '../helpers/countersign.js'
import { ENGINES, postgresAvailable } from '../helpers/databases.js'
import { callTool, type Deployment, startDeployment } from '../helpers/deployment.js'
import { rawToolCall } from '../helpers/mcp-raw.js'
import { occurrences } from '../helpers/occurrences.js'

interface Secret {
  what: string
  value: string
}

/** The part of a token after its display prefix (csk_ + 8 characters are stored on purpose). */
function tokenSecretPart(token: string): string {
  return token.slice(12)
}

for (const engine of ENGINES) {
  describe.skipIf(engine === 'postgres' && !postgresAvailable)(
    `${engine}: no secret at rest or in logs`,
    () => {
      const cleanups = new Cleanups()
      let d: Deployment
      const secrets: Secret[] = []
      const cli: Array<{ args: string[]; result: CliResult; prints?: string }> = []
      let stdioLog = ''

      async function cliRun(args: string[], env = d.env, prints?: string): Promise<CliResult> {
        const result = await runCli(args, env)
        cli.push({ args, result, ...(prints !== undefined && { prints }) })
        return result
      }

      async function createConnection(user: string, key: string, args: string[]) {
        const result = await cliRun([
          'connection',
          'create',
          '--name',
          `${user} secrets`,
          '--user',
          user,
          '--odoo-api-key',
          key,
          '--json',
          ...args,
        ])
        expect(result.code, result.stderr).toBe(0)
        const created = JSON.parse(result.stdout) as { connection_id: number; token: string }
        ;(cli.at(-1) as { prints?: string }).prints = created.token
        return created
      }

      beforeAll(async () => {
        d = await startDeployment(cleanups, { engine, env: { COUNTERSIGN_LOG_LEVEL: 'debug' } })
        const keys = {
          demo: d.sandbox.user('demo').api_key,
          restricted: d.sandbox.user('restricted').api_key,
          admin: d.sandbox.user('admin').api_key,
        }
        secrets.push(
          { what: 'demo’s Odoo API key', value: keys.demo },
          { what: 'restricted’s Odoo API key', value: keys.restricted },
          { what: 'admin’s Odoo API key (service user, approver)', value: keys.admin },
          { what: 'COUNTERSIGN_SECRET', value: d.env.COUNTERSIGN_SECRET as string },
        )
        const url = (d.servers[0] as { url: string }).url

        // 1. Connections; a creation with a wrong key is refused without echoing it.
        const wrongKey = `wrong-key-${Math.random().toString(36).slice(2)}0123456789`
        secrets.push({ what: 'a wrong Odoo key given at creation', value: wrongKey })
        const refusedCreate = await cliRun([
          'connection',
          'create',
          '--name',
          'x',
          '--user',
          'demo',
          '--odoo-api-key',
          wrongKey,
        ])
        expect(refusedCreate.code).toBe(1)
        const demo = await createConnection('demo', keys.demo, [
          '--write',
          '--approval-tools',
          'delete_record',
          '--approver',
          'admin',
        ])
        const restricted = await createConnection('restricted', keys.restricted, ['--write'])
        secrets.push(
          { what: 'demo’s first MCP token', value: demo.token },
          { what: 'restricted’s MCP token', value: restricted.token },
        )

        // 2. Calls over HTTP: a result, invalid arguments, an Odoo error, an access refusal, a gated call.
        const ai = await mcpHttpClient(url, demo.token, 'legacy', cleanups)
        await callTool(ai, 'count_records', { model: 'res.partner' })
        expect(
          (await ai.callTool({ name: 'search_read', arguments: { model: 'res.partner', limit: 0 } })).isError,
        ).toBe(true)
        expect(
          (await ai.callTool({ name: 'get_record', arguments: { model: 'x_no.model', id: 1 } })).isError,
        ).toBe(true)
        const denied = await rawToolCall(url, restricted.token, 'create_record', {
          model: 'res.partner',
          values: { name: 'No' },
        })
        expect(denied.messages[0]?.result.isError).toBe(true)
        const created = await d.odooAdmin.call<number[]>('res.partner', 'create', {
          kwargs: { vals_list: [{ name: 'Secrets test' }] },
        })
        const pending = await callTool(ai, 'delete_record', { model: 'res.partner', id: created[0] })
        expect(pending.status).toBe('pending_approval')

        // 3. The JSON API: a wrong password, an unknown login, then the approver with their API key.
        const wrongPassword = `wrong-password-${Math.random().toString(36).slice(2)}`
        secrets.push({ what: 'a wrong password tried on the API', value: wrongPassword })
        expect((await d.api('demo', wrongPassword, 'GET', '/approvals')).status).toBe(401)
        expect((await d.api('nobody-here', wrongPassword, 'GET', '/approvals')).status).toBe(401)
        const approved = await d.api(
          'admin',
          keys.admin,
          'POST',
          `/approvals/${pending.request_id}/approve`,
          { note: 'ok' },
        )
        expect(approved.status).toBe(200)
        const status = await callTool(ai, 'check_approval_status', { request_id: pending.request_id })
        expect(status).toMatchObject({ status: 'approved', execution_status: 'success' })

        // 4. The CLI as an approver (password in its environment), and the operator's commands.
        const approverEnv = {
          ...d.env,
          COUNTERSIGN_URL: url,
          COUNTERSIGN_LOGIN: 'admin',
          COUNTERSIGN_PASSWORD: keys.admin,
        }
        expect((await cliRun(['approvals', 'list', '--status', 'all'], approverEnv)).code).toBe(0)
        expect(
          (await cliRun(['approvals', 'show', String(pending.request_id), '--json'], approverEnv)).code,
        ).toBe(0)
        const badApprover = { ...approverEnv, COUNTERSIGN_PASSWORD: wrongPassword }
        expect((await cliRun(['approvals', 'list'], badApprover)).code).toBe(1)
        expect((await cliRun(['connection', 'list', '--json'])).code).toBe(0)
        expect((await cliRun(['connection', 'show', String(demo.connection_id), '--json'])).code).toBe(0)

        // 5. Rotation and revocation; the old and the revoked tokens are refused.
        const rotation = await cliRun(['connection', 'rotate', String(demo.connection_id), '--json'])
        expect(rotation.code, rotation.stderr).toBe(0)
        const rotated = (JSON.parse(rotation.stdout) as { token: string }).token
        ;(cli.at(-1) as { prints?: string }).prints = rotated
        secrets.push({ what: 'demo’s rotated MCP token', value: rotated })
        expect((await cliRun(['connection', 'revoke', String(restricted.connection_id)])).code).toBe(0)
        expect((await rawToolCall(url, demo.token, 'count_records', { model: 'res.partner' })).status).toBe(
          401,
        )
        expect(
          (await rawToolCall(url, restricted.token, 'count_records', { model: 'res.partner' })).status,
        ).toBe(401)
        expect((await rawToolCall(url, rotated, 'count_records', { model: 'res.partner' })).status).toBe(200)

        // 6. stdio with the new token (debug logs on its stderr), then refused with the old one.
        const transport = new StdioClientTransport({
          command: process.execPath,
          args: [CLI, 'stdio', '--token', rotated],
          env: d.env,
          stderr: 'pipe',
        })
        transport.stderr?.on('data', (chunk: Buffer) => {
          stdioLog += chunk.toString()
        })
        const local = new Client({ name: 'secrets-test', version: '1.0.0' })
        await local.connect(transport)
        cleanups.push(() => local.close())
        await callTool(local, 'count_records', { model: 'res.partner' })
        expect(
          (await local.callTool({ name: 'get_record', arguments: { model: 'x_no.model', id: 1 } })).isError,
        ).toBe(true)
        await local.close()
        expect((await cliRun(['stdio', '--token', demo.token])).code).toBe(1)
      })
      afterAll(() => cleanups.run())

      it('the logs were really at debug level (so the checks below are not vacuous)', () => {
        const debug = (log: string) => log.split('\n').filter((l) => l.includes('"level":20'))
        expect(debug(d.servers[0]?.logs() ?? '').some((l) => l.includes('"tool call"'))).toBe(true)
        expect(debug(d.servers[0]?.logs() ?? '').some((l) => l.includes('"mcp request refused"'))).toBe(true)
        expect(debug(stdioLog).some((l) => l.includes('"tool call"'))).toBe(true)
      })

      it('no secret in what serve, stdio or the CLI printed (the new token once, where it is handed out)', () => {
        const serveLogs = d.servers.map((s) => s.logs()).join('\n')
        for (const { what, value } of secrets) {
          const part = value.startsWith('csk_') ? tokenSecretPart(value) : value
          expect(occurrences(serveLogs, part), `${what} in serve's output`).toBe(0)
          expect(occurrences(stdioLog, part), `${what} in stdio's stderr`).toBe(0)
          for (const { args, result, prints } of cli) {
            const command = args.slice(0, 2).join(' ')
            expect(occurrences(result.stderr, part), `${what} in the stderr of ${command}`).toBe(0)
            expect(occurrences(result.stdout, part), `${what} in the stdout of ${command}`).toBe(
              prints === value ? 1 : 0,
            )
          }
        }
      })

      it('no secret in the database', async () => {
        let stored: Buffer
        if (engine === 'sqlite') {
          const file = (d.env.COUNTERSIGN_DATABASE as string).slice('sqlite:'.length)
          const files = [file, `${file}-wal`, `${file}-shm`].filter((f) => existsSync(f))
          expect(files.length).toBeGreaterThan(0)
          stored = Buffer.concat(files.map((f) => readFileSync(f)))
        } else {
          const client = new pg.Client({ connectionString: d.env.COUNTERSIGN_DATABASE })
          await client.connect()
          try {
            const tables = await client.query<{ table_name: string }>(
              "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
            )
            expect(tables.rows.map((t) => t.table_name)).toEqual(
              expect.arrayContaining(['connection', 'audit_log', 'approval_request']),
            )
            const dumps: string[] = []
            for (const { table_name } of tables.rows) {
              const rows = await client.query<{ row: string }>(`select t::text as row from "${table_name}" t`)
              dumps.push(...rows.rows.map((r) => r.row))
            }
            stored = Buffer.from(dumps.join('\n'))
          } finally {
            await client.end()
          }
        }
        // The checks can fail: what is stored on purpose is there (display prefixes, the approved call).
        expect(occurrences(stored, 'csk_')).toBeGreaterThan(0)
        expect(occurrences(stored, 'Secrets test')).toBeGreaterThan(0)
        for (const { what, value } of secrets) {
          const part = value.startsWith('csk_') ? tokenSecretPart(value) : value
          expect(occurrences(stored, part), `${what} in the ${engine} database`).toBe(0)
        }
      })
    },
  )
}
