/**
 * Real databases for tests, on both engines. Use `describeEachEngine` to run a block of tests once on
 * SQLite and once on PostgreSQL, each against a fresh, migrated database of its own:
 *
 * ```ts
 * describeEachEngine('connections', (engine, t) => {
 *   it('round-trips', async () => {
 *     const db = t.store.db // opened and migrated in beforeAll, closed and dropped in afterAll
 *   })
 * })
 * ```
 *
 * Or call `createTestStore(engine)` yourself and `await cleanup()` when done.
 * SQLite: a new file in a new temporary folder. PostgreSQL: `DATABASE_URL` (default
 * `postgres://postgres@127.0.0.1:5432/postgres`) is used only to CREATE a uniquely named database,
 * which is dropped again at the end. When PostgreSQL does not answer, its half is skipped with a
 * loud message; with `CI=true` the test file fails instead. Does not seed rows or start servers.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe } from 'vitest'
import type { StoreConfig } from '../../src/config.js'
import type { Engine } from '../../src/store/engine.js'
import { migrateToLatest } from '../../src/store/migrate.js'
import { type OpenStoreOptions, openStore, type Store } from '../../src/store/open-store.js'

export type { Engine }
export const ENGINES: readonly Engine[] = ['sqlite', 'postgres']

/** The server used to create and drop test databases (never itself written to). */
export const POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'

/** A fixed COUNTERSIGN_SECRET for tests (config demands at least 32 characters). */
export const TEST_SECRET = 'countersign-test-secret-0123456789abcdef'

export interface TestStore {
  /** Opened, and migrated unless `{ migrate: false }` was asked. */
  store: Store
  /** What `readStoreConfig` would return for this database (with TEST_SECRET). */
  config: StoreConfig
  /**
   * Opens another, independent store on the same database (its own pool or file handle), closed by
   * `cleanup`. On PostgreSQL two pools race for real. On SQLite both handles share this thread
   * (better-sqlite3 is synchronous): a transaction left open on one blocks the other's writes for
   * the 5 s busy timeout; for real SQLite races use worker threads (see test/store/threads.ts).
   */
  openAnother(options?: OpenStoreOptions): Promise<Store>
  /** Closes every store opened here, then deletes the file or drops the database. */
  cleanup(): Promise<void>
}

/** Whether PostgreSQL answered, probed once per test file. */
export const postgresAvailable: boolean = await probePostgres()

export async function createTestStore(
  engine: Engine,
  options: { migrate?: boolean } = {},
): Promise<TestStore> {
  const made = engine === 'sqlite' ? makeSqliteDatabase() : await makePostgresDatabase()
  const opened: Store[] = []
  const openAnother = async (storeOptions?: OpenStoreOptions) => {
    const store = await openStore(made.config, storeOptions)
    opened.push(store)
    return store
  }
  try {
    const store = await openAnother()
    if (options.migrate !== false) await migrateToLatest(store.db)
    return {
      store,
      config: made.config,
      openAnother,
      async cleanup() {
        await Promise.all(opened.map((s) => s.close()))
        await made.drop()
      },
    }
  } catch (error) {
    await Promise.all(opened.map((s) => s.close()))
    await made.drop()
    throw error
  }
}

export interface EngineContext {
  /** The store of this engine's block; available inside tests and hooks, not while collecting. */
  readonly store: Store
  readonly config: StoreConfig
  openAnother(options?: OpenStoreOptions): Promise<Store>
}

/** `describe(`${engine}: ${name}`)` once per engine, with a fresh migrated database for the block. */
export function describeEachEngine(name: string, body: (engine: Engine, t: EngineContext) => void): void {
  for (const engine of ENGINES) {
    describe.skipIf(engine === 'postgres' && !postgresAvailable)(`${engine}: ${name}`, () => {
      let current: TestStore | undefined
      const get = () => {
        if (!current) throw new Error('the test store is opened in beforeAll: use it inside a test or hook')
        return current
      }
      beforeAll(async () => {
        current = await createTestStore(engine)
      })
      afterAll(async () => {
        await current?.cleanup()
      })
      body(engine, {
        get store() {
          return get().store
        },
        get config() {
          return get().config
        },
        openAnother: (options) => get().openAnother(options),
      })
    })
  }
}

function makeSqliteDatabase(): { config: StoreConfig; drop(): Promise<void> } {
  const folder = mkdtempSync(join(tmpdir(), 'countersign-test-'))
  const path = join(folder, 'countersign.db')
  return {
    config: { database: `sqlite:${path}`, kind: 'sqlite', sqlite_path: path, secret: TEST_SECRET },
    drop: async () => rmSync(folder, { recursive: true, force: true }),
  }
}

async function makePostgresDatabase(): Promise<{ config: StoreConfig; drop(): Promise<void> }> {
  const name = `countersign_test_${process.pid}_${randomBytes(4).toString('hex')}`
  await adminQuery(`create database ${name}`)
  const url = new URL(POSTGRES_URL)
  url.pathname = `/${name}`
  return {
    config: { database: url.toString(), kind: 'postgres', sqlite_path: null, secret: TEST_SECRET },
    // FORCE (PostgreSQL 13+) ends connections a failed test left open, so the drop never hangs.
    drop: () => adminQuery(`drop database if exists ${name} with (force)`),
  }
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

async function probePostgres(): Promise<boolean> {
  try {
    await adminQuery('select 1')
    return true
  } catch (error) {
    const why = error instanceof Error ? error.message || error.name : String(error)
    const shown = POSTGRES_URL.replace(/:[^:@/]*@/, '@')
    if (process.env.CI === 'true')
      throw new Error(`PostgreSQL at ${shown} is not reachable (${why}); in CI the PostgreSQL tests must run`)
    console.warn(
      `\n!!! PostgreSQL at ${shown} is not reachable (${why}): SKIPPING the PostgreSQL half of the store tests.\n` +
        '!!! Start it (e.g. `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`) or set DATABASE_URL.\n',
    )
    return false
  }
}
