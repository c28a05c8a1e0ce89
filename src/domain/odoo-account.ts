/**
 * Whether a console session may go on, given what Odoo says of its user now. A console session
 * keeps no Odoo secret, so Odoo cannot check a password for it; instead the session remembers the
 * user's `write_date` at login (Odoo changes it whenever the user record is written: a new password,
 * a new login, archiving, …) and whether they were an MCP administrator. Pure: the service user reads
 * the account (approvals/admins.ts), the console ends the session on a reason (web/console/).
 */

/** A person's Odoo user as read now by the service user. */
export interface OdooAccount {
  uid: number
  login: string
  active: boolean
  /** res.users write_date, as Odoo writes it ("2026-12-02 08:15:22", to the second). */
  write_date: string
  is_admin: boolean
}

/** What a console session remembers of its user from the login. */
export interface SessionAccount {
  login: string
  is_admin: boolean
  /** res.users write_date read at login. */
  write_date: string
}

/**
 * Why a session ended: the user is `gone` (archived or deleted), their user record `changed` since
 * the login, their MCP administrator rights `rights_changed`, or, without a service user, the session
 * outlived the time it may go `unconfirmed`.
 */
export type SessionEnd = 'gone' | 'changed' | 'rights_changed' | 'unconfirmed'

export function accountChange(session: SessionAccount, account: OdooAccount | null): SessionEnd | null {
  // Archived and deleted read the same to the person: Odoo will not let them in any more.
  if (!account?.active) return 'gone'
  if (account.login !== session.login || account.write_date !== session.write_date) return 'changed'
  if (account.is_admin !== session.is_admin) return 'rights_changed'
  return null
}

/**
 * Whether Odoo must confirm the user before this request: before anything that changes something
 * (a decision, a connection change), and for pages once the last confirmation is `interval_ms` old.
 */
export function confirmationDue(
  checked_at: number,
  now: number,
  interval_ms: number,
  changing: boolean,
): boolean {
  return changing || now - checked_at >= interval_ms
}

/** What the person reads on the login page (or in the API's 401) once their session ended. */
export const SESSION_ENDED: Record<SessionEnd, string> = {
  gone: 'Your console session ended: your Odoo user is archived or was deleted.',
  changed:
    'Your console session ended: your Odoo user changed since you logged in (a new password, for example). Log in again.',
  rights_changed: 'Your console session ended: your MCP administrator rights changed in Odoo. Log in again.',
  unconfirmed:
    'Your console session ended: without a service user Countersign cannot confirm your Odoo user between logins, so sessions are short. Log in again.',
}

export function isSessionEnd(value: unknown): value is SessionEnd {
  return typeof value === 'string' && Object.hasOwn(SESSION_ENDED, value)
}
