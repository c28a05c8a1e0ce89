/**
 * Checks an Odoo login + password (or API key) against Odoo and turns it into an Actor (uid, name,
 * whether an MCP administrator), remembering a success for a short while so an API client or a
 * console page does not cost an Odoo round trip per request. Failures are never remembered, and a
 * `fresh` check (a decision, a console login) asks Odoo again whatever is remembered: an archived
 * user, a changed password or lost administrator rights count at once there. Secrets are kept only
 * as a SHA-256 inside the cache key. Every check passes the login limit (login-limit.ts) first,
 * before the cache: a remembered success is no way around it.
 */
import { createHash } from 'node:crypto'
import type { AdminDirectory } from '../approvals/admins.js'
import type { Actor } from '../approvals/deps.js'
import { isOdooError } from '../odoo/errors.js'
import type { OdooClient } from '../odoo/types.js'
import type { LoginLimiter } from './login-limit.js'

/** An actor as Odoo just confirmed them, with their user's write_date (console sessions compare it). */
export interface CheckedActor extends Actor {
  write_date: string
}

export interface OdooLogin {
  /**
   * The actor, or null when Odoo refuses the credentials. `client` is the address the attempt came
   * from (`request.ip`). Throws a 429 HttpError when the login limit is reached; network faults throw.
   */
  check(
    login: string,
    secret: string,
    client: string,
    options?: { fresh?: boolean },
  ): Promise<CheckedActor | null>
}

export function createOdooLogin(options: {
  odoo: OdooClient
  admins: AdminDirectory
  limiter: LoginLimiter
  ttl_ms?: number
  now?: () => number
}): OdooLogin {
  const ttl = options.ttl_ms ?? 60_000
  const now = options.now ?? Date.now
  const cache = new Map<string, { actor: CheckedActor; at: number }>()

  return {
    async check(login, secret, client, { fresh = false } = {}) {
      const attempt = options.limiter.attempt(login, client)
      await attempt.allowed()
      const key = createHash('sha256').update(`${login}\u0000${secret}`).digest('hex')
      const hit = cache.get(key)
      if (!fresh && hit && now() - hit.at < ttl) return hit.actor
      await attempt.count()
      let actor: CheckedActor
      try {
        actor = await options.odoo.withLogin({ login, secret }, async (session) => {
          const [user] = await session.call<Array<{ name: string; write_date: string }>>(
            'res.users',
            'read',
            {
              ids: [session.uid],
              kwargs: { fields: ['name', 'write_date'] },
            },
          )
          return {
            uid: session.uid,
            login,
            name: user?.name ?? login,
            is_admin: await options.admins.isAdmin(session, { fresh }),
            write_date: user?.write_date ?? '',
          }
        })
      } catch (error) {
        if (isOdooError(error) && error.kind === 'authentication_failed') {
          // What Odoo refuses now must not keep working from the cache for reads either.
          cache.delete(key)
          return null
        }
        await attempt.undecided()
        throw error
      }
      await attempt.succeeded()
      if (cache.size > 10_000) cache.clear()
      cache.set(key, { actor, at: now() })
      return actor
    },
  }
}
