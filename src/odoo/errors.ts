/**
 * Typed errors of the Odoo client. One class, discriminated by `kind`, carrying Odoo's own message
 * and exception name. Does not decide HTTP statuses or wording for the AI: each edge maps `kind`
 * itself (mcp/tool-errors.ts, web/errors.ts).
 */

export type OdooErrorKind =
  /** odoo.exceptions.AccessError: access rights or record rules refused the operation. */
  | 'access_denied'
  /** odoo.exceptions.UserError (and RedirectWarning): a business rule, e.g. "cancel the order first". */
  | 'user_error'
  /** odoo.exceptions.ValidationError: a constraint on the values. */
  | 'validation_error'
  /** odoo.exceptions.MissingError: the record does not exist (any more). */
  | 'missing_record'
  /** Wrong login, password or API key (authenticate returned false, AccessDenied, HTTP 401). */
  | 'authentication_failed'
  /** Could not reach Odoo, or it answered with something that is not its API (e.g. an HTML page). */
  | 'network'
  /** No answer within the per-call timeout. */
  | 'timeout'
  /** Any other server-side exception (ValueError, KeyError, a bug in a module…). */
  | 'server_error'

export class OdooError extends Error {
  override name = 'OdooError'
  readonly kind: OdooErrorKind
  /** Odoo's fully qualified exception name, e.g. `odoo.exceptions.AccessError`, when Odoo sent one. */
  readonly odoo_name: string | null
  /**
   * For 'network' and 'timeout': whether the request had been sent in full before it failed, so Odoo
   * (or a proxy in front of it) may have acted on it. False only when the call never left this process
   * whole: connection refused, unknown host, TLS failure.
   */
  readonly request_sent: boolean

  constructor(
    kind: OdooErrorKind,
    message: string,
    options: { odoo_name?: string | null; cause?: unknown; request_sent?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.kind = kind
    this.odoo_name = options.odoo_name ?? null
    this.request_sent = options.request_sent ?? true
  }
}

export function isOdooError(error: unknown): error is OdooError {
  return error instanceof OdooError
}

const KIND_BY_ODOO_NAME: Record<string, OdooErrorKind> = {
  'odoo.exceptions.AccessError': 'access_denied',
  'odoo.exceptions.AccessDenied': 'authentication_failed',
  'odoo.exceptions.UserError': 'user_error',
  'odoo.exceptions.RedirectWarning': 'user_error',
  'odoo.exceptions.ValidationError': 'validation_error',
  'odoo.exceptions.MissingError': 'missing_record',
  'werkzeug.exceptions.Unauthorized': 'authentication_failed',
}

/** Maps Odoo's exception name (JSON-RPC `error.data.name`, JSON-2 body `name`) to a kind. */
export function kindOfOdooName(name: string | null | undefined): OdooErrorKind {
  if (!name) return 'server_error'
  return KIND_BY_ODOO_NAME[name] ?? 'server_error'
}
