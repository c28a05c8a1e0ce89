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
  /**
   * The model or the method does not exist. Odoo words it differently per protocol: JSON-2 answers
   * 404 NotFound, `/jsonrpc` a UserError "Object x doesn't exist" or an AttributeError "The method
   * … does not exist …"; one kind, so the AI reads the same refusal on every Odoo.
   */
  | 'not_found'
  /** Arguments Odoo cannot take: an invalid field, a wrong parameter (ValueError, TypeError, HTTP 422). */
  | 'bad_request'
  /** Any other server-side exception (KeyError, a bug in a module…). */
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
  'werkzeug.exceptions.NotFound': 'not_found',
  'werkzeug.exceptions.UnprocessableEntity': 'bad_request',
  'builtins.ValueError': 'bad_request',
  'builtins.TypeError': 'bad_request',
}

/**
 * `/jsonrpc`'s words for an unknown model (odoo/service/model.py, 17 and 19) and an unknown method
 * (odoo/api.py call_kw in 17: "… on the model 'x'", service/model.py in 19: "'x.y' does not exist").
 */
const UNKNOWN_MODEL = /^Object \S+ doesn't exist$/
const UNKNOWN_METHOD = /^The method '[^']+' does not exist/

/**
 * Maps Odoo's exception name (JSON-RPC `error.data.name`, JSON-2 body `name`) and message to a kind.
 */
export function kindOfOdooError(name: string | null | undefined, message = ''): OdooErrorKind {
  if (!name) return 'server_error'
  if (name === 'odoo.exceptions.UserError' && UNKNOWN_MODEL.test(message)) return 'not_found'
  if (name === 'builtins.AttributeError' && UNKNOWN_METHOD.test(message)) return 'not_found'
  return Object.hasOwn(KIND_BY_ODOO_NAME, name) ? (KIND_BY_ODOO_NAME[name] as OdooErrorKind) : 'server_error'
}
