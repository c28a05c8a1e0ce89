/**
 * Policy profiles on both engines: every field round-trips, at most one profile is the default, a
 * connection on a profile reads the profile's policy as it is now (by token, by id, in lists, and
 * its approver at filing), a profile in use cannot be deleted, and leaving a profile keeps its policy.
 */
import { expect, it } from 'vitest'
import type { ConnectionPolicy } from '../../src/domain/policy.js'
import { policyOf } from '../../src/mcp/principal.js'
import {
  approverOf,
  getConnection,
  getConnectionByTokenHash,
  insertConnection,
  listConnections,
  lockConnectionsOnProfile,
  setConnectionProfile,
} from '../../src/store/connections.js'
import {
  clearDefault,
  connectionsOnProfile,
  deleteProfile,
  getProfile,
  getProfileByName,
  insertProfile,
  listProfiles,
  replaceProfile,
} from '../../src/store/profiles.js'
import { isStoreError } from '../../src/store/store-error.js'
import { describeEachEngine } from '../helpers/databases.js'
import { newConnectionInput, T0 } from './fixtures.js'

const salesPolicy: ConnectionPolicy = {
  write_access: true,
  allowed_tools: ['search_read', 'create_record', 'delete_record'],
  approval_tools: ['delete_record'],
  approval_effects: ['delete', 'send'],
  approver: { uid: 2, login: 'admin', name: 'Mitchell Admin' },
  approval_expiry_hours: 2.5,
}

describeEachEngine('policy profiles', (engine, t) => {
  it('writes and reads back every field, the default first', async () => {
    const db = t.store.db
    const sales = await insertProfile(
      db,
      {
        name: 'Sales (store)',
        description: 'Salespeople write, deleting waits',
        policy: salesPolicy,
        odoo_groups: ['sales_team.group_sale_salesman'],
        is_default: false,
      },
      T0,
    )
    expect(sales).toEqual({
      profile_id: expect.any(Number),
      name: 'Sales (store)',
      description: 'Salespeople write, deleting waits',
      policy: salesPolicy,
      odoo_groups: ['sales_team.group_sale_salesman'],
      is_default: false,
      created_at: T0,
      updated_at: T0,
    })
    expect(await getProfile(db, sales.profile_id)).toEqual(sales)
    expect(await getProfileByName(db, 'Sales (store)')).toEqual(sales)
    const everyone = await insertProfile(
      db,
      {
        name: 'Everyone (store)',
        description: '',
        policy: { ...salesPolicy, approver: null },
        odoo_groups: [],
        is_default: true,
      },
      T0,
    )
    const listed = await listProfiles(db)
    expect(listed[0]).toEqual(everyone)
    expect(listed.map((p) => p.name)).toContain('Sales (store)')
  })

  it('refuses a second default and a second profile of the same name; clearDefault makes room', async () => {
    const db = t.store.db
    const input = { description: '', policy: salesPolicy, odoo_groups: [], is_default: true }
    await clearDefault(db, T0)
    await insertProfile(db, { ...input, name: 'Default A' }, T0)
    const second = await insertProfile(db, { ...input, name: 'Default B' }, T0).catch((e: unknown) => e)
    expect(isStoreError(second) && second.kind).toBe('constraint')
    const twin = await insertProfile(db, { ...input, name: 'Default A', is_default: false }, T0).catch(
      (e: unknown) => e,
    )
    expect(isStoreError(twin) && twin.kind).toBe('constraint')
    await clearDefault(db, T0)
    const b = await insertProfile(db, { ...input, name: 'Default B' }, T0)
    expect((await listProfiles(db)).filter((p) => p.is_default)).toEqual([b])
  })

  it('gives a connection on a profile the profile’s current policy, wherever it is read', async () => {
    const db = t.store.db
    const profile = await insertProfile(
      db,
      { name: 'Followed', description: '', policy: salesPolicy, odoo_groups: [], is_default: false },
      T0,
    )
    const own = newConnectionInput({
      write_access: false,
      approval_tools: [],
      approver_uid: null,
      approver_login: null,
      approver_name: null,
    })
    const mine = await insertConnection(db, own, T0)
    const followed = await insertConnection(
      db,
      { ...newConnectionInput(), profile_id: profile.profile_id },
      T0,
    )
    expect(followed).toMatchObject({ profile_id: profile.profile_id, profile_name: 'Followed' })
    expect(policyOf(followed)).toEqual(salesPolicy)
    expect(policyOf(mine)).toMatchObject({ write_access: false, approval_tools: [], approver: null })

    // The administrator tightens the profile: the connection reads the new policy at once.
    const tighter: ConnectionPolicy = {
      ...salesPolicy,
      write_access: false,
      approval_effects: ['delete', 'send', 'state'],
      approver: { uid: 7, login: 'boss', name: 'Boss' },
    }
    await replaceProfile(
      db,
      profile.profile_id,
      { name: 'Followed', description: '', policy: tighter, odoo_groups: [], is_default: false },
      T0,
    )
    const byToken = await getConnectionByTokenHash(db, followed.token_hash)
    expect(byToken && policyOf(byToken)).toEqual(tighter)
    const byId = await getConnection(db, followed.connection_id)
    expect(byId && policyOf(byId)).toEqual(tighter)
    const inList = (await listConnections(db, { profile_id: profile.profile_id })).map(policyOf)
    expect(inList).toEqual([tighter])
    expect(await approverOf(db, followed.connection_id)).toEqual({ uid: 7, login: 'boss', name: 'Boss' })
    // The connection without a profile did not change.
    expect(await getConnection(db, mine.connection_id)).toEqual(mine)
    expect(await approverOf(db, mine.connection_id)).toBeNull()
  })

  it('refuses to delete a profile in use, deletes it once unused, and leaving it keeps its policy', async () => {
    const db = t.store.db
    const profile = await insertProfile(
      db,
      { name: 'Short-lived', description: '', policy: salesPolicy, odoo_groups: [], is_default: false },
      T0,
    )
    const c = await insertConnection(
      db,
      { ...newConnectionInput({ write_access: false }), profile_id: profile.profile_id },
      T0,
    )
    expect(await connectionsOnProfile(db, profile.profile_id)).toBe(1)
    expect(await deleteProfile(db, profile.profile_id)).toBe(false)
    expect(await getProfile(db, profile.profile_id)).toEqual(profile)

    const left = await setConnectionProfile(db, c.connection_id, { profile_id: null, own: salesPolicy }, T0)
    expect(left).toMatchObject({ profile_id: null, profile_name: null })
    expect(left && policyOf(left)).toEqual(salesPolicy)
    expect(await deleteProfile(db, profile.profile_id)).toBe(true)
    expect(await getProfile(db, profile.profile_id)).toBeUndefined()
    expect(await deleteProfile(db, profile.profile_id)).toBe(false)
  })

  it('filing waits for a change of a profile’s approver in flight, then reads the new one', async () => {
    const ivy = { uid: 9, login: 'ivy', name: 'Ivy Approver' }
    const db = t.store.db
    const input = { name: 'Approver race', description: '', odoo_groups: [], is_default: false }
    const profile = await insertProfile(db, { ...input, policy: salesPolicy }, T0)
    const { connection_id } = await insertConnection(
      db,
      { ...newConnectionInput(), profile_id: profile.profile_id },
      T0,
    )
    const change = (trx: typeof db) =>
      replaceProfile(trx, profile.profile_id, { ...input, policy: { ...salesPolicy, approver: ivy } }, T0)
    if (engine === 'sqlite') {
      // One writer per file, and a filing is a write: it cannot start while the change is open.
      await db.transaction().execute(async (trx) => {
        await lockConnectionsOnProfile(trx, profile.profile_id)
        await change(trx)
      })
      expect(await approverOf(db, connection_id)).toEqual(ivy)
      return
    }
    const other = await t.openAnother()
    let release = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let updated = () => {}
    const updating = new Promise<void>((resolve) => {
      updated = resolve
    })
    const changing = db.transaction().execute(async (trx) => {
      await lockConnectionsOnProfile(trx, profile.profile_id)
      await change(trx)
      updated()
      await held
    })
    await updating
    const reading = other.db.transaction().execute((trx) => approverOf(trx, connection_id))
    const first = await Promise.race([
      reading.then(() => 'read'),
      new Promise((resolve) => setTimeout(() => resolve('waiting'), 300)),
    ])
    expect(first).toBe('waiting')
    release()
    await changing
    expect(await reading).toEqual(ivy)
  })
})
