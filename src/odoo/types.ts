/**
 * The Odoo client interface: one shape over JSON-RPC (`/jsonrpc`, Odoo 8-19) and JSON-2
 * (`/json/2/<model>/<method>`, Odoo 19+). Everything above `odoo/` talks to this, never to a protocol.
 * Does not cache credentials or decide who may call what: Odoo does that for the user whose
 * credentials a session carries.
 */

/** A person's Odoo credentials: login plus password or API key (an API key works wherever a password does). */
export interface OdooCredentials {
  login: string
  secret: string
}

export interface OdooVersion {
  server_version: string
  /** e.g. [17, 0, 0, 'final', 0, ''] */
  server_version_info: unknown[]
  /** The major version as a number (17 for "17.0", 19 for "saas~18.4" is 18): used for API differences. */
  major: number
}

/**
 * How to pass a method's parameters. `ids` is the recordset the method runs on (omit for
 * `@api.model` methods). Prefer `kwargs`: JSON-2 accepts only named parameters, so positional `args`
 * beyond `ids` work over JSON-RPC only (JSON-2 refuses them with a clear error).
 */
export interface CallParams {
  ids?: number[]
  args?: unknown[]
  kwargs?: Record<string, unknown>
  context?: Record<string, unknown>
  /** Overrides the client's default per-call timeout. */
  timeout_ms?: number
}

/** One Odoo user's authenticated handle; every call runs with that user's rights. */
export interface OdooSession {
  readonly uid: number
  readonly login: string
  call<T = unknown>(model: string, method: string, params?: CallParams): Promise<T>
}

export interface OdooClient {
  readonly url: string
  readonly db: string
  readonly protocol: 'jsonrpc' | 'json2'
  /** Odoo's version (no credentials needed); cached after the first answer. */
  version(): Promise<OdooVersion>
  /** Asks Odoo for its version now, never from the cache: whether Odoo answers at this moment. */
  ping(): Promise<void>
  /** Checks the credentials against Odoo; throws OdooError('authentication_failed') when wrong. */
  authenticate(credentials: OdooCredentials): Promise<OdooSession>
  /**
   * Checks a person's login with their password or an Odoo API key — the console, the JSON API and
   * the CLI accept either — and runs `use` with a session reading as them. Over JSON-RPC that is
   * `authenticate`. JSON-2 takes API keys only, so there a password is checked by Odoo's own web
   * login, read through that web session, and logged out when `use` is done.
   */
  withLogin<T>(credentials: OdooCredentials, use: (session: OdooSession) => Promise<T>): Promise<T>
  /** A session for credentials already checked, whose uid is known: no round trip. */
  session(credentials: OdooCredentials & { uid: number }): OdooSession
  /** Closes pooled keep-alive connections. */
  close(): Promise<void>
}
