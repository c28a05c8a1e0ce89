/**
 * Opening the database on both engines: SQLite's settings, folder creation and file permissions
 * (owner only), one-line errors that name the database without its password, driver errors wrapped
 * as StoreError.
 */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/open-store.js'
import { isStoreError, redactDatabaseUrl, StoreError } from '../../src/store/store-error.js'
import { describeEachEngine, POSTGRES_URL, postgresAvailable } from '../helpers/databases.js'

async function openError(config: Parameters<typeof openStore>[0]): Promise<StoreError> {
  try {
    const store = await openStore(config, { connect_timeout_ms: 3000 })
    await store.close()
  } catch (error) {
    if (isStoreError(error)) return error
    throw error
  }
  throw new Error('expected the store not to open')
}

describe('sqlite: opening', () => {
  const folder = mkdtempSync(join(tmpdir(), 'countersign-open-'))
  afterAll(() => rmSync(folder, { recursive: true, force: true }))

  it('creates the folder and sets WAL, foreign keys, busy timeout and NORMAL sync', async () => {
    const path = join(folder, 'a', 'b', 'countersign.db')
    const store = await openStore({ database: `sqlite:${path}`, kind: 'sqlite', sqlite_path: path })
    const pragma = async (name: string) =>
      Object.values((await sql.raw(`pragma ${name}`).execute(store.db)).rows[0] as Record<string, unknown>)[0]
    expect(await pragma('journal_mode')).toBe('wal')
    expect(await pragma('foreign_keys')).toBe(1)
    expect(await pragma('busy_timeout')).toBe(5000)
    expect(await pragma('synchronous')).toBe(1) // NORMAL
    expect(store).toMatchObject({ kind: 'sqlite', label: `sqlite:${path}` })
    await store.close()
    await store.close() // twice is fine
  })

  const modeOf = (file: string) => statSync(file).mode & 0o777
  const sqliteFiles = (path: string) => [path, `${path}-wal`, `${path}-shm`]

  it.skipIf(process.platform === 'win32')(
    'creates the database, its WAL and shared-memory files readable by the owner only',
    async () => {
      // The usual umask, with which SQLite on its own creates all three 0644.
      const umask = process.umask(0o022)
      try {
        const path = join(folder, 'private', 'countersign.db')
        const tightened: unknown[] = []
        const store = await openStore(
          { database: `sqlite:${path}`, kind: 'sqlite', sqlite_path: path },
          { on_permissions_tightened: (...args) => tightened.push(args) },
        )
        await sql`create table t (x integer)`.execute(store.db)
        await sql`insert into t values (1)`.execute(store.db)
        expect(sqliteFiles(path).map(modeOf)).toEqual([0o600, 0o600, 0o600])
        expect(tightened).toEqual([])
        await store.close()
      } finally {
        process.umask(umask)
      }
    },
  )

  it.skipIf(process.platform === 'win32')(
    'makes an existing database that others could read 0600, WAL and shared-memory files too, and says so',
    async () => {
      // As an earlier version left it: created by SQLite alone, all 0644, the WAL kept by an open handle.
      const path = join(folder, 'older.db')
      const older = new SqliteDatabase(path)
      older.pragma('journal_mode = WAL')
      older.exec('create table t (x integer); insert into t values (1)')
      for (const file of sqliteFiles(path)) chmodSync(file, 0o644)
      const tightened: Array<[string, number]> = []
      const store = await openStore(
        { database: `sqlite:${path}`, kind: 'sqlite', sqlite_path: path },
        { on_permissions_tightened: (file, mode) => tightened.push([file, mode]) },
      )
      expect(sqliteFiles(path).map(modeOf)).toEqual([0o600, 0o600, 0o600])
      expect(tightened).toEqual(sqliteFiles(path).map((file) => [file, 0o644]))
      expect((await sql<{ x: number }>`select x from t`.execute(store.db)).rows).toEqual([{ x: 1 }])
      await store.close()
      older.close()
      // Once private, opening it again changes and reports nothing.
      const again = await openStore(
        { database: `sqlite:${path}`, kind: 'sqlite', sqlite_path: path },
        { on_permissions_tightened: (file, mode) => tightened.push([file, mode]) },
      )
      await again.close()
      expect(tightened).toHaveLength(3)
    },
  )

  it('a file that cannot be opened gives one line naming it', async () => {
    const blocker = join(folder, 'not-a-folder')
    writeFileSync(blocker, 'x')
    const path = join(blocker, 'countersign.db')
    const error = await openError({ database: `sqlite:${path}`, kind: 'sqlite', sqlite_path: path })
    expect(error.kind).toBe('unavailable')
    expect(error.message).toMatch(new RegExp(`^cannot open the SQLite database sqlite:${path}: `))
    expect(error.message).not.toContain('\n')
  })

  it('a file that is not a database gives one line too', async () => {
    const path = join(folder, 'garbage.db')
    writeFileSync(path, 'this is not a SQLite database, just text long enough to have a header'.repeat(20))
    const error = await openError({ database: `sqlite:${path}`, kind: 'sqlite', sqlite_path: path })
    expect(error.kind).toBe('unavailable')
    expect(error.message).toContain(`sqlite:${path}`)
    expect(error.message).not.toContain('\n')
  })
})

describe('postgres: opening', () => {
  it('an unreachable server gives one line with the URL but not the password', async () => {
    const url = 'postgres://countersign:hunter2-s3cret@127.0.0.1:1/countersign'
    const error = await openError({ database: url, kind: 'postgres', sqlite_path: null })
    expect(error.kind).toBe('unavailable')
    expect(error.message).toMatch(
      /^cannot reach the PostgreSQL database postgres:\/\/countersign@127\.0\.0\.1:1\/countersign: /,
    )
    expect(error.message).toContain('ECONNREFUSED')
    expect(error.message).not.toContain('hunter2')
    expect(error.message).not.toContain('\n')
  })

  it('redacts passwords in URLs and their query strings', () => {
    expect(redactDatabaseUrl('postgres://u:p%40ss@h:5432/d?sslmode=require&password=x')).toBe(
      'postgres://u@h:5432/d?sslmode=require&password=%E2%80%A6',
    )
    expect(redactDatabaseUrl('postgresql://u@h/d')).toBe('postgresql://u@h/d')
    expect(redactDatabaseUrl('sqlite:./data/countersign.db')).toBe('sqlite:./data/countersign.db')
  })
})

describe.skipIf(!postgresAvailable)('postgres: opening a database that does not exist', () => {
  it('a database that does not exist is named in one line', async () => {
    const url = new URL(POSTGRES_URL)
    url.pathname = '/countersign_no_such_database'
    const error = await openError({ database: url.toString(), kind: 'postgres', sqlite_path: null })
    expect(error).toMatchObject({ kind: 'unavailable', driver_code: '3D000' })
    expect(error.message).toContain('countersign_no_such_database')
  })
})

describeEachEngine('opening', (_engine, t) => {
  it('close releases the file handle or pool even when the store never ran a query', async () => {
    // Kysely alone skips destroying a driver it never initialised, then opens it on the next query.
    for (const use of [false, true]) {
      const other = await t.openAnother()
      if (use) await sql`select 1`.execute(other.db)
      await other.close()
      await expect(sql`select 1`.execute(other.db)).rejects.toThrow()
    }
  })

  it('driver errors come out as StoreError with the cause kept', async () => {
    const error = await sql`select * from no_such_table`.execute(t.store.db).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreError)
    expect(error).toMatchObject({
      kind: 'failed',
      message: expect.stringMatching(/^database query failed: .*no_such_table/),
    })
    expect((error as StoreError).cause).toBeInstanceOf(Error)
  })

  it('a failed transaction rolls back and reports a StoreError', async () => {
    const result = await t.store.db
      .transaction()
      .execute(async (trx) => {
        await sql`create table scratch (x integer)`.execute(trx)
        await sql`insert into scratch values (1)`.execute(trx)
        await sql`select * from no_such_table`.execute(trx)
      })
      .catch((e: unknown) => e)
    expect(result).toBeInstanceOf(StoreError)
    const tables = (await t.store.db.introspection.getTables()).map((table) => table.name)
    expect(tables).not.toContain('scratch')
  })
})
