/**
 * Logging in and out of the console. Login checks the Odoo login with the password or API key
 * against Odoo afresh (web/odoo-login.ts, within the login limit of web/login-limit.ts), needs the
 * login form's CSRF token, and is audited with the client's address (success and refusal, never the
 * secret). The form also takes at most `posts_per_minute` posts a minute from one address on each
 * replica, which turns a flood away before it costs a database read. Logout ends the session
 * cookie. The login page says why a session ended (`?ended=`). Does not guard other pages (plugin.ts
 * does).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { isSessionEnd, SESSION_ENDED } from '../../domain/odoo-account.js'
import { isOdooError } from '../../odoo/errors.js'
import type { Runtime } from '../../runtime.js'
import { HttpError, loginRefused, odooUnavailable } from '../errors.js'
import type { OdooLogin } from '../odoo-login.js'
import { loginPage } from './auth-views.js'
import { sendPage } from './render.js'
import type { Sessions } from './sessions.js'

export interface AuthRoutesOptions {
  runtime: Runtime
  login: OdooLogin
  sessions: Sessions
  posts_per_minute: number
}

const loginBody = z.object({
  login: z.string().trim().min(1).max(200),
  secret: z.string().min(1).max(1000),
  next: z.string().max(2000).optional(),
  _csrf: z.string().optional(),
})

const HOME = '/approvals'
const THIS_SITE = 'http://countersign.invalid'

/**
 * Where to go after logging in: a path of this site, or the approvals list. Browsers drop tabs and
 * newlines from a URL and read `\` as `/`, so `/<tab>/host` and `/\host` are other sites to them,
 * and a control character cannot even be sent in a Location header: such values are refused, and
 * what is left is resolved against this site and kept only if it stays here (`//host` does not).
 */
export function safeNext(value: unknown): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (typeof value !== 'string' || !value.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(value))
    return HOME
  let url: URL
  try {
    url = new URL(value, THIS_SITE)
  } catch {
    return HOME
  }
  if (url.origin !== THIS_SITE) return HOME
  if (url.pathname.startsWith('/login') || url.pathname.startsWith('/logout')) return HOME
  // Serialised by URL: percent-encoded, so nothing in it can break the Location header.
  return `${url.pathname}${url.search}${url.hash}`
}

export async function authRoutes(app: FastifyInstance, options: AuthRoutesOptions): Promise<void> {
  const { runtime, sessions } = options

  app.get('/login', async (request, reply) => {
    const query = request.query as { next?: unknown; ended?: unknown }
    const next = safeNext(query.next)
    if (sessions.read(request)) return reply.redirect(next, 303)
    // Only our own words: `ended` names a reason, it never carries text into the page.
    const notice = isSessionEnd(query.ended) ? SESSION_ENDED[query.ended] : undefined
    return sendPage(reply, loginPage({ csrf: sessions.loginToken(request, reply), next, notice }))
  })

  app.post(
    '/login',
    {
      config: {
        // Per address only: the guessing limit (per login and address, across replicas) is in
        // odoo-login.ts, for every path that checks a password.
        rateLimit: {
          max: options.posts_per_minute,
          timeWindow: 60_000,
          keyGenerator: (request: FastifyRequest) => request.ip,
        },
      },
    },
    async (request, reply) => {
      sessions.verifyLoginCsrf(request)
      const parsed = loginBody.safeParse(request.body ?? {})
      const next = safeNext(parsed.success ? parsed.data.next : undefined)
      const again = (error: HttpError, login?: string) =>
        sendPage(
          reply.code(error.statusCode),
          loginPage({ csrf: sessions.loginToken(request, reply), next, login, error: error.message }),
        )
      if (!parsed.success)
        return again(new HttpError(422, 'CS_INVALID_BODY', 'Give your Odoo login and password or API key.'))
      const { login, secret } = parsed.data
      let actor: Awaited<ReturnType<OdooLogin['check']>>
      try {
        // Afresh: a password Odoo has just stopped accepting must not log in from the API's cache.
        actor = await options.login.check(login, secret, request.ip, { fresh: true })
      } catch (error) {
        if (error instanceof HttpError) {
          reply.headers(error.headers)
          return again(error, login)
        }
        request.log.warn(
          { err: isOdooError(error) ? error.message : error },
          'console login: Odoo did not answer',
        )
        return again(odooUnavailable(), login)
      }
      const at = runtime.clock()
      if (!actor) {
        await runtime.audit({
          at,
          event: 'console_login',
          outcome: 'refused',
          actor_login: login,
          detail: { client: request.ip },
        })
        return again(loginRefused(), login)
      }
      await runtime.audit({
        at,
        event: 'console_login',
        outcome: 'ok',
        actor_uid: actor.uid,
        actor_login: actor.login,
        detail: { is_admin: actor.is_admin, client: request.ip },
      })
      sessions.start(reply, actor, actor.write_date)
      return reply.redirect(next, 303)
    },
  )

  app.post('/logout', async (request, reply) => {
    const session = sessions.read(request)
    if (session) sessions.verifyCsrf(request, session)
    sessions.end(reply)
    return reply.redirect('/login', 303)
  })
}
