/**
 * Seeds the users of Odoo's demo logins: admin (uid 2, Mitchell Admin), demo (uid 6, Marc Demo,
 * salesman "own documents only" plus Billing, as in a real 17 demo database) and restricted
 * (uid 8, internal user without Sales or Invoicing), and creates extra users for the test hook.
 * Deterministic except API keys, which are random per start. Reference data comes from
 * demo-reference.ts, business records from demo-business.ts.
 */
import type { Credentials } from './auth.js'
import { generateApiKey } from './auth.js'
import { withImplied } from './groups.js'
import type { Store } from './store.js'

export interface SandboxUser {
  login: string
  password: string
  api_key: string
  uid: number
  name: string
}

export function xmlid(store: Store, module: string, name: string, model: string, res_id: number): void {
  store.insert('ir.model.data', { module, name, model, res_id, noupdate: true })
}

const SYSTEM = {
  create_uid: 1,
  write_uid: 1,
  create_date: '2026-01-01 08:00:00',
  write_date: '2026-01-01 08:00:00',
}

export function insertRow(store: Store, model: string, values: Record<string, unknown>, id?: number) {
  const row = { ...SYSTEM, ...values }
  return id === undefined ? store.insert(model, row) : store.insertWithId(model, id, row)
}

export function groupIds(store: Store, xmlids: Iterable<string>): number[] {
  const wanted = withImplied(xmlids)
  return store
    .rows('ir.model.data')
    .filter((d) => d.model === 'res.groups' && wanted.has(`${d.module}.${d.name}`))
    .map((d) => d.res_id as number)
    .sort((a, b) => a - b)
}

interface NewUser {
  uid?: number
  /** An existing partner to link (the demo logins'); a new one is created otherwise. */
  partner_id?: number
  login: string
  password: string
  name: string
  email: string
  groups: readonly string[]
}

/** Creates a user with its partner and credentials; used by the seed and the test hook. */
export function createUser(store: Store, credentials: Credentials, user: NewUser): SandboxUser {
  const partner =
    user.partner_id !== undefined
      ? { id: user.partner_id }
      : insertRow(store, 'res.partner', {
          name: user.name,
          email: user.email,
          is_company: false,
          company_name: 'YourCompany',
          type: 'contact',
          active: true,
          lang: 'en_US',
          customer_rank: 0,
          supplier_rank: 0,
        })
  const values = {
    name: user.name,
    login: user.login,
    email: user.email,
    partner_id: partner.id,
    active: true,
    groups_id: groupIds(store, user.groups),
    company_id: 1,
    company_ids: [1],
    lang: 'en_US',
    tz: 'Europe/Brussels',
  }
  const row = insertRow(store, 'res.users', values, user.uid)
  const api_key = generateApiKey()
  credentials.set(row.id, user.password, [api_key])
  return { login: user.login, password: user.password, api_key, uid: row.id, name: user.name }
}

export const ADMIN_GROUPS = [
  'base.group_user',
  'base.group_system',
  'base.group_partner_manager',
  'base.group_allow_export',
  'base.group_multi_currency',
  'sales_team.group_sale_manager',
  'account.group_account_manager',
  'mass_mailing.group_mass_mailing_user',
]
// A real 17 demo database gives Marc Demo Billing and Email Marketing too (facts.md §10).
export const DEMO_GROUPS = [
  'base.group_user',
  'base.group_partner_manager',
  'base.group_allow_export',
  'sales_team.group_sale_salesman',
  // This sandbox's one deviation from a stock demo database (access-rights.ts, docs/decisions.md).
  'countersign_sandbox.group_sale_quotation_delete',
  'account.group_account_invoice',
  'mass_mailing.group_mass_mailing_user',
]
export const RESTRICTED_GROUPS = ['base.group_user']

/** OdooBot (uid 1, inactive as in Odoo) and the three demo logins, on partners 2, 3, 7 and 41. */
export function seedUsers(store: Store, credentials: Credentials): SandboxUser[] {
  insertRow(
    store,
    'res.users',
    {
      name: 'OdooBot',
      login: '__system__',
      partner_id: 2,
      active: false,
      groups_id: groupIds(store, ADMIN_GROUPS),
      company_id: 1,
      company_ids: [1],
      lang: 'en_US',
      tz: false,
    },
    1,
  )
  credentials.set(1, generateApiKey(), [])
  const admin = createUser(store, credentials, {
    uid: 2,
    partner_id: 3,
    login: 'admin',
    password: 'admin',
    name: 'Mitchell Admin',
    email: 'admin@yourcompany.example.com',
    groups: ADMIN_GROUPS,
  })
  const demo = createUser(store, credentials, {
    uid: 6,
    partner_id: 7,
    login: 'demo',
    password: 'demo',
    name: 'Marc Demo',
    email: 'mark.brown23@example.com',
    groups: DEMO_GROUPS,
  })
  const restricted = createUser(store, credentials, {
    uid: 8,
    partner_id: 41,
    login: 'restricted',
    password: 'restricted',
    name: 'Restricted User',
    email: 'restricted@example.com',
    groups: RESTRICTED_GROUPS,
  })
  for (const [user, name] of [
    [admin, 'user_admin'],
    [demo, 'user_demo'],
  ] as const) {
    store.insert('ir.model.data', {
      module: 'base',
      name,
      model: 'res.users',
      res_id: user.uid,
      noupdate: true,
    })
  }
  store.insert('ir.model.data', {
    module: 'base',
    name: 'user_root',
    model: 'res.users',
    res_id: 1,
    noupdate: true,
  })
  return [admin, demo, restricted]
}
