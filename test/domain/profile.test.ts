import { describe, expect, it } from 'vitest'
import { type ConnectionPolicy, DEFAULT_OWN_POLICY } from '../../src/domain/policy.js'
import {
  BUILT_IN_PROFILE,
  chooseAmong,
  groupsNamed,
  type Profile,
  usableProfiles,
} from '../../src/domain/profile.js'

const strict: ConnectionPolicy = {
  write_access: false,
  allowed_tools: ['search_read'],
  approval_tools: [],
  approval_effects: ['delete', 'send'],
  approver: { uid: 2, login: 'admin', name: 'Mitchell Admin' },
  approval_expiry_hours: 2,
}

function profile(profile_id: number, name: string, overrides: Partial<Profile> = {}): Profile {
  return {
    profile_id,
    name,
    description: '',
    policy: strict,
    odoo_groups: [],
    is_default: false,
    ...overrides,
  }
}

const everyone = profile(1, 'Everyone', { is_default: true })
const sales = profile(2, 'Sales', {
  odoo_groups: ['sales_team.group_sale_salesman'],
  policy: { ...strict, write_access: true, allowed_tools: [] },
})
const managers = profile(3, 'Managers', {
  odoo_groups: ['base.group_system', 'sales_team.group_sale_manager'],
})
const nobody = profile(4, 'Nobody', { odoo_groups: [] })

describe('usable profiles', () => {
  it('offers the built-in default, with DEFAULT_OWN_POLICY, when no profile is defined', () => {
    expect(usableProfiles([], ['base.group_user'])).toEqual([BUILT_IN_PROFILE])
    expect(BUILT_IN_PROFILE).toMatchObject({ profile_id: null, is_default: true, policy: DEFAULT_OWN_POLICY })
  })

  it('offers the default to everyone, first, then the profiles of the groups the person has', () => {
    const all = [sales, managers, everyone, nobody]
    expect(usableProfiles(all, []).map((p) => p.name)).toEqual(['Everyone'])
    expect(
      usableProfiles(all, ['base.group_user', 'sales_team.group_sale_salesman']).map((p) => p.name),
    ).toEqual(['Everyone', 'Sales'])
    expect(
      usableProfiles(all, ['sales_team.group_sale_manager', 'sales_team.group_sale_salesman']).map(
        (p) => p.name,
      ),
    ).toEqual(['Everyone', 'Sales', 'Managers'])
  })

  it('offers a profile naming no group to nobody, and nothing at all without a default and a matching group', () => {
    expect(usableProfiles([nobody], ['base.group_user'])).toEqual([])
    expect(usableProfiles([sales], ['base.group_user'])).toEqual([])
    // Defined profiles replace the built-in one: it is not offered next to them.
    expect(usableProfiles([sales], ['sales_team.group_sale_salesman'])).toEqual([sales])
  })

  it('names each group to ask Odoo about once', () => {
    expect(
      groupsNamed([sales, managers, everyone, { ...nobody, odoo_groups: ['base.group_system'] }]),
    ).toEqual(['base.group_system', 'sales_team.group_sale_manager', 'sales_team.group_sale_salesman'])
  })
})

describe('choosing a profile for one’s own connection', () => {
  const tighter = profile(5, 'Tighter', {
    odoo_groups: ['sales_team.group_sale_salesman'],
    policy: { ...strict, approval_effects: ['delete', 'send', 'state'], approval_expiry_hours: 1 },
  })
  const usable = usableProfiles([everyone, sales, tighter], ['sales_team.group_sale_salesman'])

  it('accepts a usable profile that only tightens', () => {
    expect(chooseAmong(usable, strict, 5)).toEqual({ ok: true, profile: tighter })
    expect(chooseAmong(usable, strict, 1)).toEqual({ ok: true, profile: everyone })
  })

  it('refuses a profile that loosens, saying how', () => {
    const choice = chooseAmong(usable, strict, 2)
    expect(choice).toMatchObject({ ok: false, refusal: 'loosens' })
    expect(choice.ok === false && choice.message).toBe(
      'profile Sales would loosen your connection (it turns write access on, allows more tools); ask an MCP administrator',
    )
    expect(chooseAmong(usable, tighter.policy, 1)).toMatchObject({ ok: false, refusal: 'loosens' })
  })

  it('refuses a profile the person may not use, however tight', () => {
    expect(chooseAmong(usable, DEFAULT_OWN_POLICY, 3)).toMatchObject({ ok: false, refusal: 'not_usable' })
    expect(chooseAmong(usable, DEFAULT_OWN_POLICY, 999)).toMatchObject({ ok: false, refusal: 'not_usable' })
  })
})
