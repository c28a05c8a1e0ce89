/**
 * Builds the HTTP application (never listens: commands/serve.ts does, tests use port 0). Health,
 * MCP, the JSON API and the console are sibling plugins, each with its own authentication.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import { SESSION_ENDED } from './domain/odoo-account.js'
import { mcpRoutes } from './mcp/http.js'
import type { Runtime } from './runtime.js'
import { apiRoutes } from './web/api.js'
import { consoleRoutes } from './web/console/plugin.js'
import { createSessionCheck } from './web/console/session-check.js'
import { createSessions } from './web/console/sessions.js'
import { unauthenticated } from './web/errors.js'
import { healthRoutes } from './web/health.js'
import { createOdooLogin } from './web/odoo-login.js'

export async function buildApp(runtime: Runtime): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: runtime.logger as FastifyBaseLogger,
    // One log line per request would drown the audit-worthy lines; the audit log records calls.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
  })
  await app.register(healthRoutes, { runtime })
  await app.register(mcpRoutes, { runtime })
  const login = createOdooLogin({ odoo: runtime.odoo, admins: runtime.approvals.deps.admins })
  const public_url = runtime.approvals.deps.public_url
  const sessions = createSessions({
    key: runtime.session_key,
    secure: public_url.startsWith('https:'),
    clock: runtime.clock,
  })
  const check = createSessionCheck({
    sessions,
    admins: runtime.approvals.deps.admins,
    clock: runtime.clock,
    interval_ms: runtime.session_check_ms,
    audit: runtime.audit,
    logger: runtime.logger,
  })
  await app.register(apiRoutes, {
    prefix: '/api',
    runtime,
    login,
    async sessionActor(request, reply) {
      const session = sessions.apiSession(request)
      if (!session) return null
      const confirmed = await check.confirm(
        reply,
        session,
        request.method !== 'GET' && request.method !== 'HEAD',
      )
      if (!confirmed.ok) throw unauthenticated(SESSION_ENDED[confirmed.ended])
      return confirmed.session.actor
    },
  })
  await app.register(consoleRoutes, { runtime, login, sessions, check, public_url })
  return app as unknown as FastifyInstance
}
