/**
 * /healthz, /readyz and /metrics of a running `serve`: they answer without a login, reveal no
 * request data (nor the Odoo URL or a connection error: those go to the log), and /metrics counts requests by status at most once per METRICS_CACHE_MS however
 * often it is scraped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { METRICS_CACHE_MS } from '../../src/web/health.js'
import { file } from '../approvals/helpers.js'
import { Cleanups } from '../helpers/countersign.js'
import { type Deployment, eventually, startDeployment } from '../helpers/deployment.js'

function pendingIn(metrics: string): number {
  const line = metrics
    .split('\n')
    .find((l) => l.startsWith('countersign_approval_requests{status="pending"}'))
  return line ? Number(line.split(' ')[1]) : 0
}

describe('health and metrics endpoints', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let url: string
  let file_one: () => Promise<number>
  let partner = 10

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    url = d.servers[0]!.url
    const { token } = await d.connection('demo', ['--write', '--approval-tools', 'delete_record'])
    const ai = await d.mcp(token)
    // Each call deletes another partner: an identical call would not file a new request.
    file_one = () => file(ai, 'delete_record', { model: 'res.partner', id: partner++ })
  })
  afterAll(() => cleanups.run())

  it('/healthz and /readyz answer without a login', async () => {
    const health = await fetch(new URL('/healthz', url))
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'ok' })
    const ready = await fetch(new URL('/readyz', url))
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', odoo: 'ok' } })
  })

  it('/metrics counts requests by status in Prometheus text, and only counts', async () => {
    await file_one()
    const answer = await fetch(new URL('/metrics', url))
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await answer.text()
    expect(pendingIn(text)).toBe(1)
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m)
    // The approver's activity was created: no failure to count (test/approvals/notification-failure.test.ts counts some).
    expect(text).toMatch(/^countersign_notification_failures_total 0$/m)
    expect(text).not.toMatch(/demo|res\.partner|delete_record/)
  })

  it('/metrics counts at most once per cache period, then sees new requests', async () => {
    // A server of its own, so the period starts with this test's first scrape.
    const server = await d.startServer()
    const scrape = async () => pendingIn(await (await fetch(new URL('/metrics', server.url))).text())
    const first = await scrape()
    await file_one()
    // Within the cache period every scrape shares one count...
    const burst = await Promise.all(Array.from({ length: 20 }, scrape))
    expect(new Set(burst)).toEqual(new Set([first]))
    // ...and after it the new request is counted.
    const later = await eventually(
      async () => {
        const n = await scrape()
        return n === first + 1 ? n : undefined
      },
      METRICS_CACHE_MS + 5000,
      '/metrics to count the new request',
    )
    expect(later).toBe(first + 1)
  })

  it('/readyz turns 503 once Odoo stops answering, naming neither Odoo nor the error; the log says why, once (runs last: it stops the sandbox)', async () => {
    const odooUrl = d.sandbox.url
    await d.sandbox.close()
    for (let probe = 0; probe < 3; probe++) {
      const ready = await fetch(new URL('/readyz', url))
      expect(ready.status).toBe(503)
      const text = await ready.text()
      expect(JSON.parse(text)).toEqual({
        status: 'not ready',
        checks: { database: 'ok', odoo: 'unavailable' },
      })
      expect(text).not.toContain(new URL(odooUrl).host)
    }
    expect((await fetch(new URL('/healthz', url))).status).toBe(200)
    const warnings = d.servers[0]!.logs()
      .split('\n')
      .filter((line) => line.includes('readiness: odoo is unavailable'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/ECONNREFUSED|ECONNRESET/)
  })
})
