/**
 * The profile workflow (connections/profiles.ts) on both engines against the sandbox Odoo: an owner
 * moves their own connection only to a profile their Odoo groups allow and that loosens nothing;
 * nobody else can move it that way; a profile's new approver takes over the pending requests of
 * every connection on it; every change is audited.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createConnection, type ManageDeps } from '../../src/connections/manage.js'
import {
  chooseProfile,
  createProfile,
  deleteProfile,
  type ProfileDeps,
  updateProfile,
} from '../../src/connections/profiles.js'
import { newConnectionPolicy, pickProfile, profilesFor } from '../../src/connections/usable-profiles.js'
import { DEFAULT_OWN_POLICY } from '../../src/domain/policy.js'
import { BUILT_IN_PROFILE } from '../../src/domain/profile.js'
import { policyOf } from '../../src/mcp/principal.js'
import { createOdooClient } from '../../src/odoo/index.js'
import { type SandboxOdoo, startSandboxOdoo } from '../../src/sandbox/index.js'
import { getApprovalRequest, insertApprovalRequest } from '../../src/store/approval-requests.js'
import { listAudit } from '../../src/store/audit-log.js'
import { getConnection, insertConnection } from '../../src/store/connections.js'
import { createSecretBox } from '../../src/store/secret-box.js'
import { Cleanups } from '../helpers/countersign.js'
import { describeEachEngine, TEST_SECRET } from '../helpers/databases.js'
import { newConnectionInput, newRequestInput } from '../store/fixtures.js'

const cleanups = new Cleanups()
let sandbox: SandboxOdoo
beforeAll(async () => {
  sandbox = await startSandboxOdoo()
  cleanups.push(() => sandbox.close())
})
afterAll(() => cleanups.run())

const policy = (overrides: Record<string, unknown> = {}) => ({
  write_access: true,
  allowed_tools: [],
  approval_tools: ['delete_record'],
  approval_effects: ['delete', 'send'],
  approver_login: null,
  approval_expiry_hours: 4,
  ...overrides,
})

describeEachEngine('choosing and changing profiles', (_engine, t) => {
  let deps: ProfileDeps
  let demoConnection: number
  const ids: Record<string, number> = {}

  beforeAll(async () => {
    const odoo = createOdooClient({
      url: sandbox.url,
      db: sandbox.db,
      protocol: 'jsonrpc',
      timeout_ms: 10_000,
    })
    cleanups.push(() => odoo.close())
    const service = await odoo.authenticate({ login: 'admin', secret: 'admin' })
    deps = {
      db: t.store.db,
      odoo,
      odoo_major: 17,
      secrets: createSecretBox(TEST_SECRET),
      clock: () => new Date(),
      service,
    }
    const operator = { kind: 'operator' } as const
    const make = async (
      name: string,
      groups: string[],
      overrides: Record<string, unknown>,
      is_default = false,
    ) => {
      ids[name] = (
        await createProfile(
          deps,
          {
            name,
            description: `for ${name.toLowerCase()}`,
            odoo_groups: groups,
            is_default,
            ...policy(overrides),
          },
          operator,
        )
      ).profile_id
    }
    await make('Everyone', [], { approval_tools: ['delete_record', 'execute_method'] }, true)
    await make('Sales', ['sales_team.group_sale_salesman'], { approval_effects: ['delete', 'send', 'state'] })
    await make('Sales loose', ['sales_team.group_sale_salesman'], { approval_tools: [] })
    await make('Settings', ['base.group_system'], { approval_effects: ['delete', 'send', 'state', 'call'] })
    const made = await createConnection(
      deps as ManageDeps,
      {
        name: 'demo own',
        odoo_login: 'demo',
        odoo_secret: sandbox.user('demo').api_key,
        ...policy(),
      },
      operator,
    )
    demoConnection = made.connection.connection_id
  })

  const demo = { uid: 0, login: 'demo' }
  beforeAll(() => {
    demo.uid = sandbox.user('demo').uid
  })

  it('offers demo the default and the salesman profiles, not Settings', async () => {
    const session = await deps.odoo.authenticate({ login: 'demo', secret: 'demo' })
    expect((await profilesFor(deps, session)).map((p) => p.name)).toEqual([
      'Everyone',
      'Sales',
      'Sales loose',
    ])
  })

  it('picks the profile of a new connection server-side: the default unless another usable one is chosen', async () => {
    const session = await deps.odoo.authenticate({ login: 'demo', secret: 'demo' })
    expect((await pickProfile(deps, session)).name).toBe('Everyone')
    const sales = await pickProfile(deps, session, ids.Sales)
    expect(sales.name).toBe('Sales')
    await expect(pickProfile(deps, session, ids.Settings)).rejects.toThrow('you may not use this profile')
    await expect(pickProfile(deps, session, null)).rejects.toThrow('you may not use this profile')
    const created = await insertConnection(
      t.store.db,
      { ...newConnectionInput(), ...newConnectionPolicy(sales) },
      new Date(),
    )
    expect(created).toMatchObject({ profile_id: ids.Sales, profile_name: 'Sales' })
    expect(policyOf(created)).toEqual(sales.policy)
  })

  it('the owner moves to a usable profile that only tightens; the connection follows it', async () => {
    const moved = await chooseProfile(deps, demoConnection, ids.Sales as number, demo)
    expect(moved).toMatchObject({
      profile_id: ids.Sales,
      profile_name: 'Sales',
      approval_effects: ['delete', 'state', 'send'],
    })
    const audit = await listAudit(t.store.db, { event: 'connection_updated', connection_id: demoConnection })
    expect(audit.items[0]).toMatchObject({
      actor_login: 'demo',
      detail: { profile: { from: null, to: 'Sales' }, loosened: [] },
    })
  })

  it('refuses a loosening profile, a profile of a group the owner lacks, and anyone but the owner', async () => {
    await expect(chooseProfile(deps, demoConnection, ids['Sales loose'] as number, demo)).rejects.toThrow(
      'profile Sales loose would loosen your connection (it removes approval for delete_record, removes approval for changing the state of records (whatever the tool)); ask an MCP administrator',
    )
    // Tighter still, but demo is not in Settings.
    await expect(chooseProfile(deps, demoConnection, ids.Settings as number, demo)).rejects.toThrow(
      'you may not use this profile',
    )
    const admin = { uid: sandbox.user('admin').uid, login: 'admin' }
    await expect(chooseProfile(deps, demoConnection, ids.Sales as number, admin)).rejects.toThrow(
      `no active connection ${demoConnection} of yours`,
    )
    expect(await getConnection(t.store.db, demoConnection)).toMatchObject({ profile_id: ids.Sales })
  })

  it('a profile’s new approver takes over the pending requests of its connections; every change is audited', async () => {
    const filed = await insertApprovalRequest(
      t.store.db,
      newRequestInput(demoConnection, { approver_uid: null, approver_login: null, approver_name: null }),
    )
    const reviewer = await updateProfile(
      deps,
      ids.Sales as number,
      { approver_login: 'admin' },
      { kind: 'operator' },
    )
    expect(reviewer.policy.approver).toMatchObject({ login: 'admin', name: 'Mitchell Admin' })
    expect(await getApprovalRequest(t.store.db, filed.request_id)).toMatchObject({ approver_login: 'admin' })
    expect((await getConnection(t.store.db, demoConnection))?.approver_login).toBe('admin')
    await expect(deleteProfile(deps, ids.Sales as number, { kind: 'operator' })).rejects.toThrow(
      'profile Sales is used by 2 connection(s)',
    )
    await deleteProfile(deps, ids.Settings as number, { kind: 'operator' })
    // A change names only what changes: the default stays the default, its description stays.
    const everyone = await updateProfile(
      deps,
      ids.Everyone as number,
      { approval_expiry_hours: 3 },
      { kind: 'operator' },
    )
    expect(everyone).toMatchObject({
      is_default: true,
      description: 'for everyone',
      policy: { approval_expiry_hours: 3 },
    })
    const events = (
      await listAudit(t.store.db, {
        event: ['profile_created', 'profile_updated', 'profile_deleted', 'request_reassigned'],
      })
    ).items
    expect(events.map((e) => e.event).sort()).toEqual([
      'profile_created',
      'profile_created',
      'profile_created',
      'profile_created',
      'profile_deleted',
      'profile_updated',
      'profile_updated',
      'request_reassigned',
    ])
  })
})

describeEachEngine('no profile defined', (_engine, t) => {
  it('offers the built-in default, and a connection on it keeps DEFAULT_OWN_POLICY as its own', async () => {
    const odoo = createOdooClient({
      url: sandbox.url,
      db: sandbox.db,
      protocol: 'jsonrpc',
      timeout_ms: 10_000,
    })
    cleanups.push(() => odoo.close())
    const session = await odoo.authenticate({ login: 'restricted', secret: 'restricted' })
    const picked = await pickProfile({ db: t.store.db, odoo_major: 17 }, session)
    expect(picked).toBe(BUILT_IN_PROFILE)
    expect(await pickProfile({ db: t.store.db, odoo_major: 17 }, session, null)).toBe(BUILT_IN_PROFILE)
    const created = await insertConnection(
      t.store.db,
      { ...newConnectionInput(), ...newConnectionPolicy(picked) },
      new Date(),
    )
    expect(created.profile_id).toBeNull()
    expect(policyOf(created)).toEqual(DEFAULT_OWN_POLICY)
  })
})
