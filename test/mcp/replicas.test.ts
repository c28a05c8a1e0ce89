/**
 * Issue 3 acceptance: two `countersign serve` processes on one PostgreSQL database behind a
 * non-sticky round-robin proxy, so consecutive requests of one official client (both protocol eras)
 * land on alternating replicas. Listing, calls and a whole approval (filed through one replica,
 * decided and checked through the other) work, the call runs once, and both replicas count the
 * connection's use in the one shared row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readStoreConfig } from '../../src/config.js'
import { listAudit } from '../../src/store/audit-log.js'
import { openStore } from '../../src/store/open-store.js'
import { afterUsageFlush, Cleanups, type Era, mcpHttpClient, runCli } from '../helpers/countersign.js'
import { postgresAvailable } from '../helpers/databases.js'
import { callTool, type Deployment, startDeployment } from '../helpers/deployment.js'
import { type RoundRobinProxy, startRoundRobinProxy } from '../helpers/round-robin-proxy.js'

describe.skipIf(!postgresAvailable)('two replicas on one PostgreSQL, requests alternating', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let proxy: RoundRobinProxy
  let demo: { connection_id: number; token: string }

  beforeAll(async () => {
    d = await startDeployment(cleanups, { engine: 'postgres', replicas: 2 })
    expect(d.servers).toHaveLength(2)
    expect(d.servers[0]?.url).not.toBe(d.servers[1]?.url)
    demo = await d.connection('demo', ['--write', '--approval-tools', 'delete_record', '--approver', 'admin'])
    proxy = await startRoundRobinProxy(
      d.servers.map((s) => s.url),
      cleanups,
    )
  })
  afterAll(() => cleanups.run())

  const eras: Era[] = ['legacy', 'modern']
  it.each(eras)(
    '%s era: listing and calls work while every request goes to the other replica',
    async (era) => {
      const from = proxy.log.length
      const client = await mcpHttpClient(proxy.url, demo.token, era, cleanups)
      const names = (await client.listTools()).tools.map((t) => t.name)
      expect(names).toContain('delete_record')
      expect(names).toContain('check_approval_status')
      const partners = await d.odooAdmin.call<number>('res.partner', 'search_count', {
        kwargs: { domain: [] },
      })
      for (let i = 0; i < 4; i++) {
        const counted = await callTool(client, 'count_records', { model: 'res.partner' })
        expect(counted.count).toBe(partners)
      }
      const calls = proxy.log.slice(from).filter((r) => r.rpc.includes('tools/call'))
      expect(calls).toHaveLength(4)
      // Strict alternation over all of this client's requests, and tools/call answered by both.
      const upstreams = proxy.log.slice(from).map((r) => r.upstream)
      upstreams.forEach((u, i) => {
        if (i > 0) expect(u).not.toBe(upstreams[i - 1])
      })
      expect(new Set(calls.map((r) => r.upstream))).toEqual(new Set([0, 1]))
      expect(proxy.log.slice(from).every((r) => r.status !== null && r.status < 500)).toBe(true)
    },
  )

  it('files an approval through one replica, decides and checks it through the other; runs it once', async () => {
    const client = await mcpHttpClient(proxy.url, demo.token, 'legacy', cleanups)
    const created = await d.odooAdmin.call<number[]>('res.partner', 'create', {
      kwargs: { vals_list: [{ name: 'Replica test partner' }] },
    })
    const partner_id = created[0] as number
    d.sandbox.resetWrites()

    // 1. The gated call, through whichever replica the proxy picks.
    const pending = await callTool(client, 'delete_record', { model: 'res.partner', id: partner_id })
    expect(pending.status).toBe('pending_approval')
    const filedOn = proxy.log.findLast((r) => r.rpc.includes('tools/call'))?.upstream as number
    const other = 1 - filedOn

    // 2. Pending, read back through the other replica (the proxy alternates).
    const first = await callTool(client, 'check_approval_status', { request_id: pending.request_id })
    expect(first).toMatchObject({ status: 'pending', execution_status: 'pending' })
    expect(proxy.log.findLast((r) => r.rpc.includes('tools/call'))?.upstream).toBe(other)
    expect(d.sandbox.writes().received['res.partner.unlink']).toBeUndefined()

    // 3. The approver decides on the replica that did not file it; it executes as demo.
    const decided = await d.api(
      'admin',
      'admin',
      'POST',
      `/approvals/${pending.request_id}/approve`,
      {},
      other,
    )
    expect(decided.status).toBe(200)

    // 4. Both replicas now report the same outcome; a second approve on the filing replica is 409.
    for (let i = 0; i < 2; i++) {
      const status = await callTool(client, 'check_approval_status', { request_id: pending.request_id })
      expect(status).toMatchObject({ status: 'approved', execution_status: 'success' })
    }
    const again = await d.api(
      'admin',
      'admin',
      'POST',
      `/approvals/${pending.request_id}/approve`,
      {},
      filedOn,
    )
    expect(again.status).toBe(409)
    expect(d.sandbox.writes().applied['res.partner.unlink']).toBe(1)
    expect(
      await d.odooAdmin.call('res.partner', 'search_count', {
        kwargs: { domain: [['id', '=', partner_id]] },
      }),
    ).toBe(0)
  })

  it('counts use and audits calls from both replicas in the one shared database', async () => {
    // Each replica writes its counted uses once a second (src/mcp/usage.ts).
    await afterUsageFlush()
    const shown = await runCli(['connection', 'show', String(demo.connection_id), '--json'], d.env)
    expect(shown.code).toBe(0)
    const connection = JSON.parse(shown.stdout) as { request_count: number; last_used_at: string }
    // Every authenticated /mcp request is counted once, whichever replica took it.
    const proxied = proxy.log.filter((r) => r.token_prefix === demo.token.slice(0, 12) && r.status !== 401)
    expect(connection.request_count).toBe(proxied.length)
    expect(Date.parse(connection.last_used_at)).toBeGreaterThan(Date.now() - 60_000)

    const store = await openStore(readStoreConfig(d.env))
    cleanups.push(() => store.close())
    const audit = await listAudit(store.db, { event: 'tool_call', connection_id: demo.connection_id })
    const calls = proxy.log.filter((r) => r.rpc.includes('tools/call'))
    expect(audit.total).toBe(calls.length)
  })
})
