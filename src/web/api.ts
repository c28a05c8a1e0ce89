/**
 * The JSON API under /api (PRODUCT.md "Interfaces"), used by the `approvals` CLI and scripts:
 * list, show, approve, reject. Authenticated as an Odoo user with HTTP Basic (login + password or
 * API key, checked against Odoo within the login limit; for a decision afresh, never from the
 * minute-long cache) — or by the console's session plus its CSRF token, which app.ts resolves (and
 * has Odoo confirm, console/session-check.ts) before these handlers run. Every refusal comes from
 * web/errors.ts.
 *
 * A browser may hold Basic credentials for this origin and attach them to any request, even one a
 * page of another site makes (the "ambient credentials" of issue 12). So before authenticating:
 * requests a browser marks as coming from another site or origin (`Sec-Fetch-Site`, `Origin`) are
 * refused, and a POST must carry `Content-Type: application/json`, which neither an HTML form nor
 * a `no-cors` fetch can send (and a cross-origin fetch cannot send without a CORS preflight that this
 * API never grants). Browsers also get no Basic challenge, so they never prompt for and cache an
 * Odoo password here; the CLI and scripts send Basic credentials up front and keep working.
 */
import fastifyCookie from '@fastify/cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { Actor } from '../approvals/deps.js'
import { executionBlocker } from '../approvals/execute.js'
import { reviewOf } from '../approvals/review.js'
import { describeRequest, listItem } from '../approvals/view.js'
import { APPROVAL_STATUSES } from '../domain/approval-request.js'
import type { Runtime } from '../runtime.js'
import { getConnection } from '../store/connections.js'
import {
  crossSite,
  HttpError,
  invalidBody,
  jsonRequired,
  notFound,
  refusalError,
  unauthenticated,
} from './errors.js'
import type { OdooLogin } from './odoo-login.js'
import { idParam } from './params.js'

/** How long an approve waits for the execution before answering with `running`. */
const EXECUTION_WAIT_MS = 10_000

export interface ApiOptions {
  runtime: Runtime
  login: OdooLogin
  /** Resolves a console session (cookie + CSRF) to an actor; null when there is none. */
  sessionActor?: (request: FastifyRequest, reply: FastifyReply) => Promise<Actor | null>
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null
  }
}

/**
 * Whether a browser says that a page of another origin made this request. Browsers send
 * `Sec-Fetch-Site` (same-origin, same-site, cross-site, or none for what the person typed) to
 * trustworthy origins, and `Origin` on every POST; other clients send neither. A page on another
 * port of the same host is `same-site`, not `same-origin`, and is refused too.
 */
function fromAnotherOrigin(request: FastifyRequest, public_origin: string): boolean {
  const site = request.headers['sec-fetch-site']
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true
  const origin = request.headers.origin
  if (origin === undefined) return false
  if (origin === public_origin) return false
  try {
    return new URL(origin).host !== request.host
  } catch {
    return true // `null` (a sandboxed frame, a redirect across sites) or garbage
  }
}

/**
 * Browsers identify themselves (Sec-Fetch-Site and -Dest where they send them, which Node's fetch
 * does not, and a User-Agent starting with Mozilla/ everywhere); only other clients get the Basic
 * challenge, which a browser would answer by prompting for a password and keeping it.
 */
function isBrowser(request: FastifyRequest): boolean {
  const h = request.headers
  return (
    h['sec-fetch-site'] !== undefined ||
    h['sec-fetch-dest'] !== undefined ||
    /^Mozilla\//.test(h['user-agent'] ?? '')
  )
}

export function basicCredentials(header: string | undefined): { login: string; secret: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '')
  if (!match?.[1]) return null
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon <= 0) return null
  return { login: decoded.slice(0, colon), secret: decoded.slice(colon + 1) }
}

const listQuery = z
  .object({
    status: z.enum([...APPROVAL_STATUSES, 'all']).default('all'),
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    page_size: z.coerce.number().int().min(1).max(200).default(50),
    search: z.string().max(200).optional(),
  })
  .strict()

const decisionBody = z
  .object({ note: z.string().max(4000).nullish() })
  .strict()
  .default({})

const requestQuery = z.object({ brief: z.enum(['1']).optional() }).strict()

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  throw invalidBody(
    `${what}: ${parsed.error.issues.map((i) => `${i.path.length > 0 ? z.core.toDotPath(i.path) : what}: ${i.message}`).join('; ')}`,
  )
}

export async function apiRoutes(app: FastifyInstance, options: ApiOptions): Promise<void> {
  const { runtime, login } = options
  const approvals = runtime.approvals

  const public_origin = new URL(runtime.approvals.deps.public_url).origin

  app.decorateRequest('actor', null)
  // The session path renews or clears the console's cookie when Odoo confirms or refuses the user.
  await app.register(fastifyCookie)

  // Before the body is read and before any password is checked.
  app.addHook('onRequest', async (request) => {
    if (fromAnotherOrigin(request, public_origin)) throw crossSite()
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
      if (type !== 'application/json') throw jsonRequired()
    }
  })

  app.addHook('preHandler', async (request, reply) => {
    const credentials = basicCredentials(request.headers.authorization)
    if (credentials) {
      // A decision asks Odoo afresh: the person may have been archived or lost a right a moment ago.
      const deciding = request.method !== 'GET' && request.method !== 'HEAD'
      request.actor = await login.check(credentials.login, credentials.secret, request.ip, {
        fresh: deciding,
      })
    } else if (options.sessionActor) {
      request.actor = await options.sessionActor(request, reply)
    }
    if (!request.actor) {
      if (isBrowser(request))
        throw unauthenticated(
          'You are not logged in. In a browser, log in to the console; HTTP Basic is for the CLI and scripts.',
        )
      reply.header('WWW-Authenticate', 'Basic realm="countersign", charset="UTF-8"')
      throw unauthenticated()
    }
  })

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof HttpError)
      return reply.code(error.statusCode).headers(error.headers).send(error.body())
    const status = (error as { statusCode?: number }).statusCode
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Fastify's own refusals (malformed JSON, wrong content type, body too large) keep their 4xx.
      const code = status === 400 ? 422 : status
      return reply.code(code).send(new HttpError(code, 'CS_BAD_REQUEST', (error as Error).message).body())
    }
    request.log.error({ err: error }, 'api request failed')
    return reply
      .code(500)
      .send(new HttpError(500, 'CS_INTERNAL', 'Countersign failed to answer (logged).').body())
  })

  app.get('/approvals', async (request) => {
    const query = parse(listQuery, request.query, 'query')
    const page = await approvals.list(request.actor as Actor, {
      ...(query.status !== 'all' && { status: query.status }),
      ...(query.search && { search: query.search }),
      page: query.page,
      page_size: query.page_size,
    })
    return {
      items: page.items.map(listItem),
      total: page.total,
      total_exact: page.total_exact,
      page: page.page,
      page_size: page.page_size,
    }
  })

  app.get('/approvals/:id', async (request) => {
    const { id } = parse(idParam, request.params, 'path')
    const actor = request.actor as Actor
    const found = await approvals.get(actor, id)
    if (!found) throw notFound()
    // What the console warns of above its buttons, for the CLI's approvers too.
    const { brief } = parse(requestQuery, request.query ?? {}, 'query')
    const connection = await getConnection(runtime.store.db, found.connection_id)
    const will_not_run = found.status === 'pending' ? executionBlocker(found, connection) : null
    // `brief=1`: what the console's status poll needs, without reading the records again from Odoo
    // (the drift check) every two seconds while a page stays open.
    const review = brief ? null : await reviewOf(approvals.deps, found, connection)
    // Not in describeRequest: that is also check_approval_status's answer, and the AI has no use for
    // why the service user could not reach the approver, nor for the preview it filed; the people
    // reviewing the request do.
    return {
      ...describeRequest(found, actor),
      will_not_run,
      notification_error: found.notification_error,
      ...(review && { effects: review.effects, drift: review.drift }),
    }
  })

  for (const verdict of ['approve', 'reject'] as const) {
    app.post(`/approvals/:id/${verdict}`, async (request) => {
      const { id } = parse(idParam, request.params, 'path')
      const body = parse(decisionBody, request.body ?? {}, 'body')
      const actor = request.actor as Actor
      const decided = await approvals.decide(actor, id, verdict, body.note?.trim() || null)
      if (!decided.ok) throw refusalError(decided.refusal, id)
      if (decided.execution) {
        await Promise.race([
          decided.execution,
          new Promise((resolve) => setTimeout(resolve, EXECUTION_WAIT_MS).unref()),
        ])
      }
      const current = await approvals.get(actor, id)
      return describeRequest(current ?? decided.request, actor)
    })
  }
}
