/**
 * Builds the HTTP application (never listens: commands/serve.ts does, tests use port 0). Health,
 * MCP, the JSON API and the console are sibling plugins, each with its own authentication; the
 * JSON API and the console share one login check and its limit.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import { mcpRoutes } from './mcp/http.js'
import type { Runtime } from './runtime.js'
import { apiRoutes } from './web/api.js'
import { consoleRoutes } from './web/console/plugin.js'
import { createSessions } from './web/console/sessions.js'
import { healthRoutes } from './web/health.js'
import { createLoginLimiter } from './web/login-limit.js'
import { createOdooLogin } from './web/odoo-login.js'

export interface AppOptions {
  /** COUNTERSIGN_TRUSTED_PROXIES: whose X-Forwarded-For names the client; empty: nobody's. */
  trusted_proxies: string[]
  /** COUNTERSIGN_LOGIN_FAILURE_LIMIT (web/login-limit.ts). */
  login_failure_limit: number
}

export async function buildApp(runtime: Runtime, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: runtime.logger as FastifyBaseLogger,
    // One log line per request would drown the audit-worthy lines; the audit log records calls.
    logController: new LogController({ disableRequestLogging: true }),
    // `request.ip` is what the login limit and the audit log call the client. Believing
    // X-Forwarded-For from anyone would let every client pick its own address.
    trustProxy: options.trusted_proxies.length > 0 ? options.trusted_proxies : false,
  })
  await app.register(healthRoutes, { runtime })
  await app.register(mcpRoutes, { runtime })
  const limiter = createLoginLimiter({
    db: runtime.store.db,
    clock: runtime.clock,
    failure_limit: options.login_failure_limit,
  })
  const login = createOdooLogin({ odoo: runtime.odoo, admins: runtime.approvals.deps.admins, limiter })
  const public_url = runtime.approvals.deps.public_url
  const sessions = createSessions({
    key: runtime.session_key,
    secure: public_url.startsWith('https:'),
    clock: runtime.clock,
  })
  await app.register(apiRoutes, {
    prefix: '/api',
    runtime,
    login,
    sessionActor: (request) => sessions.apiActor(request),
  })
  await app.register(consoleRoutes, { runtime, login, sessions, public_url })
  return app as unknown as FastifyInstance
}
