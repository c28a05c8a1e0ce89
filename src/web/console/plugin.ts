/**
 * The approver console at `/` (issue 5): server-rendered pages for logging in, the approvals list
 * and request page, connections and the audit log (the last two for MCP administrators only).
 * This module wires the context: cookies, form bodies, security headers with a CSP that allows no
 * inline script or style, the login form's flood guard, the static CSS/JS, the session guard (with
 * Odoo confirming the user again: session-check.ts), CSRF on every state-changing request, and one
 * error handler that renders web/errors.ts refusals as pages.
 * Does not authenticate the JSON API or MCP (siblings with their own auth); pages live in the
 * *-routes.ts modules, and authorization of each action stays with the workflow they call.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fastifyCookie from '@fastify/cookie'
import fastifyFormbody from '@fastify/formbody'
import fastifyHelmet from '@fastify/helmet'
import fastifyRateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type Provider from 'oidc-provider'
import { SESSION_ENDED } from '../../domain/odoo-account.js'
import { consentRoutes } from '../../oauth/consent-routes.js'
import type { Runtime } from '../../runtime.js'
import { HttpError, notFound, tooManyPosts, unauthenticated } from '../errors.js'
import type { LoginLimiter } from '../login-limit.js'
import type { OdooLogin } from '../odoo-login.js'
import { approvalRoutes } from './approval-routes.js'
import { auditRoutes } from './audit-routes.js'
import { authRoutes, safeNext } from './auth-routes.js'
import { errorPage } from './auth-views.js'
import { connectionRoutes } from './connection-routes.js'
import { link, type Viewer } from './layout.js'
import { profileRoutes } from './profile-routes.js'
import { sendPage } from './render.js'
import type { SessionCheck } from './session-check.js'
import type { ConsoleSession, Sessions } from './sessions.js'

export interface ConsoleOptions {
  runtime: Runtime
  login: OdooLogin
  /** The login limit, also for the Odoo passwords and keys people type to connect an AI client. */
  limiter: LoginLimiter
  sessions: Sessions
  /** Odoo confirming a session's user again (before changes, and every few minutes). */
  check: SessionCheck
  /** COUNTERSIGN_PUBLIC_URL: https turns on Secure cookies, HSTS and upgrade-insecure-requests. */
  public_url: string
  /** Login form posts per client address per minute, on each replica (a flood guard). */
  login_posts_per_minute?: number
  /** The OAuth authorization server whose sign-in and consent page lives here (oauth/consent-routes.ts). */
  provider: Provider
}

declare module 'fastify' {
  interface FastifyRequest {
    consoleSession: ConsoleSession | null
  }
}

/** Where the CSS and JS live: src/web/static, found from both src/ and dist/ (same depth). */
export const STATIC_ROOT = fileURLToPath(new URL('../../../src/web/static/', import.meta.url))

export async function consoleRoutes(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  const { sessions } = options
  const https = options.public_url.startsWith('https:')
  if (!existsSync(STATIC_ROOT)) throw new Error(`the console's static files are missing: ${STATIC_ROOT}`)

  app.decorateRequest('consoleSession', null)
  await app.register(fastifyCookie)
  await app.register(fastifyFormbody, { bodyLimit: 64 * 1024 })
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // Over plain http (a laptop, the sandbox demo) HSTS would be ignored at best; on https keep it.
    strictTransportSecurity: https ? { maxAge: 15_552_000, includeSubDomains: false } : false,
  })
  await app.register(fastifyRateLimit, {
    global: false,
    hook: 'preHandler',
    errorResponseBuilder: (_request, context) => tooManyPosts(Math.ceil(context.ttl / 1000)),
  })
  await app.register(fastifyStatic, {
    root: STATIC_ROOT,
    prefix: '/static/',
    index: false,
    maxAge: '1h',
  })

  const maybeViewer = (request: FastifyRequest): Viewer | null => {
    const session = request.consoleSession ?? sessions.read(request)
    return session && { actor: session.actor, csrf: sessions.csrfToken(session) }
  }

  app.setErrorHandler((error, request, reply) => {
    let refusal: HttpError
    if (error instanceof HttpError) refusal = error
    else {
      const status = (error as { statusCode?: number }).statusCode
      if (typeof status === 'number' && status >= 400 && status < 500) {
        // Fastify's own refusals (malformed body, wrong content type, too large) keep their 4xx.
        refusal = new HttpError(status === 400 ? 422 : status, 'CS_BAD_REQUEST', (error as Error).message)
      } else {
        request.log.error({ err: error }, 'console request failed')
        refusal = new HttpError(500, 'CS_INTERNAL', 'Countersign failed to answer (logged).')
      }
    }
    return sendPage(
      reply.code(refusal.statusCode).headers(refusal.headers),
      errorPage(maybeViewer(request), refusal),
    )
  })

  // The console sits at `/`, so Fastify sends every unmatched URL here, /api/… and /mcp/… too:
  // those get the JSON shape their clients read, everything else a page.
  app.setNotFoundHandler((request, reply) => {
    if (/^\/(api|mcp)(\/|\?|$)/.test(request.url)) return reply.code(404).send(notFound('route').body())
    return sendPage(reply.code(404), errorPage(maybeViewer(request), notFound('page')))
  })

  await app.register(authRoutes, {
    runtime: options.runtime,
    login: options.login,
    sessions,
    posts_per_minute: options.login_posts_per_minute ?? 60,
  })

  await app.register(consentRoutes, {
    runtime: options.runtime,
    provider: options.provider,
    login: options.login,
    sessions,
    public_url: options.public_url,
    posts_per_minute: options.login_posts_per_minute ?? 60,
  })

  // Everything below needs a session; every state-changing request also its CSRF token.
  await app.register(async (secured) => {
    secured.addHook('preHandler', async function requireConsoleSession(request, reply) {
      const session = sessions.read(request)
      const reading = request.method === 'GET' || request.method === 'HEAD'
      if (!session) {
        if (reading) return reply.redirect(link('/login', { next: safeNext(request.url) }), 303)
        throw unauthenticated('You are not logged in to the console (or your session ended). Log in again.')
      }
      // CSRF first: a forged request must not cost an Odoo look-up, let alone end the session.
      if (!reading) sessions.verifyCsrf(request, session)
      const confirmed = await options.check.confirm(reply, session, !reading)
      if (!confirmed.ok) {
        const next = safeNext(request.url)
        if (reading) return reply.redirect(link('/login', { next, ended: confirmed.ended }), 303)
        // Nothing was done; the page says why, for nobody: the session has just ended.
        return sendPage(reply.code(401), errorPage(null, unauthenticated(SESSION_ENDED[confirmed.ended])))
      }
      request.consoleSession = confirmed.session
    })
    await secured.register(approvalRoutes, { runtime: options.runtime, sessions })
    await secured.register(connectionRoutes, {
      runtime: options.runtime,
      sessions,
      limiter: options.limiter,
      public_url: options.public_url,
    })
    await secured.register(profileRoutes, { runtime: options.runtime, sessions })
    await secured.register(auditRoutes, { runtime: options.runtime, sessions })
  })
}
