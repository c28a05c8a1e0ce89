/**
 * `connection.approval_effects` on both engines (migration 0007, issue 11): a database with
 * connections from before the migration gets the column with `[]` for each of them (nothing more
 * gated than before); the field round-trips through insert, read and patch; a stored kind this
 * version does not know is a corrupt row, not a quietly smaller list; an unknown kind is never written.
 */
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import type { EffectKind } from '../../src/domain/effects/effect.js'
import {
  getConnection,
  insertConnection,
  listConnections,
  updateConnectionPolicy,
} from '../../src/store/connections.js'
import { migrateToLatest } from '../../src/store/migrate.js'
import { MIGRATIONS } from '../../src/store/migrations/index.js'
import { isStoreError } from '../../src/store/store-error.js'
import {
  createTestStore,
  describeEachEngine,
  ENGINES,
  postgresAvailable,
  type TestStore,
} from '../helpers/databases.js'
import { hoursAfter, newConnectionInput, T0 } from './fixtures.js'

const BEFORE_0007 = Object.fromEntries(
  Object.entries(MIGRATIONS).filter(([name]) => name < '0007-approval-effects'),
)

for (const engine of ENGINES) {
  describe.skipIf(engine === 'postgres' && !postgresAvailable)(
    `${engine}: migration 0007-approval-effects`,
    () => {
      const cleanups: TestStore[] = []
      afterEach(async () => {
        for (const t of cleanups.splice(0).reverse()) await t.cleanup()
      })

      it('adds approval_effects as [] to the connections already there, and as the default for new rows', async () => {
        const t = await createTestStore(engine, { migrate: false })
        cleanups.push(t)
        const db = t.store.db
        expect(Object.keys(MIGRATIONS)).toContain('0007-approval-effects')
        await migrateToLatest(db, BEFORE_0007)
        // 1. A connection as the previous version wrote it (no such column yet).
        await sql`insert into connection (name, odoo_uid, odoo_login, odoo_user_name, token_hash, token_prefix,
        odoo_secret_enc, write_access, allowed_tools, approval_tools, approval_expiry_hours, created_at, updated_at)
        values ('old', 6, 'demo', 'Marc Demo', 'hash-old', 'csk_old', 'v1:x', 1, '[]', '["delete_record"]', 4,
        ${T0.toISOString()}, ${T0.toISOString()})`.execute(db)
        const columns = async () =>
          (await db.introspection.getTables())
            .find((table) => table.name === 'connection')
            ?.columns.map((c) => c.name) ?? []
        expect(await columns()).not.toContain('approval_effects')

        // 2. The upgrade applies 0007 (and whatever came after it).
        const upgraded = await migrateToLatest(db)
        expect(upgraded.applied[0]).toBe('0007-approval-effects')
        expect(upgraded.latest).toBe(Object.keys(MIGRATIONS).at(-1))
        const column = (await db.introspection.getTables())
          .find((table) => table.name === 'connection')
          ?.columns.find((c) => c.name === 'approval_effects')
        expect(column).toMatchObject({ isNullable: false, hasDefaultValue: true })

        // 3. The old connection gates what it gated before, and nothing more.
        const [old] = await listConnections(db)
        expect(old).toMatchObject({ name: 'old', approval_tools: ['delete_record'], approval_effects: [] })
        // 4. A row written without the column (as a replica still on the previous version would) gets it too.
        await sql`insert into connection (name, odoo_uid, odoo_login, odoo_user_name, token_hash, token_prefix,
          odoo_secret_enc, approval_expiry_hours, created_at, updated_at)
          values ('older replica', 6, 'demo', 'Marc Demo', 'hash-replica', 'csk_rep', 'v1:x', 4,
          ${T0.toISOString()}, ${T0.toISOString()})`.execute(db)
        const { rows } = await sql<{
          name: string
          approval_effects: string
        }>`select name, approval_effects from connection order by connection_id`.execute(db)
        expect(rows).toEqual([
          { name: 'old', approval_effects: '[]' },
          { name: 'older replica', approval_effects: '[]' },
        ])
      })
    },
  )
}

describeEachEngine('connection approval_effects', (_engine, t) => {
  it('round-trips through insert, read, list and a patch that names it; other patches leave it', async () => {
    const created = await insertConnection(
      t.store.db,
      newConnectionInput({ approval_effects: ['delete', 'archive', 'state', 'send', 'call'] }),
      T0,
    )
    expect(created.approval_effects).toEqual(['delete', 'archive', 'state', 'send', 'call'])
    expect((await getConnection(t.store.db, created.connection_id))?.approval_effects).toEqual([
      'delete',
      'archive',
      'state',
      'send',
      'call',
    ])
    const listed = (await listConnections(t.store.db)).find((c) => c.connection_id === created.connection_id)
    expect(listed?.approval_effects).toEqual(['delete', 'archive', 'state', 'send', 'call'])

    const later = hoursAfter(T0, 1)
    const patched = await updateConnectionPolicy(
      t.store.db,
      created.connection_id,
      { approval_effects: ['create', 'write'] },
      later,
    )
    expect(patched).toEqual({ ...created, approval_effects: ['create', 'write'], updated_at: later })
    const renamed = await updateConnectionPolicy(
      t.store.db,
      created.connection_id,
      { name: 'renamed' },
      later,
    )
    expect(renamed?.approval_effects).toEqual(['create', 'write'])
    const cleared = await updateConnectionPolicy(
      t.store.db,
      created.connection_id,
      { approval_effects: [] },
      later,
    )
    expect(cleared?.approval_effects).toEqual([])
    expect((await getConnection(t.store.db, created.connection_id))?.approval_effects).toEqual([])
  })

  it('a stored kind this version does not know, or a value that is no list, reads as a corrupt row', async () => {
    for (const [stored, message] of [
      ['["delete","explode"]', /connection\.approval_effects holds unknown effect kinds: \["explode"\]/],
      ['"delete"', /connection\.approval_effects does not hold a JSON list of strings/],
      ['[1]', /connection\.approval_effects does not hold a JSON list of strings/],
    ] as const) {
      const { connection_id } = await insertConnection(t.store.db, newConnectionInput(), T0)
      await sql`update connection set approval_effects = ${stored} where connection_id = ${connection_id}`.execute(
        t.store.db,
      )
      const read = getConnection(t.store.db, connection_id)
      await expect(read).rejects.toSatisfy((error) => isStoreError(error) && error.kind === 'corrupt')
      await expect(getConnection(t.store.db, connection_id)).rejects.toThrow(message)
      await sql`delete from connection where connection_id = ${connection_id}`.execute(t.store.db)
    }
  })

  it('never writes an unknown kind: insert and patch refuse it and change nothing', async () => {
    const before = await listConnections(t.store.db)
    const bogus = ['delete', 'explode'] as unknown as EffectKind[]
    await expect(
      insertConnection(t.store.db, newConnectionInput({ approval_effects: bogus }), T0),
    ).rejects.toSatisfy((error) => isStoreError(error) && error.kind === 'constraint')
    expect(await listConnections(t.store.db)).toEqual(before)

    const created = await insertConnection(
      t.store.db,
      newConnectionInput({ approval_effects: ['delete'] }),
      T0,
    )
    await expect(
      updateConnectionPolicy(
        t.store.db,
        created.connection_id,
        { approval_effects: bogus },
        hoursAfter(T0, 1),
      ),
    ).rejects.toThrow(/cannot store unknown effect kinds: \["explode"\]/)
    expect(await getConnection(t.store.db, created.connection_id)).toEqual(created)
  })
})
