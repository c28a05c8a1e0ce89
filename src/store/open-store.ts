/**
 * Opens Countersign's database from `COUNTERSIGN_DATABASE`: an embedded SQLite file (better-sqlite3,
 * WAL) or a PostgreSQL pool shared by several replicas. Fails fast with one line naming the database
 * (never its password) when it cannot be opened or reached. The SQLite file and its WAL and
 * shared-memory files are readable by their owner only (0600), like the secret file next to them.
 * Does not create tables: run `migrateToLatest` (migrate.ts) next. Does not read the environment
 * (config.ts does).
 */
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import type { StoreConfig } from '../config.js'
import type { Engine } from './engine.js'
import { withStoreErrors } from './error-wrapping-dialect.js'
import { cachedStatements } from './statement-cache.js'
import { redactDatabaseUrl, StoreError, toStoreError } from './store-error.js'
import type { Database } from './tables.js'

export interface Store {
  readonly db: Kysely<Database>
  readonly kind: Engine
  /** The database URL without its password, for messages and logs. */
  readonly label: string
  /** Closes the SQLite file or ends the pool. Safe to call twice. */
  close(): Promise<void>
}

export interface OpenStoreOptions {
  /** PostgreSQL: connections per pool (per process). Default 10. */
  pool_size?: number
  /** PostgreSQL: how long to wait for a connection before failing. Default 10 s. */
  connect_timeout_ms?: number
  /** SQLite: how long a writer waits for another process's write lock. Default 5 s. */
  busy_timeout_ms?: number
  /**
   * PostgreSQL: called when an idle pooled connection breaks (server restart, network cut). The pool
   * has already discarded it and the next query reconnects; without a listener node-postgres would
   * crash the process, so the default ignores it.
   */
  on_idle_error?: (error: StoreError) => void
  /**
   * SQLite: called for each of the database's files that other users could read and that was made
   * 0600 on opening (`previous_mode`: its permission bits before), so the caller can say so.
   */
  on_permissions_tightened?: (file: string, previous_mode: number) => void
}

export async function openStore(
  config: Pick<StoreConfig, 'database' | 'kind' | 'sqlite_path'>,
  options: OpenStoreOptions = {},
): Promise<Store> {
  return config.kind === 'sqlite'
    ? openSqlite(config.sqlite_path ?? config.database.slice('sqlite:'.length), options)
    : openPostgres(config.database, options)
}

function openSqlite(path: string, options: OpenStoreOptions): Store {
  const inMemory = path === ':memory:' || path === ''
  const label = `sqlite:${path}`
  let sqlite: SqliteDatabase.Database
  try {
    if (!inMemory) {
      mkdirSync(dirname(resolve(path)), { recursive: true })
      ownerOnly(path, options.on_permissions_tightened ?? (() => {}))
    }
    sqlite = new SqliteDatabase(path)
  } catch (error) {
    throw new StoreError('unavailable', `cannot open the SQLite database ${label}: ${messageOf(error)}`, {
      cause: error,
    })
  }
  try {
    // WAL lets readers proceed while one process writes; NORMAL sync is durable across process
    // crashes in WAL mode (only an OS crash can lose the last commits): https://sqlite.org/wal.html
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('synchronous = NORMAL')
    sqlite.pragma('foreign_keys = ON')
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busy_timeout_ms ?? 5000))}`)
  } catch (error) {
    sqlite.close()
    throw new StoreError('unavailable', `cannot use the SQLite database ${label}: ${messageOf(error)}`, {
      cause: error,
    })
  }
  const db = new Kysely<Database>({
    dialect: withStoreErrors(new SqliteDialect({ database: cachedStatements(sqlite) })),
  })
  return makeStore(db, 'sqlite', label, async () => {
    if (sqlite.open) sqlite.close()
  })
}

/**
 * The database holds encrypted Odoo keys, token hashes and every request's arguments and summary.
 * SQLite creates the file with the process's umask (0644 as a rule) and gives its -wal and -shm
 * files the database file's own mode; so the file is created 0600 before SQLite opens it, and an
 * existing file (or WAL, or shared-memory file) that group or others may read is made 0600 — a
 * database created by an earlier version was 0644. POSIX permissions only; Windows has none.
 */
function ownerOnly(path: string, tightened: (file: string, previous_mode: number) => void): void {
  if (process.platform === 'win32') return
  closeSync(openSync(path, 'a', 0o600))
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    let mode: number
    try {
      mode = statSync(file).mode & 0o777
    } catch {
      continue // no WAL or shared-memory file (yet)
    }
    if ((mode & 0o077) === 0) continue
    chmodSync(file, mode & 0o700)
    tightened(file, mode)
  }
}

async function openPostgres(url: string, options: OpenStoreOptions): Promise<Store> {
  const label = redactDatabaseUrl(url)
  const onIdleError = options.on_idle_error ?? (() => {})
  const pool = new pg.Pool({
    connectionString: url,
    max: options.pool_size ?? 10,
    connectionTimeoutMillis: options.connect_timeout_ms ?? 10_000,
    application_name: 'countersign',
  })
  pool.on('error', (error) => onIdleError(toStoreError(error, `idle connection to ${label} failed`)))
  try {
    await pool.query('select 1')
  } catch (error) {
    await pool.end().catch(() => {})
    throw new StoreError(
      'unavailable',
      `cannot reach the PostgreSQL database ${label}: ${messageOf(error)}`,
      {
        driver_code: toStoreError(error).driver_code,
        cause: error,
      },
    )
  }
  const db = new Kysely<Database>({ dialect: withStoreErrors(new PostgresDialect({ pool })) })
  return makeStore(db, 'postgres', label, async () => {
    if (!pool.ended) await pool.end()
  })
}

function makeStore(
  db: Kysely<Database>,
  kind: Engine,
  label: string,
  closeHandle: () => Promise<void>,
): Store {
  let closing: Promise<void> | null = null
  return {
    db,
    kind,
    label,
    close() {
      // Kysely's destroy() does nothing for a driver that never ran a query, and it would open the
      // handle again on the next query; so the handle is closed here too.
      closing ??= db.destroy().then(closeHandle)
      return closing
    },
  }
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  // pg's AggregateError (IPv4 + IPv6 both refused) has an empty message; its parts say why.
  if (message === '' && error instanceof AggregateError) return error.errors.map(messageOf).join('; ')
  return message.split('\n')[0] || 'unknown error'
}
