/**
 * Migrations on both engines: from an empty database, re-run as a no-op, several processes at once
 * (exactly one applies), a failing migration rolled back as a whole, and the same schema on both.
 */
import { type Kysely, sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { migrateToLatest } from '../../src/store/migrate.js'
import { MIGRATIONS } from '../../src/store/migrations/index.js'
import { isStoreError } from '../../src/store/store-error.js'
import {
  createTestStore,
  ENGINES,
  type Engine,
  postgresAvailable,
  type TestStore,
} from '../helpers/databases.js'
import { runWorkers } from './threads.js'

const TABLES = [
  'approval_request',
  'approval_request_preview',
  'audit_log',
  'connection',
  'login_throttle',
  'oauth_record',
  'policy_profile',
]
const ALL = Object.keys(MIGRATIONS)
const LATEST = ALL[ALL.length - 1]
const INDEXES = [
  'approval_request_approver_idx',
  'approval_request_connection_idx',
  'approval_request_pending_expiry_idx',
  'approval_request_requester_idx',
  'approval_request_running_idx',
  'approval_request_status_idx',
  'approval_request_unclaimed_idx',
  'audit_log_at_idx',
  'audit_log_connection_idx',
  'audit_log_request_idx',
  'connection_oauth_grant_idx',
  'connection_profile_idx',
  'login_throttle_window_idx',
  'oauth_record_expires_idx',
  'oauth_record_grant_idx',
  'oauth_record_uid_idx',
  'policy_profile_one_default_idx',
]

async function indexNames<DB>(db: Kysely<DB>, engine: Engine): Promise<string[]> {
  const { rows } =
    engine === 'sqlite'
      ? await sql<{
          name: string
        }>`select name from sqlite_master where type = 'index' and sql is not null`.execute(db)
      : await sql<{
          name: string
        }>`select indexname as name from pg_indexes where schemaname = 'public'`.execute(db)
  return rows.map((r) => r.name).sort()
}

async function tableNames<DB>(db: Kysely<DB>): Promise<string[]> {
  const tables = await db.introspection.getTables()
  return tables
    .map((t) => t.name)
    .filter((name) => !name.startsWith('countersign_migration'))
    .sort()
}

async function appliedNames<DB>(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from countersign_migration order by name`.execute(
    db,
  )
  return rows.map((r) => r.name)
}

for (const engine of ENGINES) {
  describe.skipIf(engine === 'postgres' && !postgresAvailable)(`${engine}: migrations`, () => {
    const cleanups: TestStore[] = []
    afterEach(async () => {
      for (const t of cleanups.splice(0).reverse()) await t.cleanup()
    })
    const fresh = async () => {
      const t = await createTestStore(engine, { migrate: false })
      cleanups.push(t)
      return t
    }

    it('migrates an empty database to the latest schema, and a re-run changes nothing', async () => {
      const { store } = await fresh()
      expect(await store.db.introspection.getTables()).toEqual([])

      const first = await migrateToLatest(store.db)
      expect(first).toEqual({ applied: ALL, latest: LATEST })
      expect(await tableNames(store.db)).toEqual(TABLES)
      expect(await indexNames(store.db, engine)).toEqual(expect.arrayContaining(INDEXES))

      const again = await migrateToLatest(store.db)
      expect(again).toEqual({ applied: [], latest: LATEST })
      expect(await appliedNames(store.db)).toEqual(ALL)
    })

    it('several migrators at once on an empty database: exactly one applies, all succeed', async () => {
      // Several rounds, each on a new empty database, because the race is only in the first run.
      const databases = await Promise.all([1, 2, 3, 4, 5].map(() => fresh()))
      // As separate processes would: separate pools on PostgreSQL; on SQLite, separate threads (one
      // thread cannot wait for a file lock that another handle of the same thread holds).
      const perRound: unknown[][] = []
      if (engine === 'postgres') {
        for (const t of databases) {
          const stores = [t.store, await t.openAnother(), await t.openAnother(), await t.openAnother()]
          perRound.push(await Promise.all(stores.map(async (s) => (await migrateToLatest(s.db)).applied)))
        }
      } else {
        const plan = databases.map((t) => ({ op: 'migrate' as const, config: t.config }))
        const byWorker = await runWorkers(databases[0]!.config, [plan, plan, plan, plan])
        perRound.push(...databases.map((_, round) => byWorker.map((results) => results[round])))
      }
      for (const [round, applied] of perRound.entries()) {
        expect(applied.filter((a) => Array.isArray(a) && a.length > 0)).toEqual([ALL])
        expect(applied.filter((a) => Array.isArray(a) && a.length === 0)).toHaveLength(3)
        expect(await appliedNames(databases[round]!.store.db)).toEqual(ALL)
      }
    })

    it('a failing migration throws one StoreError naming it and rolls the whole run back', async () => {
      const { store } = await fresh()
      const broken = {
        ...MIGRATIONS,
        '9999-broken': {
          async up(db: Kysely<unknown>) {
            await db.schema.createTable('half_done').addColumn('x', 'integer').execute()
            await sql`select * from no_such_table`.execute(db)
          },
        },
      }
      expect.assertions(5)
      try {
        await migrateToLatest(store.db, broken)
      } catch (error) {
        expect(isStoreError(error) && error.kind).toBe('migration')
        expect((error as Error).message).toMatch(/^migration 9999-broken failed: .*no_such_table/)
        expect((error as Error).message).not.toContain('\n')
      }
      // Nothing of that run stayed: not 0001's tables, not 9999's first step.
      expect(await tableNames(store.db)).toEqual([])
      // And the good migrations still apply afterwards.
      expect((await migrateToLatest(store.db)).applied).toEqual(ALL)
    })
  })
}

describe.skipIf(!postgresAvailable)('both engines: one schema', () => {
  it('has the same columns, nullability and defaults on SQLite and PostgreSQL', async () => {
    const shapes = []
    for (const engine of ENGINES) {
      const t = await createTestStore(engine)
      try {
        const tables = await t.store.db.introspection.getTables()
        shapes.push(
          tables
            .filter((table) => !table.name.startsWith('countersign_migration'))
            .map((table) => ({
              table: table.name,
              columns: table.columns.map(
                (c) => `${c.name}${c.isNullable ? '?' : ''}${c.hasDefaultValue ? '=' : ''}`,
              ),
            }))
            .sort((a, b) => a.table.localeCompare(b.table)),
        )
      } finally {
        await t.cleanup()
      }
    }
    expect(shapes[0]).toEqual(shapes[1])
  })
})
