/**
 * /healthz (the process answers), /readyz (the database and Odoo answer) and /metrics (Prometheus
 * text). Outside every authenticated context: they reveal no request or connection data; of a
 * failing check only that it fails (why, with the Odoo URL or the database error, goes to the log),
 * and of a failing approver notification only the fact and its time (Odoo's words stay on the
 * request).
 */

import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import type { Runtime } from '../runtime.js'

/**
 * /metrics answers anyone, and counting every request reads the whole table (on SQLite, blocking
 * the process while it does): one count serves every scrape for this long.
 */
export const METRICS_CACHE_MS = 5000

/** `load`, run at most once per `ms`; callers meanwhile share its last (or in-flight) answer. */
function sharedFor<T>(ms: number, load: () => Promise<T>): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | null = null
  return () => {
    const now = performance.now()
    if (last && now - last.at < ms) return last.value
    const value = load()
    const entry = { at: now, value }
    last = entry
    // A failed count is not kept: the next scrape tries again.
    value.catch(() => {
      if (last === entry) last = null
    })
    return value
  }
}

export async function healthRoutes(app: FastifyInstance, options: { runtime: Runtime }): Promise<void> {
  const { runtime } = options
  app.get('/healthz', async () => ({ status: 'ok' }))
  // Why each check last failed, so a probe every few seconds logs an outage once, not every time.
  const lastFailure = new Map<string, string>()
  const check = async (name: 'database' | 'odoo', run: () => Promise<unknown>) => {
    try {
      await run()
      if (lastFailure.delete(name)) runtime.logger.info({ check: name }, `readiness: ${name} answers again`)
      return 'ok'
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      if (lastFailure.get(name) !== reason) {
        lastFailure.set(name, reason)
        runtime.logger.warn({ check: name, reason }, `readiness: ${name} is unavailable`)
      }
      return 'unavailable'
    }
  }
  app.get('/readyz', async (_request, reply) => {
    const checks = {
      database: await check('database', () => sql`select 1`.execute(runtime.store.db)),
      odoo: await check('odoo', () => runtime.odoo.ping()),
    }
    const ready = Object.values(checks).every((v) => v === 'ok')
    // A warning, not a check: approvers not told in Odoo is worth an alert, but requests are still
    // filed and decided, so a load balancer must keep sending traffic here.
    const { failing_since } = runtime.notifier.health()
    const warnings = failing_since ? { notifications: `failing since ${failing_since.toISOString()}` } : null
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not ready', checks, ...(warnings && { warnings }) })
  })
  const countByStatus = sharedFor(METRICS_CACHE_MS, () =>
    runtime.store.db
      .selectFrom('approval_request')
      .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
      .groupBy('status')
      .execute(),
  )
  app.get('/metrics', async (_request, reply) => {
    const counts = await countByStatus()
    const memory = process.memoryUsage()
    const lines = [
      '# HELP countersign_approval_requests Approval requests by status.',
      '# TYPE countersign_approval_requests gauge',
      ...counts.map((c) => `countersign_approval_requests{status="${c.status}"} ${Number(c.n)}`),
      '# HELP countersign_notification_failures_total Approver notifications (Odoo activities) this process failed to create.',
      '# TYPE countersign_notification_failures_total counter',
      `countersign_notification_failures_total ${runtime.notifier.health().failures}`,
      '# HELP process_resident_memory_bytes Resident memory size in bytes.',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${memory.rss}`,
    ]
    return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`)
  })
}
