/**
 * Odoo 17's web sessions, as far as the Odoo client depends on them (odoo/http.py
 * `_get_session_and_dbname`, `_save_session`, `FilesystemSessionStore.rotate`; addons/web
 * `ensure_db`, `/web/session/logout`), for a server with one database and no dbfilter:
 *
 * - A request without a cookie, or with one Odoo has no saved session for, gets a new session
 *   bound to the only database but not saved; an answer that did not save it still sets its cookie.
 * - `GET /web?db=<db>` and `GET /web/login?db=<db>` (ensure_db): a db other than the session's makes
 *   a new session bound to it, saved, with a 302 to the same URL; otherwise `/web` answers 303 to
 *   `/web/login` (no user) and `/web/login` a page, neither saving anything.
 * - `GET /web/session/logout`: the session loses its user, keeps its database, gets a new id (the
 *   old one deleted) and is saved; 303 to `/web`.
 * - `/jsonrpc` never saves a session or sets a cookie (`save_session=False`); its cookie only decides
 *   whether Odoo must list its databases first, which is what the counters record.
 *
 * Forgetting every saved session stands for Odoo's session garbage collector or a wiped session
 * store: Odoo does not tell the client, calls just go back to listing databases.
 */
import { randomBytes } from 'node:crypto'
import type { RequestSession } from './env.js'

/** Odoo 17's werkzeug session ids: 40 hex digits. */
const SESSION_ID = /^[a-f0-9]{40}$/
const SESSION_LIFETIME_S = 60 * 60 * 24 * 7

interface SessionData {
  db: string | null
  uid: number | null
  /** `request.session['identity-check-last']`, seconds since the epoch (0: never). */
  identity_check_last?: number
}

export interface WebAnswer {
  status: number
  headers: Record<string, string>
  body: string
}

export interface SessionCounts {
  /** Sessions saved now. */
  saved: number
  /** /jsonrpc requests by the session they carried: saved and bound to this database, anything else, no cookie. */
  jsonrpc: { bound: number; unbound: number; none: number }
  /** /jsonrpc requests whose cookie this sandbox never set (a client sending another server's cookie). */
  foreign: number
}

export class WebSessions {
  private readonly saved = new Map<string, SessionData>()
  /** Every id this sandbox ever put in a Set-Cookie. */
  private readonly issued = new Set<string>()
  private counts = { bound: 0, unbound: 0, none: 0, foreign: 0 }

  constructor(private readonly db: string) {}

  /** GET /web and GET /web/login. */
  webClient(path: '/web' | '/web/login', query: URLSearchParams, cookie: string | null): WebAnswer {
    const session = this.open(cookie)
    const db = query.get('db')?.trim()
    if (db && db !== session.data.db) {
      // ensure_db: "always switch the session to the computed db" in a new session, then redirect.
      const sid = this.save(newId(), { db, uid: null })
      return this.answer(302, { location: `${path}?${query}` }, '', sid)
    }
    if (path === '/web') {
      return this.answer(
        303,
        { location: `/web/login?${query}` },
        '',
        cookie === session.sid ? null : session.sid,
      )
    }
    return this.answer(
      200,
      { 'content-type': 'text/html; charset=utf-8' },
      LOGIN_PAGE,
      cookie === session.sid ? null : session.sid,
    )
  }

  /** GET /web/session/logout: logout(keep_db=True), then the rotation that saves it. */
  logout(cookie: string | null): WebAnswer {
    const { sid, data } = this.open(cookie)
    this.saved.delete(sid)
    // Odoo drops a database it cannot open from the session before dispatching (_serve_db).
    const db = data.db === this.db ? data.db : null
    const rotated = this.save(newId(), { db, uid: null })
    return this.answer(303, { location: '/web' }, '', rotated)
  }

  /** `/web/session/authenticate` accepted `uid`'s password: a new session with that user, saved. */
  loggedIn(uid: number): { sid: string; setCookie: string } {
    const sid = this.save(newId(), { db: this.db, uid })
    return { sid, setCookie: this.answer(200, {}, '', sid).headers['set-cookie'] as string }
  }

  /** The user of the saved session a cookie names (`/web/dataset/call_kw`), or null. */
  userOf(cookie: string | null): number | null {
    return cookie === null ? null : (this.saved.get(cookie)?.uid ?? null)
  }

  /** The session a cookie names as `request.session` for a call (env.ts), or null when none is saved. */
  requestSession(cookie: string | null): RequestSession | null {
    const data = cookie === null ? undefined : this.saved.get(cookie)
    if (!data) return null
    return {
      get identity_check_last() {
        return data.identity_check_last ?? 0
      },
      set identity_check_last(value: number) {
        data.identity_check_last = value
      },
    }
  }

  /** `/web/session/destroy`. */
  destroy(cookie: string | null): void {
    if (cookie !== null) this.saved.delete(cookie)
  }

  /** A /jsonrpc request arrived with this cookie. */
  jsonrpc(cookie: string | null): void {
    if (cookie === null) this.counts.none++
    else if (this.saved.get(cookie)?.db === this.db) this.counts.bound++
    else this.counts.unbound++
    if (cookie !== null && !this.issued.has(cookie)) this.counts.foreign++
  }

  forget(): void {
    this.saved.clear()
  }

  snapshot(): SessionCounts {
    const { bound, unbound, none, foreign } = this.counts
    return { saved: this.saved.size, jsonrpc: { bound, unbound, none }, foreign }
  }

  /** The request's session: the saved one its cookie names, or a new unsaved one on the only database. */
  private open(cookie: string | null): { sid: string; data: SessionData } {
    const known = cookie !== null ? this.saved.get(cookie) : undefined
    if (cookie !== null && known) return { sid: cookie, data: { ...known } }
    // An unknown but well-formed id is kept ("in case the session was not persisted").
    const sid = cookie !== null && SESSION_ID.test(cookie) ? cookie : newId()
    return { sid, data: { db: this.db, uid: null } }
  }

  private save(sid: string, data: SessionData): string {
    this.saved.set(sid, data)
    return sid
  }

  private answer(
    status: number,
    headers: Record<string, string>,
    body: string,
    setSid: string | null,
  ): WebAnswer {
    if (setSid !== null) {
      this.issued.add(setSid)
      const expires = new Date(Date.now() + SESSION_LIFETIME_S * 1000).toUTCString()
      headers['set-cookie'] =
        `session_id=${setSid}; Expires=${expires}; Max-Age=${SESSION_LIFETIME_S}; HttpOnly; Path=/`
    }
    return { status, headers, body }
  }
}

function newId(): string {
  return randomBytes(20).toString('hex')
}

/** The sandbox has no web client; the login page only has to be a page. */
const LOGIN_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Odoo</title></head><body>Sandbox Odoo: no web client.</body></html>\n'

/** The `session_id` cookie of a request, if any. */
export function sessionCookie(header: string | undefined): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === 'session_id') return part.slice(eq + 1).trim()
  }
  return null
}
