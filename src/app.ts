/**
 * Builds the HTTP application (never listens: commands/serve.ts does, tests use port 0). Health,
 * MCP, the JSON API and the console are sibling plugins, each with its own authentication; the
 * JSON API and the console share one login check and its limit. Every JSON body, whichever plugin
 * it is for, goes through one parser that bounds its nesting.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import { revokeForEndedGrant } from './connections/manage.js'
import { nestedDeeperThan } from './domain/json-depth.js'
import { SESSION_ENDED } from './domain/odoo-account.js'
import { mcpRoutes } from './mcp/http.js'
import { createOAuthProvider } from './oauth/provider.js'
import { oauthRoutes } from './oauth/routes.js'
import type { Runtime } from './runtime.js'
import { apiRoutes } from './web/api.js'
import { consoleRoutes } from './web/console/plugin.js'
import { createSessionCheck } from './web/console/session-check.js'
import { createSessions } from './web/console/sessions.js'
import { unauthenticated } from './web/errors.js'
import { healthRoutes } from './web/health.js'
import { createLoginLimiter } from './web/login-limit.js'
import { createOdooLogin } from './web/odoo-login.js'

/**
 * The deepest nesting a JSON body may have. Countersign's own bodies, and every MCP message a
 * client has reason to send, stay within a dozen levels; past a few thousand, the MCP SDK,
 * canonical JSON and JSON.stringify overflow the call stack, which answered 500 instead of a refusal.
 */
export const MAX_JSON_BODY_DEPTH = 100

/**
 * The size a JSON body may have outside /mcp (which sets its own, larger limit): a decision with
 * its note, a console form. The console's url-encoded forms have the same limit (web/console/plugin.ts).
 */
export const MAX_BODY_BYTES = 64 * 1024

/** A body nested deeper than MAX_JSON_BODY_DEPTH: a 400, worded by each plugin's error handler. */
class JsonTooDeepError extends Error {
  override name = 'JsonTooDeepError'
  readonly statusCode = 400
  readonly code = 'CS_JSON_TOO_DEEP'
  constructor() {
    super(`the JSON body is nested deeper than ${MAX_JSON_BODY_DEPTH} levels`)
  }
}

export interface AppOptions {
  /** COUNTERSIGN_TRUSTED_PROXIES: whose X-Forwarded-For names the client; empty: nobody's. */
  trusted_proxies: string[]
  /** COUNTERSIGN_LOGIN_FAILURE_LIMIT (web/login-limit.ts). */
  login_failure_limit: number
  /** COUNTERSIGN_OAUTH_REGISTRATIONS_PER_HOUR: dynamic client registrations per address (oauth/routes.ts). */
  oauth_registrations_per_hour: number
  /** COUNTERSIGN_OAUTH_DEV_HTTP_CLIENT_IDS: client metadata documents over http on a loopback host. */
  oauth_dev_http_client_ids: boolean
}

export async function buildApp(runtime: Runtime, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: runtime.logger as FastifyBaseLogger,
    // One log line per request would drown the audit-worthy lines; the audit log records calls.
    logController: new LogController({ disableRequestLogging: true }),
    // `request.ip` is what the login limit and the audit log call the client. Believing
    // X-Forwarded-For from anyone would let every client pick its own address.
    trustProxy: options.trusted_proxies.length > 0 ? options.trusted_proxies : false,
    bodyLimit: MAX_BODY_BYTES,
  })
  // Fastify's own JSON parser (with its prototype-poisoning guard), then the depth bound; added
  // before the plugins are registered, so each of them inherits it.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parseJson(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) done(error, undefined)
      else if (nestedDeeperThan(value, MAX_JSON_BODY_DEPTH)) done(new JsonTooDeepError(), undefined)
      else done(null, value)
    })
  })
  const public_url = runtime.approvals.deps.public_url
  const provider = await createOAuthProvider({
    db: runtime.store.db,
    secrets: runtime.secrets,
    session_key: runtime.session_key,
    public_url,
    logger: runtime.logger,
    clock: runtime.clock,
    dev_http_client_ids: options.oauth_dev_http_client_ids,
    grant_revoked: (grant_id) => revokeForEndedGrant(runtime.approvals.deps, grant_id),
  })
  await app.register(healthRoutes, { runtime })
  await app.register(mcpRoutes, { runtime, provider })
  await app.register(oauthRoutes, {
    provider,
    public_url,
    registrations_per_hour: options.oauth_registrations_per_hour,
  })
  const limiter = createLoginLimiter({
    db: runtime.store.db,
    clock: runtime.clock,
    failure_limit: options.login_failure_limit,
  })
  const login = createOdooLogin({ odoo: runtime.odoo, admins: runtime.approvals.deps.admins, limiter })
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
  await app.register(consoleRoutes, { runtime, login, limiter, sessions, check, public_url, provider })
  return app as unknown as FastifyInstance
}
