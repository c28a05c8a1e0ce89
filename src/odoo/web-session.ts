/**
 * An anonymous Odoo web session bound to the database, sent as the `session_id` cookie with every
 * `/jsonrpc` call. Odoo 17 and 19 (odoo/http.py `_get_session_and_dbname`) list their databases on
 * every request whose session names no database; a request whose session is bound to the database
 * skips that (real Odoo 17, 20-row search_read: 13.6 → 7.7 ms). The session has no user: the uid and
 * secret in each call's arguments still authenticate the call, and the cookie grants nothing.
 *
 * Obtained with two GETs that carry no credentials:
 *  1. `GET /web?db=<db>`: Odoo's `ensure_db` binds the session to the database and saves it when
 *     the server serves several databases. With one database (or a dbfilter that leaves one) it
 *     answers a cookie for a session it never saves, which alone would change nothing.
 *  2. `GET /web/session/logout` with that cookie: Odoo logs the session out keeping its database,
 *     rotates it (a new id, the old one deleted) and saves it. Logging out is what guarantees the
 *     session has no user, whatever happened to it before.
 * A renewal sends the current cookie, so Odoo deletes the session it replaces.
 *
 * Odoo never says that it dropped a session: an unknown one is replaced by an empty one for that
 * request, which then pays the database listing again and still answers correctly. A `/jsonrpc`
 * call never saves, rotates or touches the session (`save_session=False` on the route in 17 and
 * 19), so Odoo's session garbage collector deletes it once `sessions.max_inactivity_seconds`
 * (default 7 days) have passed since it was made, however often it is used. So the session is
 * renewed every RENEW_AFTER_MS, after a call failed on the network (Odoo may have restarted with an
 * empty session store), and when an answer sets another session_id (dropped, never adopted).
 *
 * A call never waits for the cookie: it goes with the one there is, or none. The first calls of a
 * client go without while one fetch, shared by all of them, runs in the background; a fetch that
 * fails or hangs leaves calls cookie-less (correct, only slower) and is tried again RETRY_AFTER_MS
 * later. One instance per client, so per Odoo URL and database; the cookie is sent only to that
 * origin and never appears in an error or a log line.
 */
import { performance } from 'node:perf_hooks'
import type { HttpPoster } from './http-post.js'

/** Well inside Odoo's shortest sensible `sessions.max_inactivity_seconds`; a renewal is two small GETs. */
const RENEW_AFTER_MS = 15 * 60 * 1000
const RETRY_AFTER_MS = 60 * 1000
/** A fetch runs in the background; it should not hold a socket, or a CLI's exit, for a whole call timeout. */
const FETCH_TIMEOUT_MS = 10 * 1000

/** Odoo 8-17 use 40 hex digits, 19 uses 84 URL-safe base64 characters; anything else is not taken. */
const SESSION_ID = /^[A-Za-z0-9_-]{16,256}$/

export interface WebSessionOptions {
  url: string
  db: string
  http: HttpPoster
  timeout_ms: number
  /** For tests: renew this soon instead of every 15 minutes. */
  renew_after_ms?: number
  /** For tests: try again this soon after a failed fetch instead of after a minute. */
  retry_after_ms?: number
}

export interface WebSession {
  /** The session id to send with the next call, or null; starts a fetch or renewal when one is due. */
  current(): string | null
  /** An answer to a call that carried `sent` came back with these Set-Cookie headers. */
  answered(sent: string | null, setCookie: readonly string[]): void
  /** A call could not reach Odoo: it may come back with an empty session store. */
  unreachable(): void
  /** No fetch starts after this. */
  close(): void
}

export function createWebSession(options: WebSessionOptions): WebSession {
  const renewAfter = options.renew_after_ms ?? RENEW_AFTER_MS
  const retryAfter = options.retry_after_ms ?? RETRY_AFTER_MS
  const timeout = Math.min(options.timeout_ms, FETCH_TIMEOUT_MS)
  let id: string | null = null
  let obtainedAt = Number.NEGATIVE_INFINITY
  let failedAt = Number.NEGATIVE_INFINITY
  let fetching = false
  let closed = false

  function get(path: string, sid: string | null) {
    return options.http.request(
      'GET',
      new URL(path, `${options.url}/`),
      null,
      sid ? { Cookie: `session_id=${sid}` } : {},
      timeout,
      // Neither GET changes anything a second copy could harm; resending one a dead pooled socket ate is fine.
      { read_only: true },
    )
  }

  async function obtain(previous: string | null): Promise<string> {
    const bind = await get(`/web?db=${encodeURIComponent(options.db)}`, previous)
    if (bind.status >= 400) throw new Error(`GET /web answered HTTP ${bind.status}`)
    const bound = sessionIdIn(bind.setCookie) ?? previous
    const logout = await get('/web/session/logout', bound)
    if (logout.status >= 400) throw new Error(`GET /web/session/logout answered HTTP ${logout.status}`)
    const fresh = sessionIdIn(logout.setCookie)
    if (!fresh) throw new Error('GET /web/session/logout set no session cookie')
    return fresh
  }

  function start(): void {
    fetching = true
    obtain(id).then(
      (fresh) => {
        id = fresh
        obtainedAt = performance.now()
        fetching = false
      },
      () => {
        // Keep the current cookie, if any: at worst Odoo has forgotten it and the call is as slow as one without.
        failedAt = performance.now()
        fetching = false
      },
    )
  }

  return {
    current() {
      // A monotonic clock: a wall clock set back would postpone renewals by as much.
      const now = performance.now()
      if (!closed && !fetching && now - obtainedAt >= renewAfter && now - failedAt >= retryAfter) start()
      return id
    },
    answered(sent, setCookie) {
      if (sent === null || sent !== id) return
      const named = setCookie.some((line) => cookieName(line) === 'session_id')
      if (named && sessionIdIn(setCookie) !== sent) {
        id = null
        obtainedAt = Number.NEGATIVE_INFINITY
      }
    },
    unreachable() {
      obtainedAt = Number.NEGATIVE_INFINITY
    },
    close() {
      closed = true
    },
  }
}

function cookieName(line: string): string {
  const eq = line.indexOf('=')
  return eq < 0 ? '' : line.slice(0, eq).trim()
}

/** The `session_id` value among Set-Cookie header lines, if it is one Odoo would make. */
function sessionIdIn(setCookie: readonly string[]): string | null {
  for (const line of setCookie) {
    if (cookieName(line) !== 'session_id') continue
    const value = (line.split(';')[0] ?? '').slice(line.indexOf('=') + 1).trim()
    return SESSION_ID.test(value) ? value : null
  }
  return null
}
