/**
 * Odoo confirms a console session's user again, because what Odoo said at login may not hold for
 * the 8 hours a session lasts: the user may be archived, get a new password or lose their MCP
 * administrator rights. Before any request that changes something (a decision, a connection change)
 * and, for pages, once the last confirmation is older than COUNTERSIGN_SESSION_CHECK_MINUTES, the
 * service user reads the account (approvals/admins.ts) and domain/odoo-account.ts compares it with
 * the session; a change ends the session (cookie cleared, audited), a match renews `checked_at`.
 * Without a service user nothing can be read between logins, so a session then ends once that
 * interval has passed since the login. Used by the console's guard (plugin.ts) and the JSON API's
 * session path (app.ts); does not authenticate anyone (odoo-login.ts does).
 */
import type { FastifyReply } from 'fastify'
import type { AdminDirectory } from '../../approvals/admins.js'
import { accountChange, confirmationDue, type SessionEnd } from '../../domain/odoo-account.js'
import type { Logger } from '../../logger.js'
import type { NewAuditEntry } from '../../store/audit-log.js'
import { HttpError } from '../errors.js'
import type { ConsoleSession, Sessions } from './sessions.js'

export interface SessionCheckOptions {
  sessions: Sessions
  admins: AdminDirectory
  clock: () => Date
  /** COUNTERSIGN_SESSION_CHECK_MINUTES in milliseconds. */
  interval_ms: number
  audit: (entry: NewAuditEntry) => Promise<void>
  logger: Logger
}

export type Confirmation = { ok: true; session: ConsoleSession } | { ok: false; ended: SessionEnd }

export type SessionCheck = ReturnType<typeof createSessionCheck>

/** A change could not be confirmed because Odoo (or the service user) did not answer: nothing happened. */
export const rightsUnconfirmed = () =>
  new HttpError(
    503,
    'CS_ODOO_UNAVAILABLE',
    'Countersign could not confirm your Odoo user with Odoo (logged), so nothing was changed. Try again in a moment; if it lasts, an administrator should check the service user.',
  )

export function createSessionCheck(options: SessionCheckOptions) {
  const { sessions, admins, clock, interval_ms } = options

  async function end(reply: FastifyReply, session: ConsoleSession, ended: SessionEnd): Promise<Confirmation> {
    sessions.end(reply)
    await options.audit({
      at: clock(),
      event: 'console_session_ended',
      outcome: 'refused',
      actor_uid: session.actor.uid,
      actor_login: session.actor.login,
      detail: { reason: ended },
    })
    return { ok: false, ended }
  }

  return {
    /**
     * Whether `session` may go on with this request; `changing` for anything but reading. Throws
     * rightsUnconfirmed() when a change cannot be confirmed now; a page is served meanwhile (from
     * Countersign's own store) and the check is tried again at the next request.
     */
    async confirm(reply: FastifyReply, session: ConsoleSession, changing: boolean): Promise<Confirmation> {
      const now = clock().getTime()
      if (!confirmationDue(session.checked_at, now, interval_ms, changing)) return { ok: true, session }
      if (!admins.can_look_up) {
        // The login is the only confirmation there is.
        return now - session.checked_at < interval_ms
          ? { ok: true, session }
          : end(reply, session, 'unconfirmed')
      }
      let account: Awaited<ReturnType<AdminDirectory['account']>>
      try {
        account = await admins.account(session.actor.uid)
      } catch (error) {
        options.logger.warn(
          { err: error, uid: session.actor.uid },
          'could not confirm a console user with Odoo (service user)',
        )
        if (changing) throw rightsUnconfirmed()
        return { ok: true, session }
      }
      const ended = accountChange({ ...session.actor, write_date: session.write_date }, account)
      if (ended) return end(reply, session, ended)
      return { ok: true, session: sessions.confirmed(reply, session) }
    },
  }
}
