/**
 * The one error type the store throws. Driver errors (better-sqlite3, pg) are wrapped here with the
 * original kept as `cause`, so callers can tell "the database is down" from "a constraint refused
 * the row" without knowing either driver. Messages never carry query parameters, tokens or
 * passwords: only the engine's own message (which names constraints, not values) and a database
 * URL with its password removed. Does not decide HTTP statuses or retry anything.
 */

export type StoreErrorKind =
  /** The database could not be opened or reached (file not writable, server down, wrong password). */
  | 'unavailable'
  /** SQLite stayed locked by another process for longer than `busy_timeout`. */
  | 'busy'
  /** A UNIQUE, FOREIGN KEY, CHECK or NOT NULL constraint refused the write. */
  | 'constraint'
  /** Applying migrations failed; the schema is left at the last migration that succeeded. */
  | 'migration'
  /** A stored value could not be read back (e.g. a secret that does not decrypt with this key). */
  | 'corrupt'
  /** Anything else the driver reported. */
  | 'failed'

export class StoreError extends Error {
  override name = 'StoreError'
  readonly kind: StoreErrorKind
  /** The driver's error code when it gave one: `SQLITE_CONSTRAINT_UNIQUE`, PostgreSQL's `23505`… */
  readonly driver_code: string | null

  constructor(
    kind: StoreErrorKind,
    message: string,
    options: { driver_code?: string | null; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.kind = kind
    this.driver_code = options.driver_code ?? null
  }
}

export function isStoreError(error: unknown): error is StoreError {
  return error instanceof StoreError
}

/** `postgres://user:secret@host/db` → `postgres://user@host/db`; `sqlite:` URLs pass through. */
export function redactDatabaseUrl(database: string): string {
  if (!/^postgres(ql)?:\/\//.test(database)) return database
  try {
    const url = new URL(database)
    url.password = ''
    for (const name of [...url.searchParams.keys()]) {
      if (/pass|secret|key/i.test(name)) url.searchParams.set(name, '…')
    }
    return url.toString()
  } catch {
    // Not parseable as a URL: drop anything between `:` and `@` in the authority, by hand.
    return database.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@]*@/, '$1@')
  }
}

// PostgreSQL SQLSTATE classes: https://www.postgresql.org/docs/current/errcodes-appendix.html
const PG_UNAVAILABLE = /^(08|28|3D|53|57P0)/ // connection, auth, unknown database, resources, shutdown
const NODE_NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
])

/** Wraps any driver error; a StoreError passes through unchanged. */
export function toStoreError(error: unknown, context = 'database query failed'): StoreError {
  if (error instanceof StoreError) return error
  const code = driverCode(error)
  const detail = error instanceof Error ? error.message : String(error)
  return new StoreError(kindOfDriverCode(code, detail), `${context}: ${detail}`, {
    driver_code: code,
    cause: error,
  })
}

function driverCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null
  const code = (error as { code: unknown }).code
  return typeof code === 'string' ? code : null
}

function kindOfDriverCode(code: string | null, message: string): StoreErrorKind {
  if (code === null) {
    // pg reports a dropped or timed-out connection as a plain Error without a code.
    return /connection terminated|timeout exceeded when trying to connect/i.test(message)
      ? 'unavailable'
      : 'failed'
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy'
  if (code.startsWith('SQLITE_CONSTRAINT') || code.startsWith('23')) return 'constraint'
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_NOTADB')
    return 'unavailable'
  if (NODE_NET_CODES.has(code) || PG_UNAVAILABLE.test(code)) return 'unavailable'
  return 'failed'
}
