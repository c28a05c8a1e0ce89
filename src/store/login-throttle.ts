/**
 * Queries of `login_throttle` (migration 0005): the wrong-password counts behind the login limit.
 * Counting is one atomic statement per attempt, so attempts racing on several replicas each see a
 * count that includes the others. Does not decide what is counted or what the limits are
 * (web/login-limit.ts does); keys arrive already hashed.
 */
import { type Kysely, sql } from 'kysely'
import { engineOf } from './engine.js'
import type { Database } from './tables.js'
import { iso, toDateOrNull } from './values.js'

export interface ThrottleCount {
  key: string
  /** Failures counted in the given window (0 when the row belongs to an older one). */
  failures: number
  last_success_at: Date | null
}

function counts(
  rows: Array<{ key: string; window_start: string; failures: number; last_success_at: string | null }>,
  window_start: string,
): Map<string, ThrottleCount> {
  return new Map(
    rows.map((row) => [
      row.key,
      {
        key: row.key,
        failures: row.window_start === window_start ? Number(row.failures) : 0,
        last_success_at: toDateOrNull(row.last_success_at),
      },
    ]),
  )
}

/** The current counts of `keys` in the window starting at `window`; keys never counted are absent. */
export async function readThrottle(
  db: Kysely<Database>,
  keys: string[],
  window: Date,
): Promise<Map<string, ThrottleCount>> {
  const rows = await db
    .selectFrom('login_throttle')
    .select(['key', 'window_start', 'failures', 'last_success_at'])
    .where('key', 'in', keys)
    .execute()
  return counts(rows, iso(window))
}

/**
 * Adds one failure to each of `keys` in the window starting at `window` (a row of an older window
 * starts again at 1) and returns the counts including it.
 */
export async function countFailure(
  db: Kysely<Database>,
  keys: string[],
  window: Date,
): Promise<Map<string, ThrottleCount>> {
  const window_start = iso(window)
  const rows = await db
    .insertInto('login_throttle')
    // In key order: attempts racing on shared keys then lock their rows in the same order, never in a cycle.
    .values([...keys].sort().map((key) => ({ key, window_start, failures: 1, last_success_at: null })))
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet({
        failures: sql<number>`case when login_throttle.window_start = excluded.window_start then login_throttle.failures + 1 else 1 end`,
        window_start: sql<string>`excluded.window_start`,
      }),
    )
    .returning(['key', 'window_start', 'failures', 'last_success_at'])
    .execute()
  return counts(rows, window_start)
}

/**
 * Takes back one failure counted by `countFailure` in that window (never below 0). One row per
 * statement: an UPDATE of several rows locks them in whatever order it scans them, which against a
 * concurrent `countFailure` deadlocked on PostgreSQL (a 500 in the two-replica race test).
 */
export async function uncountFailure(db: Kysely<Database>, keys: string[], window: Date): Promise<void> {
  for (const key of [...keys].sort()) {
    await db
      .updateTable('login_throttle')
      .set({ failures: sql<number>`failures - 1` })
      .where('key', '=', key)
      .where('window_start', '=', iso(window))
      .where('failures', '>', 0)
      .execute()
  }
}

/** Clears the failures of `key` and records that the password was right at `at`. */
export async function recordSuccess(db: Kysely<Database>, key: string, at: Date): Promise<void> {
  await db
    .updateTable('login_throttle')
    .set({ failures: 0, last_success_at: iso(at) })
    .where('key', '=', key)
    .execute()
}

/**
 * Deletes rows whose window started before `window_before` and that hold no success since
 * `success_before`. On PostgreSQL it skips rows an attempt holds right now (they are in use, so not
 * stale, and waiting for them while holding others could deadlock); SQLite has one writer at a time.
 */
export async function pruneThrottle(
  db: Kysely<Database>,
  window_before: Date,
  success_before: Date,
): Promise<void> {
  const stale = db
    .selectFrom('login_throttle')
    .select('key')
    .where('window_start', '<', iso(window_before))
    .where((eb) =>
      eb.or([eb('last_success_at', 'is', null), eb('last_success_at', '<', iso(success_before))]),
    )
  await db
    .deleteFrom('login_throttle')
    .where('key', 'in', engineOf(db) === 'postgres' ? stale.forUpdate().skipLocked() : stale)
    .execute()
}
