/**
 * The SQLite statement cache (src/store/statement-cache.ts): one prepare per SQL text, a statement
 * still being iterated is never handed out twice, the oldest falls out past the bound, and closing
 * closes the database. Against a real better-sqlite3 database in memory.
 */
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { cachedStatements } from '../../src/store/statement-cache.js'

function counted() {
  const sqlite = new Database(':memory:')
  sqlite.exec('create table t (x integer)')
  sqlite.exec('insert into t values (1), (2), (3)')
  const prepared: string[] = []
  const database = {
    prepare(sql: string) {
      prepared.push(sql)
      return sqlite.prepare(sql)
    },
    close: () => sqlite.close(),
  }
  return { sqlite, prepared, database }
}

describe('statement cache', () => {
  it('prepares each SQL text once and hands the same statement out again', () => {
    const { prepared, database } = counted()
    const cache = cachedStatements(database)
    const a = cache.prepare('select x from t order by x')
    const b = cache.prepare('select x from t order by x')
    expect(b).toBe(a)
    expect(b.all([])).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }])
    cache.prepare('select count(*) as n from t')
    expect(prepared).toEqual(['select x from t order by x', 'select count(*) as n from t'])
    cache.close()
  })

  it('gives a fresh statement while the cached one is still being iterated', () => {
    const { prepared, database } = counted()
    const cache = cachedStatements(database)
    const sql = 'select x from t order by x'
    const iterating = cache.prepare(sql).iterate([])
    expect(iterating.next().value).toEqual({ x: 1 })
    const other = cache.prepare(sql)
    expect(other.all([])).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }])
    expect(iterating.next().value).toEqual({ x: 2 })
    iterating.return?.()
    expect(prepared).toEqual([sql, sql])
    // Done iterating: the cached one is handed out again.
    expect(cache.prepare(sql).all([])).toHaveLength(3)
    expect(prepared).toHaveLength(2)
    cache.close()
  })

  it('keeps at most `size` statements, dropping the least recently used', () => {
    const { prepared, database } = counted()
    const cache = cachedStatements(database, 2)
    cache.prepare('select 1')
    cache.prepare('select 2')
    cache.prepare('select 1') // now the most recent
    cache.prepare('select 3') // drops 'select 2'
    cache.prepare('select 1')
    cache.prepare('select 2')
    expect(prepared).toEqual(['select 1', 'select 2', 'select 3', 'select 2'])
    cache.close()
  })

  it('closes the database', () => {
    const { sqlite, database } = counted()
    cachedStatements(database).close()
    expect(sqlite.open).toBe(false)
  })
})
