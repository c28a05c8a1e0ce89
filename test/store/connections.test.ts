/**
 * Connection queries on both engines: every column round-trips, token lookup follows revoke and
 * rotate, policy patches change only what they name, and concurrent uses are all counted.
 */
import { expect, it } from 'vitest'
import {
  getConnection,
  getConnectionByTokenHash,
  insertConnection,
  listConnections,
  revokeConnection,
  rotateConnectionToken,
  touchConnection,
  updateConnectionPolicy,
} from '../../src/store/connections.js'
import { isStoreError } from '../../src/store/store-error.js'
import { hashToken, newConnectionToken, tokenPrefix } from '../../src/store/tokens.js'
import { describeEachEngine } from '../helpers/databases.js'
import { hoursAfter, newConnectionInput, T0 } from './fixtures.js'

describeEachEngine('connections', (engine, t) => {
  it('writes and reads back every column', async () => {
    const input = newConnectionInput()
    const created = await insertConnection(t.store.db, input, T0)
    const expected = {
      ...input,
      connection_id: created.connection_id,
      status: 'active',
      created_at: T0,
      updated_at: T0,
      revoked_at: null,
      last_used_at: null,
      request_count: 0,
      profile_id: null,
      profile_name: null,
      oauth_client_id: null,
      oauth_grant_id: null,
    }
    expect(created).toEqual(expected)
    expect(await getConnection(t.store.db, created.connection_id)).toEqual(expected)
    expect(await getConnection(t.store.db, 999_999)).toBeUndefined()
    // A connection with no approver and nothing gated reads back as such.
    const bare = await insertConnection(
      t.store.db,
      newConnectionInput({
        write_access: false,
        allowed_tools: [],
        approval_tools: [],
        approval_effects: [],
        approver_uid: null,
        approver_login: null,
        approver_name: null,
        approval_expiry_hours: 4,
      }),
      T0,
    )
    expect(await getConnection(t.store.db, bare.connection_id)).toMatchObject({
      write_access: false,
      allowed_tools: [],
      approval_effects: [],
      approver_uid: null,
      approval_expiry_hours: 4,
    })
  })

  it('finds a connection by token hash while active, not once revoked', async () => {
    const input = newConnectionInput()
    const { connection_id } = await insertConnection(t.store.db, input, T0)
    expect((await getConnectionByTokenHash(t.store.db, input.token_hash))?.connection_id).toBe(connection_id)
    expect(await getConnectionByTokenHash(t.store.db, hashToken(newConnectionToken()))).toBeUndefined()

    const later = hoursAfter(T0, 1)
    expect(await revokeConnection(t.store.db, connection_id, later)).toBe(true)
    expect(await revokeConnection(t.store.db, connection_id, later)).toBe(false)
    expect(await getConnectionByTokenHash(t.store.db, input.token_hash)).toBeUndefined()
    const revoked = await getConnectionByTokenHash(t.store.db, input.token_hash, 'any')
    expect(revoked).toMatchObject({ connection_id, status: 'revoked', revoked_at: later, updated_at: later })
    expect(await getConnectionByTokenHash(t.store.db, input.token_hash, 'revoked')).toEqual(revoked)
  })

  it('rotating replaces the token at once; a revoked connection cannot be rotated', async () => {
    const input = newConnectionInput()
    const { connection_id } = await insertConnection(t.store.db, input, T0)
    const token = newConnectionToken()
    const next = { token_hash: hashToken(token), token_prefix: tokenPrefix(token) }
    expect(await rotateConnectionToken(t.store.db, connection_id, next, hoursAfter(T0, 1))).toBe(true)
    expect(await getConnectionByTokenHash(t.store.db, input.token_hash, 'any')).toBeUndefined()
    expect(await getConnectionByTokenHash(t.store.db, next.token_hash)).toMatchObject({
      connection_id,
      ...next,
    })

    await revokeConnection(t.store.db, connection_id, hoursAfter(T0, 2))
    const again = newConnectionToken()
    const refused = { token_hash: hashToken(again), token_prefix: tokenPrefix(again) }
    expect(await rotateConnectionToken(t.store.db, connection_id, refused, hoursAfter(T0, 3))).toBe(false)
    expect(await getConnectionByTokenHash(t.store.db, refused.token_hash, 'any')).toBeUndefined()
  })

  it('a policy patch changes what it names and leaves the rest', async () => {
    const before = await insertConnection(t.store.db, newConnectionInput(), T0)
    const later = hoursAfter(T0, 5)
    const after = await updateConnectionPolicy(
      t.store.db,
      before.connection_id,
      {
        approval_tools: ['delete_record'],
        approval_effects: ['archive', 'call'],
        approver: null,
        approval_expiry_hours: 0.25,
      },
      later,
    )
    expect(after).toEqual({
      ...before,
      approval_tools: ['delete_record'],
      approval_effects: ['archive', 'call'],
      approver_uid: null,
      approver_login: null,
      approver_name: null,
      approval_expiry_hours: 0.25,
      updated_at: later,
    })
    const renamed = await updateConnectionPolicy(
      t.store.db,
      before.connection_id,
      {
        name: 'Cursor',
        write_access: false,
        allowed_tools: [],
        approver: { uid: 7, login: 'ana', name: 'Ana' },
      },
      later,
    )
    expect(renamed).toMatchObject({
      name: 'Cursor',
      write_access: false,
      allowed_tools: [],
      approval_tools: ['delete_record'],
      approval_effects: ['archive', 'call'],
      approver_uid: 7,
      approver_login: 'ana',
      approver_name: 'Ana',
    })
    expect(await updateConnectionPolicy(t.store.db, 999_999, { name: 'x' }, later)).toBeUndefined()
  })

  it('counts every use when many requests touch a connection at once', async () => {
    const { connection_id } = await insertConnection(t.store.db, newConnectionInput(), T0)
    // Two handles (two pools on PostgreSQL), 20 uses each, all in flight together.
    const other = await t.openAnother()
    const uses = Array.from({ length: 40 }, (_, i) =>
      touchConnection(i % 2 === 0 ? t.store.db : other.db, connection_id, hoursAfter(T0, 1 + (i % 3))),
    )
    await Promise.all(uses)
    const touched = await getConnection(t.store.db, connection_id)
    expect(touched?.request_count).toBe(40)
    expect([1, 2, 3].map((h) => hoursAfter(T0, h).getTime())).toContain(touched?.last_used_at?.getTime())
    await other.close()
  })

  it('lists connections in creation order, filtered by status and owner', async () => {
    const owner = 4242
    const a = await insertConnection(t.store.db, newConnectionInput({ odoo_uid: owner, name: 'a' }), T0)
    const b = await insertConnection(t.store.db, newConnectionInput({ odoo_uid: owner, name: 'b' }), T0)
    await revokeConnection(t.store.db, a.connection_id, T0)
    const names = (list: { name: string }[]) => list.map((c) => c.name)
    expect(names(await listConnections(t.store.db, { odoo_uid: owner }))).toEqual(['a', 'b'])
    expect(names(await listConnections(t.store.db, { odoo_uid: owner, status: 'active' }))).toEqual(['b'])
    expect(names(await listConnections(t.store.db, { odoo_uid: owner, status: 'revoked' }))).toEqual(['a'])
    const all = await listConnections(t.store.db)
    expect(all.map((c) => c.connection_id)).toEqual(
      [...all.map((c) => c.connection_id)].sort((x, y) => x - y),
    )
    expect(all.map((c) => c.connection_id)).toContain(b.connection_id)
  })

  it('the schema refuses a status outside active/revoked', async () => {
    const { created_by, odoo_key_expires_at: _expires, ...input } = newConnectionInput()
    const row = {
      ...input,
      created_by_uid: created_by?.uid ?? null,
      created_by_login: created_by?.login ?? null,
      write_access: 1,
      allowed_tools: '[]',
      approval_tools: '[]',
      approval_effects: '[]',
      created_at: 'x',
      updated_at: 'x',
    }
    await expect(
      t.store.db
        .insertInto('connection')
        .values({ ...row, status: 'paused' })
        .execute(),
    ).rejects.toMatchObject({ name: 'StoreError', kind: 'constraint' })
  })

  it('a duplicate token hash is refused with a StoreError that does not echo the value', async () => {
    const input = newConnectionInput()
    await insertConnection(t.store.db, input, T0)
    expect.assertions(4)
    try {
      await insertConnection(t.store.db, newConnectionInput({ token_hash: input.token_hash }), T0)
    } catch (error) {
      expect(isStoreError(error) && error.kind).toBe('constraint')
      expect(isStoreError(error) && error.driver_code).toBe(
        engine === 'sqlite' ? 'SQLITE_CONSTRAINT_UNIQUE' : '23505',
      )
      expect((error as Error).message).not.toContain(input.token_hash)
      expect((error as Error).cause).toBeDefined()
    }
  })
})
