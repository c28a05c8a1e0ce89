/**
 * Which Odoo groups a plain user has, as policy profiles need it (connections/profiles.ts `groupsOf`,
 * `profilesFor`), asked of Odoo as that user over every protocol of every target: Marc Demo is a
 * salesman, restricted only an internal user, neither is in Settings or Sales/Administrator, and a
 * group Odoo does not know is held by nobody. On 17 `has_group` checks the caller; on 19 it is a
 * record method on the user, and implied groups count on both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { groupsOf, profilesFor } from '../../src/connections/usable-profiles.js'
import { createOdooClient } from '../../src/odoo/index.js'
import type { OdooClient } from '../../src/odoo/types.js'
import { insertProfile } from '../../src/store/profiles.js'
import { Cleanups } from '../helpers/countersign.js'
import { createTestStore, type TestStore } from '../helpers/databases.js'
import { conformanceTargets, type Login, type OdooUser } from './targets.js'

const ASKED = [
  'base.group_user',
  'base.group_system',
  'sales_team.group_sale_salesman',
  'sales_team.group_sale_manager',
  'countersign_nowhere.group_none',
]

const POLICY = {
  write_access: false,
  allowed_tools: [],
  approval_tools: [],
  approval_effects: [],
  approver: null,
  approval_expiry_hours: 4,
}

for (const target of conformanceTargets()) {
  describe(`conformance [${target.name}] a user's groups for policy profiles`, { timeout: 60_000 }, () => {
    const cleanups = new Cleanups()
    let client: OdooClient
    let users: Record<Login, OdooUser>
    let t: TestStore

    beforeAll(async () => {
      const odoo = await target.open(cleanups)
      users = odoo.users
      client = createOdooClient({ url: odoo.url, db: odoo.db, protocol: target.protocol, timeout_ms: 30_000 })
      cleanups.push(() => client.close())
      t = await createTestStore('sqlite')
      cleanups.push(() => t.cleanup())
      const add = (name: string, odoo_groups: string[], is_default = false) =>
        insertProfile(
          t.store.db,
          { name, description: '', policy: POLICY, odoo_groups, is_default },
          new Date(),
        )
      await add('Everyone', [], true)
      await add('Sales', ['sales_team.group_sale_salesman'])
      await add('Settings', ['base.group_system'])
      await add('Nowhere', ['countersign_nowhere.group_none'])
    })
    afterAll(() => cleanups.run())

    // JSON-2 takes API keys only; JSON-RPC is asked with the password, as a console login would be.
    const login = (who: Login) =>
      client.authenticate({
        login: users[who].login,
        secret: target.protocol === 'json2' ? users[who].api_key : users[who].password,
      })

    it('reads that Marc Demo is an internal user and a salesman, nothing more of what is asked', async () => {
      expect(await groupsOf(await login('demo'), target.major, ASKED)).toEqual([
        'base.group_user',
        'sales_team.group_sale_salesman',
      ])
    })

    it('reads that restricted is only an internal user', async () => {
      expect(await groupsOf(await login('restricted'), target.major, ASKED)).toEqual(['base.group_user'])
    })

    it('reads that admin is in Settings and Sales/Administrator (implied groups count)', async () => {
      expect(await groupsOf(await login('admin'), target.major, ASKED)).toEqual([
        'base.group_user',
        'base.group_system',
        'sales_team.group_sale_salesman',
        'sales_team.group_sale_manager',
      ])
    })

    it('offers each person the default profile and those of their groups', async () => {
      const deps = { db: t.store.db, odoo_major: target.major }
      const names = async (who: Login) => (await profilesFor(deps, await login(who))).map((p) => p.name)
      expect(await names('demo')).toEqual(['Everyone', 'Sales'])
      expect(await names('restricted')).toEqual(['Everyone'])
      expect(await names('admin')).toEqual(['Everyone', 'Sales', 'Settings'])
    })
  })
}
