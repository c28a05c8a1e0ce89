/**
 * Keeps better-sqlite3's prepared statements for reuse, keyed by their SQL text, so a query the
 * process runs on every request (the bearer-token lookup, the usage count, the audit row) is parsed
 * and planned by SQLite once rather than each time: Kysely's SQLite driver asks for
 * `prepare(sql)` before every execution. Bounded (least recently used out). A statement still being
 * iterated is never handed out twice: a fresh one is prepared instead. Does not change any SQL.
 */
import type { SqliteDatabase, SqliteStatement } from 'kysely'

/** The slice of better-sqlite3's Database this needs (Kysely's own, plus the statement's `busy`). */
interface Statement extends SqliteStatement {
  readonly busy?: boolean
}

export function cachedStatements(database: SqliteDatabase, size = 200): SqliteDatabase {
  const cache = new Map<string, Statement>()
  return {
    close: () => {
      cache.clear()
      database.close()
    },
    prepare(sql) {
      const hit = cache.get(sql)
      if (hit && !hit.busy) {
        // Map order is insertion order: re-inserting marks it most recently used.
        cache.delete(sql)
        cache.set(sql, hit)
        return hit
      }
      const statement = database.prepare(sql) as Statement
      if (!hit) {
        cache.set(sql, statement)
        if (cache.size > size) cache.delete(cache.keys().next().value as string)
      }
      return statement
    },
  }
}
