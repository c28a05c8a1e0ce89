/**
 * Console sessions and their CSRF tokens, stateless so that any replica accepts them:
 * - the session is a cookie holding the actor (uid, login, name, is_admin), a random `sid`, an
 *   expiry, when Odoo last confirmed the user and their user's write_date at login (what
 *   session-check.ts compares), HMAC-signed with a key derived from COUNTERSIGN_SECRET
 *   (runtime.session_key); HttpOnly, SameSite=Lax, Secure (and `__Host-` named) when the public URL
 *   is https;
 * - CSRF tokens are @fastify/csrf tokens (salted, so each page gets a fresh one) over the session's
 *   `sid`, which never leaves the HttpOnly cookie; before login, over a random secret in a second
 *   signed cookie, so the login form is protected too (docs/decisions.md "Console sessions").
 * The same functions serve the console's forms and the JSON API's session path (`apiSession`).
 * Does not check credentials (odoo-login.ts does) and does not decide what a session may see.
 */
import { randomBytes } from 'node:crypto'
import { fastifyCookie } from '@fastify/cookie'
import Tokens from '@fastify/csrf'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Actor } from '../../approvals/deps.js'
import { csrfInvalid } from '../errors.js'

/** How long a login lasts at most; Odoo confirms the user again meanwhile (session-check.ts). */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000
/** How long a login form stays usable. */
const LOGIN_FORM_TTL_MS = 60 * 60 * 1000

export interface ConsoleSession {
  actor: Actor
  /** Random per login; the CSRF secret of this session. */
  sid: string
  /** Milliseconds since the epoch. */
  expires_at: number
  /** When Odoo last confirmed the user (the login, or a later check), in milliseconds since the epoch. */
  checked_at: number
  /** The user's res.users write_date at login: a later one means their Odoo user changed. */
  write_date: string
}

export interface SessionsOptions {
  key: Buffer
  /** True when the console is served over https (COUNTERSIGN_PUBLIC_URL). */
  secure: boolean
  clock: () => Date
  ttl_ms?: number
}

export type Sessions = ReturnType<typeof createSessions>

const CSRF_HEADER = 'x-csrf-token'

export function createSessions(options: SessionsOptions) {
  const signer = fastifyCookie.signerFactory(options.key)
  const tokens = Tokens()
  const ttl = options.ttl_ms ?? SESSION_TTL_MS
  // __Host- cookies must be Secure, path=/ and host-only: a sibling subdomain cannot plant one.
  const prefix = options.secure ? '__Host-' : ''
  const names = { session: `${prefix}countersign_session`, login: `${prefix}countersign_login` }
  const cookieBase = { path: '/', httpOnly: true, sameSite: 'lax', secure: options.secure } as const

  function cookies(request: FastifyRequest): Record<string, string> {
    const header = request.headers.cookie
    return header ? fastifyCookie.parse(header) : {}
  }

  function unsigned(value: string | undefined): string | null {
    if (!value) return null
    const result = signer.unsign(value)
    return result.valid && result.value !== null ? result.value : null
  }

  function read(request: FastifyRequest): ConsoleSession | null {
    const payload = unsigned(cookies(request)[names.session])
    if (!payload) return null
    let parsed: unknown
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    } catch {
      return null
    }
    const s = parsed as Partial<ConsoleSession> & { actor?: Partial<Actor> }
    const a = s.actor
    // A cookie without checked_at or write_date comes from before sessions were confirmed: log in again.
    if (
      typeof s.sid !== 'string' ||
      typeof s.expires_at !== 'number' ||
      typeof s.checked_at !== 'number' ||
      typeof s.write_date !== 'string' ||
      !a ||
      typeof a.uid !== 'number' ||
      typeof a.login !== 'string' ||
      typeof a.name !== 'string' ||
      typeof a.is_admin !== 'boolean'
    )
      return null
    if (s.expires_at <= options.clock().getTime()) return null
    return {
      sid: s.sid,
      expires_at: s.expires_at,
      checked_at: s.checked_at,
      write_date: s.write_date,
      actor: { uid: a.uid, login: a.login, name: a.name, is_admin: a.is_admin },
    }
  }

  function write(reply: FastifyReply, session: ConsoleSession): void {
    const payload = Buffer.from(JSON.stringify(session), 'utf8').toString('base64url')
    const left = Math.max(0, Math.floor((session.expires_at - options.clock().getTime()) / 1000))
    reply.setCookie(names.session, signer.sign(payload), { ...cookieBase, maxAge: left })
  }

  /** The token to put in every form (`_csrf`) and in the page for scripts (`x-csrf-token`). */
  function csrfToken(session: ConsoleSession): string {
    return tokens.create(session.sid)
  }

  function tokenOf(request: FastifyRequest): string | undefined {
    const body = request.body as { _csrf?: unknown } | undefined
    if (body && typeof body._csrf === 'string') return body._csrf
    const header = request.headers[CSRF_HEADER]
    return typeof header === 'string' ? header : undefined
  }

  /** Throws 403 unless the request carries a valid token of this session. */
  function verifyCsrf(request: FastifyRequest, session: ConsoleSession): void {
    const token = tokenOf(request)
    if (!token || !tokens.verify(session.sid, token)) throw csrfInvalid()
  }

  return {
    names,
    read,
    csrfToken,
    verifyCsrf,

    /**
     * Starts a session for `actor`, whom Odoo has just confirmed, with their user's `write_date`:
     * sets the cookie and drops the login form's cookie.
     */
    start(reply: FastifyReply, actor: Actor, write_date = ''): ConsoleSession {
      const now = options.clock().getTime()
      const session: ConsoleSession = {
        actor: { uid: actor.uid, login: actor.login, name: actor.name, is_admin: actor.is_admin },
        sid: randomBytes(18).toString('base64url'),
        expires_at: now + ttl,
        checked_at: now,
        write_date,
      }
      write(reply, session)
      reply.clearCookie(names.login, cookieBase)
      return session
    },

    /** Odoo confirmed the user again: the same session (sid, CSRF tokens, expiry), checked now. */
    confirmed(reply: FastifyReply, session: ConsoleSession): ConsoleSession {
      const again = { ...session, checked_at: options.clock().getTime() }
      write(reply, again)
      return again
    },

    end(reply: FastifyReply): void {
      reply.clearCookie(names.session, cookieBase)
    },

    /** A CSRF token for the login form, setting its secret cookie when there is none yet. */
    loginToken(request: FastifyRequest, reply: FastifyReply): string {
      let secret = unsigned(cookies(request)[names.login])
      if (!secret) {
        secret = randomBytes(18).toString('base64url')
        reply.setCookie(names.login, signer.sign(secret), {
          ...cookieBase,
          maxAge: Math.floor(LOGIN_FORM_TTL_MS / 1000),
        })
      }
      return tokens.create(secret)
    },

    verifyLoginCsrf(request: FastifyRequest): void {
      const secret = unsigned(cookies(request)[names.login])
      const token = tokenOf(request)
      if (!secret || !token || !tokens.verify(secret, token)) throw csrfInvalid()
    },

    /**
     * The JSON API's session path: null without a (valid, unexpired) session, so the API answers
     * 401; with one, the request must carry its CSRF token in `x-csrf-token`, on reads too (the
     * console's script sends it always), or it is refused with 403. Odoo's confirmation of the user
     * is session-check.ts's business, after this.
     */
    apiSession(request: FastifyRequest): ConsoleSession | null {
      const session = read(request)
      if (!session) return null
      verifyCsrf(request, session)
      return session
    },
  }
}
