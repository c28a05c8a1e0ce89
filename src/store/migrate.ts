/**
 * Brings the schema up to date with Kysely's Migrator over the static list in migrations/index.ts.
 * Safe to run from several processes at once: the whole run holds one exclusive lock (PostgreSQL: a
 * session advisory lock, plus Kysely's own; SQLite: `BEGIN IMMEDIATE`), so a latecomer waits and
 * then finds nothing to do. Each run is atomic: PostgreSQL and SQLite both have transactional DDL,
 * so when one migration fails the whole run is rolled back and the schema stays as it was before
 * the run. Never migrates down.
 */
import { type Kysely, type MigrationResult, Migrator, sql } from 'kysely'
import { type Engine, engineOf } from './engine.js'
import { type EngineMigration, MIGRATIONS } from './migrations/index.js'
import { StoreError } from './store-error.js'
import type { Database } from './tables.js'

export interface MigrateOutcome {
  /** Migrations applied by this run, in order (empty when the schema was already current). */
  applied: string[]
  /** The newest migration the schema now has. */
  latest: string | null
}

// Any fixed 64-bit number unlikely to collide with another application's advisory locks.
const PG_MIGRATION_LOCK = sql.lit(BigInt('7212389462187341811'))

/**
 * Applies every pending migration; throws one StoreError('migration') naming the one that failed.
 * Give it the store's handle, not a transaction: it takes a connection and its own lock.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  migrations: Readonly<Record<string, EngineMigration>> = MIGRATIONS,
): Promise<MigrateOutcome> {
  const engine = engineOf(db)
  return db.connection().execute(async (conn) => {
    if (engine === 'postgres') {
      await sql`select pg_advisory_lock(${PG_MIGRATION_LOCK})`.execute(conn)
      try {
        return await runMigrator(conn, engine, migrations)
      } finally {
        await sql`select pg_advisory_unlock(${PG_MIGRATION_LOCK})`.execute(conn)
      }
    }
    // Kysely runs SQLite migrations outside any transaction and without a lock (it assumes one
    // connection per file); an IMMEDIATE transaction makes the run atomic and excludes other processes.
    await sql`begin immediate`.execute(conn)
    try {
      const outcome = await runMigrator(conn, engine, migrations)
      await sql`commit`.execute(conn)
      return outcome
    } catch (error) {
      await sql`rollback`.execute(conn)
      throw error
    }
  })
}

async function runMigrator(
  db: Kysely<Database>,
  engine: Engine,
  migrations: Readonly<Record<string, EngineMigration>>,
): Promise<MigrateOutcome> {
  const migrator = new Migrator({
    db,
    migrationTableName: 'countersign_migration',
    migrationLockTableName: 'countersign_migration_lock',
    provider: {
      getMigrations: async () =>
        Object.fromEntries(
          Object.entries(migrations).map(([name, m]) => [
            name,
            {
              up: (db: Kysely<unknown>) => m.up(db, engine),
              ...(m.down ? { down: (db: Kysely<unknown>) => m.down!(db, engine) } : {}),
            },
          ]),
        ),
    },
  })
  const { error, results = [] } = await migrator.migrateToLatest()
  if (error !== undefined) throw migrationError(error, results)
  const executed = await migrator.getMigrations()
  const latest = executed.filter((m) => m.executedAt !== undefined).at(-1)?.name ?? null
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName), latest }
}

function migrationError(error: unknown, results: MigrationResult[]): StoreError {
  const failed = results.find((r) => r.status === 'Error')?.migrationName
  const reason = error instanceof Error ? error.message : String(error)
  const where = failed ? `migration ${failed} failed` : 'migrating the database failed'
  return new StoreError('migration', `${where}: ${reason}`, { cause: error })
}
