/**
 * The audit log of MCP tool calls: exactly one `tool_call` row per tools/call — a result, invalid
 * arguments, an Odoo error, an access refusal, a call filed for approval, a tool the connection does
 * not have — with time, connection, user, tool, model, outcome, duration and error. Arguments and
 * results are stored only when COUNTERSIGN_AUDIT_PAYLOADS=true: two `serve` processes on one
 * database differ only in that setting. last_used_at and request_count move with use, and only then.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readStoreConfig } from '../../src/config.js'
import { type AuditEntry, listAudit } from '../../src/store/audit-log.js'
import { openStore, type Store } from '../../src/store/open-store.js'
import { afterUsageFlush, Cleanups, mcpStdioClient, runCli } from '../helpers/countersign.js'
import { callTool, type Deployment, startDeployment } from '../helpers/deployment.js'
import { rawToolCall } from '../helpers/mcp-raw.js'

interface Shown {
  request_count: number
  last_used_at: string | null
}

describe('audit log of tool calls, and connection usage', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let store: Store
  let partner_id: number

  async function show(connection_id: number): Promise<Shown> {
    const result = await runCli(['connection', 'show', String(connection_id), '--json'], d.env)
    expect(result.code, result.stderr).toBe(0)
    return JSON.parse(result.stdout) as Shown
  }

  async function rows(connection_id: number): Promise<AuditEntry[]> {
    const page = await listAudit(store.db, { event: 'tool_call', connection_id, page_size: 500 })
    return page.items.reverse()
  }

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    await d.startServer({ COUNTERSIGN_AUDIT_PAYLOADS: 'true' })
    store = await openStore(readStoreConfig(d.env))
    cleanups.push(() => store.close())
    const [partner] = await d.odooAdmin.call<Array<{ id: number }>>('res.partner', 'search_read', {
      kwargs: { domain: [['is_company', '=', true]], fields: ['id'], limit: 1 },
    })
    partner_id = partner?.id as number
  })
  afterAll(() => cleanups.run())

  const settings = [
    { payloads: false, server: 0 },
    { payloads: true, server: 1 },
  ]

  describe.each(settings)('COUNTERSIGN_AUDIT_PAYLOADS=$payloads', ({ payloads, server }) => {
    it('writes one row per tools/call, whatever its outcome', async () => {
      const url = (d.servers[server] as { url: string }).url
      const demo = await d.connection('demo', [
        '--write',
        '--approval-tools',
        'delete_record',
        '--approver',
        'admin',
      ])
      const restricted = await d.connection('restricted', ['--write'])
      const fresh = await show(demo.connection_id)
      expect(fresh).toMatchObject({ request_count: 0, last_used_at: null })
      d.sandbox.resetWrites()
      const started = Date.now()

      // 1. A result; 2. invalid arguments; 3. an Odoo error; 4. filed for approval; 5. a tool demo's
      // connection does not have; 6. restricted's access refusal.
      const calls: Array<[string, unknown]> = [
        ['count_records', { model: 'res.partner' }],
        ['search_read', { model: 'res.partner', limit: 0 }],
        ['search_read', { model: 'x_no.such_model' }],
        ['delete_record', { model: 'res.partner', id: partner_id }],
        ['drop_database', {}],
      ]
      const answers = []
      for (const [name, args] of calls) answers.push(await rawToolCall(url, demo.token, name, args))
      const refused = await rawToolCall(url, restricted.token, 'create_record', {
        model: 'res.partner',
        values: { name: 'Not allowed' },
      })
      const ended = Date.now()

      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200])
      const results = answers.map((a) => a.messages[0])
      expect(results[0]?.result.isError).toBeUndefined()
      expect(results[1]?.result.isError).toBe(true)
      expect(results[2]?.result.isError).toBe(true)
      expect(results[3]?.result.structuredContent.status).toBe('pending_approval')
      expect(results[4]?.error.message).toContain('drop_database not found')
      expect(refused.messages[0]?.result.isError).toBe(true)

      const logged = await rows(demo.connection_id)
      expect(logged.map((r) => [r.tool, r.model, r.outcome])).toEqual([
        ['count_records', 'res.partner', 'ok'],
        ['search_read', null, 'invalid_arguments'],
        ['search_read', 'x_no.such_model', 'error'],
        ['delete_record', 'res.partner', 'pending_approval'],
        ['drop_database', null, 'unknown_tool'],
      ])
      for (const row of logged) {
        expect(row).toMatchObject({ event: 'tool_call', connection_id: demo.connection_id, actor_uid: 6 })
        expect(row.actor_login).toBe('demo')
        expect(row.at.getTime()).toBeGreaterThanOrEqual(started - 1000)
        expect(row.at.getTime()).toBeLessThanOrEqual(ended + 1000)
        expect(Number.isInteger(row.duration_ms)).toBe(true)
        expect(row.duration_ms).toBeGreaterThanOrEqual(0)
      }
      const [ok, invalid, odooError, pending, unknown] = logged as [
        AuditEntry,
        AuditEntry,
        AuditEntry,
        AuditEntry,
        AuditEntry,
      ]
      expect(ok.error).toBeNull()
      expect(invalid.error).toMatch(/^Invalid arguments for search_read .*limit: /)
      expect(odooError.error).toContain('x_no.such_model')
      expect(pending.error).toBeNull()
      expect(pending.request_id).toBe(results[3]?.result.structuredContent.request_id)
      expect(unknown.error).toBe('Tool drop_database not found')

      const [denied, ...others] = await rows(restricted.connection_id)
      expect(others).toHaveLength(0)
      expect(denied).toMatchObject({
        tool: 'create_record',
        model: 'res.partner',
        outcome: 'error',
        actor_login: 'restricted',
        actor_uid: 8,
      })
      expect(denied?.error).toContain("You are not allowed to create 'Contact' (res.partner) records.")
      // What did not change: nothing reached Odoo's write path for demo, restricted's create was refused.
      expect(d.sandbox.writes().applied['res.partner.unlink']).toBeUndefined()
      expect(d.sandbox.writes().applied['res.partner.create']).toBeUndefined()

      if (payloads) {
        expect(ok.payload).toEqual({
          arguments: { model: 'res.partner', domain: [] },
          result: { model: 'res.partner', count: results[0]?.result.structuredContent.count },
        })
        expect(invalid.payload).toEqual({ arguments: { model: 'res.partner', limit: 0 } })
        expect(odooError.payload).toMatchObject({ arguments: { model: 'x_no.such_model' } })
        expect(pending.payload).toMatchObject({
          arguments: { model: 'res.partner', id: partner_id },
          result: { status: 'pending_approval', request_id: pending.request_id },
        })
        expect(denied?.payload).toEqual({
          arguments: { model: 'res.partner', values: { name: 'Not allowed' } },
        })
      } else {
        for (const row of [...logged, denied]) expect(row?.payload).toBeNull()
      }

      // Each request counted once, on its own connection (written within a second: src/mcp/usage.ts).
      await afterUsageFlush()
      const used = await show(demo.connection_id)
      expect(used.request_count).toBe(5)
      expect(Date.parse(used.last_used_at as string)).toBeGreaterThanOrEqual(started - 1000)
      expect((await show(restricted.connection_id)).request_count).toBe(1)
    })
  })

  it('stdio calls are audited too, and count as use', async () => {
    const demo = await d.connection('demo', [])
    const client = await mcpStdioClient(d.env, demo.token, 'legacy', cleanups)
    await callTool(client, 'count_records', { model: 'res.partner' })
    await expect(
      client.callTool({ name: 'get_record', arguments: { model: 'res.partner', id: -1 } }),
    ).resolves.toMatchObject({ isError: true })
    const logged = await rows(demo.connection_id)
    expect(logged.map((r) => [r.tool, r.outcome])).toEqual([
      ['count_records', 'ok'],
      ['get_record', 'invalid_arguments'],
    ])
    expect(logged[1]?.error).toContain('id: ')
    await afterUsageFlush()
    const used = await show(demo.connection_id)
    expect(used.request_count).toBeGreaterThanOrEqual(2)
    expect(used.last_used_at).not.toBeNull()
  })

  it('a call refused before MCP (bad token) writes no row', async () => {
    const url = (d.servers[0] as { url: string }).url
    const before = (await listAudit(store.db, { event: 'tool_call' })).total
    const answer = await rawToolCall(url, `csk_${'C'.repeat(43)}`, 'count_records', { model: 'res.partner' })
    expect(answer.status).toBe(401)
    expect((await listAudit(store.db, { event: 'tool_call' })).total).toBe(before)
  })
})
