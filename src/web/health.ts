/**
 * /healthz (the process answers), /readyz (the database and Odoo answer) and /metrics (Prometheus
 * text). Outside every authenticated context: they reveal no request or connection data.
 */

import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import type { Runtime } from '../runtime.js'

export async function healthRoutes(app: FastifyInstance, options: { runtime: Runtime }): Promise<void> {
  const { runtime } = options
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    const checks: Record<string, string> = {}
    try {
      await sql`select 1`.execute(runtime.store.db)
      checks.database = 'ok'
    } catch (error) {
      checks.database = error instanceof Error ? error.message : 'unavailable'
    }
    try {
      await runtime.odoo.version()
      checks.odoo = 'ok'
    } catch (error) {
      checks.odoo = error instanceof Error ? error.message : 'unavailable'
    }
    const ready = Object.values(checks).every((v) => v === 'ok')
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks })
  })
  app.get('/metrics', async (_request, reply) => {
    const counts = await runtime.store.db
      .selectFrom('approval_request')
      .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
      .groupBy('status')
      .execute()
    const memory = process.memoryUsage()
    const lines = [
      '# HELP countersign_approval_requests Approval requests by status.',
      '# TYPE countersign_approval_requests gauge',
      ...counts.map((c) => `countersign_approval_requests{status="${c.status}"} ${Number(c.n)}`),
      '# HELP process_resident_memory_bytes Resident memory size in bytes.',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${memory.rss}`,
    ]
    return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`)
  })
}
