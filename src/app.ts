/**
 * Builds the HTTP application (never listens: commands/serve.ts does, tests use port 0). Health,
 * MCP, the JSON API and the console are sibling plugins, each with its own authentication.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { mcpRoutes } from './mcp/http.js'
import type { Runtime } from './runtime.js'
import { apiRoutes } from './web/api.js'
import { healthRoutes } from './web/health.js'
import { createOdooLogin } from './web/odoo-login.js'

export async function buildApp(runtime: Runtime): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: runtime.logger as FastifyBaseLogger,
    disableRequestLogging: true,
    trustProxy: false,
  })
  await app.register(healthRoutes, { runtime })
  await app.register(mcpRoutes, { runtime })
  const login = createOdooLogin({ odoo: runtime.odoo, admins: runtime.approvals.deps.admins })
  await app.register(apiRoutes, { prefix: '/api', runtime, login })
  return app as unknown as FastifyInstance
}
