/**
 * The two database engines Countersign runs on, and how to tell which one a Kysely handle talks to
 * (for the few statements that must differ, such as PostgreSQL's `FOR UPDATE SKIP LOCKED`).
 */
import { type Kysely, PostgresAdapter } from 'kysely'

export type Engine = 'sqlite' | 'postgres'

/** Read from the dialect the handle was built with; works for transactions and single connections too. */
export function engineOf<DB>(db: Kysely<DB>): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite'
}
