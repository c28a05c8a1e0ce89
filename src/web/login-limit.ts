/**
 * The login limit: how many wrong passwords Countersign lets anyone try before it stops asking
 * Odoo, on every path that checks a password (web/odoo-login.ts asks it first, before its cache).
 * Failures are counted in fixed windows of 15 minutes in the database, so replicas sharing one
 * PostgreSQL (or processes sharing one SQLite file) count together. Three counts, each with its
 * reason:
 * - one login from one client: `failure_limit` (COUNTERSIGN_LOGIN_FAILURE_LIMIT, default 10). The
 *   guessing limit; it cannot lock the person out anywhere else.
 * - one client, any login: 3 × that. One address cannot try a password on many logins.
 * - one login, any client: 5 × that. Guessing spread over many addresses is slowed down too.
 * A client that gave a login's right password in the last 24 hours is held to the first count only
 * for that login: neither an attack from many addresses nor colleagues mistyping behind the same
 * address can lock a person out where they usually work, and an attacker gains nothing by it
 * without the password.
 * An attempt is counted before Odoo is asked, so attempts racing on several replicas see each other;
 * a right password (or an Odoo fault) takes it back, and a right password clears that client's count
 * for the login. A refusal lasts until its window ends: nobody is locked out for longer than 15
 * minutes after the failures stop. Logins are compared normalised (Unicode NFKC, trimmed, lower
 * case), so variants of one login share their counts; clients by address (Fastify's `request.ip`,
 * which COUNTERSIGN_TRUSTED_PROXIES makes the real client behind a proxy), IPv6 by its /64.
 * Does not check passwords.
 */
import { createHash } from 'node:crypto'
import { isIPv6 } from 'node:net'
import type { Kysely } from 'kysely'
import {
  countFailure,
  pruneThrottle,
  readThrottle,
  recordSuccess,
  type ThrottleCount,
  uncountFailure,
} from '../store/login-throttle.js'
import type { Database } from '../store/tables.js'
import { tooManyAttempts } from './errors.js'

export const LOGIN_WINDOW_MS = 15 * 60_000
/** How long a right password exempts its client from the wider counts, for that login. */
const KNOWN_CLIENT_MS = 24 * 60 * 60_000
/** Stale rows are deleted at most this often per process. */
const PRUNE_EVERY_MS = 60_000

/** One login attempt of one client; each step throws a 429 HttpError when the limit is reached. */
export interface LoginAttempt {
  /** Refuses when this client may not try this login now; counts nothing (a read). */
  allowed(): Promise<void>
  /** Counts the attempt as a failure before Odoo is asked; refuses when that is over a limit. */
  count(): Promise<void>
  /** Odoo accepted the password: takes the attempt back and remembers the client. */
  succeeded(): Promise<void>
  /** Odoo could not answer (a fault, not a refusal): takes the attempt back. */
  undecided(): Promise<void>
}

export interface LoginLimiter {
  attempt(login: string, client: string): LoginAttempt
}

export function normaliseLogin(login: string): string {
  return login.normalize('NFKC').trim().toLowerCase()
}

/** The address a client is counted by: IPv4 as is (also when mapped into IPv6), IPv6 by its /64. */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)
  if (mapped?.[1]) return mapped[1]
  if (!isIPv6(address)) return address
  // Anyone holding one IPv6 address usually holds its whole /64.
  const [head = '', tail] = (address.split('%')[0] ?? '').split('::')
  const first = head === '' ? [] : head.split(':')
  const last = tail === undefined || tail === '' ? [] : tail.split(':')
  const groups = [...first, ...Array(Math.max(0, 8 - first.length - last.length)).fill('0'), ...last]
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`
}

function key(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex')
}

export function createLoginLimiter(options: {
  db: Kysely<Database>
  clock: () => Date
  failure_limit: number
  window_ms?: number
}): LoginLimiter {
  const { db, clock } = options
  const window_ms = options.window_ms ?? LOGIN_WINDOW_MS
  const limit = {
    pair: options.failure_limit,
    client: 3 * options.failure_limit,
    login: 5 * options.failure_limit,
  }
  let pruned_at = 0

  return {
    attempt(login, client) {
      const who = normaliseLogin(login)
      const where = clientKey(client)
      const keys = {
        pair: key('login+client', who, where),
        client: key('client', where),
        login: key('login', who),
      }
      const all = [keys.pair, keys.client, keys.login]
      const now = clock().getTime()
      const window = new Date(Math.floor(now / window_ms) * window_ms)

      /** Whether `extra` more failures would go over a limit. */
      const over = (counts: Map<string, ThrottleCount>, extra: number) => {
        const failures = (k: string) => (counts.get(k)?.failures ?? 0) + extra
        const success = counts.get(keys.pair)?.last_success_at?.getTime()
        const known = success !== undefined && now - success < KNOWN_CLIENT_MS
        if (failures(keys.pair) > limit.pair) return true
        return !known && (failures(keys.client) > limit.client || failures(keys.login) > limit.login)
      }
      const refusal = () => tooManyAttempts(Math.ceil((window.getTime() + window_ms - now) / 1000))

      return {
        async allowed() {
          if (over(await readThrottle(db, all, window), 1)) throw refusal()
        },
        async count() {
          const counts = await countFailure(db, all, window)
          if (now - pruned_at >= PRUNE_EVERY_MS) {
            pruned_at = now
            await pruneThrottle(db, window, new Date(now - KNOWN_CLIENT_MS))
          }
          if (over(counts, 0)) throw refusal()
        },
        async succeeded() {
          await uncountFailure(db, [keys.client, keys.login], window)
          await recordSuccess(db, keys.pair, new Date(now))
        },
        async undecided() {
          await uncountFailure(db, all, window)
        },
      }
    },
  }
}
