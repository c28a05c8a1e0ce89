/**
 * Seeds a fresh sandbox with Odoo's reference data (company, currencies, groups with their xml
 * ids, `ir.model` rows, message subtypes, activity types, journals, a 15% tax, products) and the
 * three users of Odoo's demo logins: admin (uid 2, Mitchell Admin), demo (Marc Demo, salesman
 * "own documents only") and restricted (internal user without Sales or Invoicing). Deterministic
 * except API keys, which are random per start. Business records come from demo-business.ts.
 */
import type { Credentials } from './auth.js'
import { generateApiKey } from './auth.js'
import type { Registry } from './env.js'
import { GROUPS, withImplied } from './groups.js'
import { MODELS } from './models/index.js'
import type { Store } from './store.js'

export interface SandboxUser {
  login: string
  password: string
  api_key: string
  uid: number
  name: string
}

function xmlid(store: Store, module: string, name: string, model: string, res_id: number): void {
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
  login: string
  password: string
  name: string
  email: string
  groups: readonly string[]
}

/** Creates a user with its partner and credentials; used by the seed and the test hook. */
export function createUser(store: Store, credentials: Credentials, user: NewUser): SandboxUser {
  const partner = insertRow(store, 'res.partner', {
    name: user.name,
    email: user.email,
    is_company: false,
    parent_id: 1,
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
  credentials.set(row.id, user.login, user.password, [api_key])
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
export const DEMO_GROUPS = [
  'base.group_user',
  'base.group_partner_manager',
  'base.group_allow_export',
  'sales_team.group_sale_salesman',
]
export const RESTRICTED_GROUPS = ['base.group_user']

export function seedReference(store: Store, registry: Registry): void {
  insertRow(
    store,
    'res.currency',
    { name: 'EUR', full_name: 'Euro', symbol: '€', position: 'after', rounding: 0.01, active: true },
    1,
  )
  insertRow(
    store,
    'res.currency',
    {
      name: 'USD',
      full_name: 'United States dollar',
      symbol: '$',
      position: 'before',
      rounding: 0.01,
      active: true,
    },
    2,
  )
  xmlid(store, 'base', 'EUR', 'res.currency', 1)
  xmlid(store, 'base', 'USD', 'res.currency', 2)
  for (const [id, name, code] of [
    [1, 'Belgium', 'BE'],
    [2, 'United States', 'US'],
    [3, 'France', 'FR'],
  ] as const) {
    insertRow(store, 'res.country', { name, code }, id)
  }
  insertRow(
    store,
    'res.partner',
    {
      name: 'YourCompany',
      is_company: true,
      email: 'info@yourcompany.com',
      type: 'contact',
      active: true,
      city: 'Brussels',
      country_id: 1,
    },
    1,
  )
  insertRow(
    store,
    'res.company',
    { name: 'YourCompany', partner_id: 1, currency_id: 1, email: 'info@yourcompany.com', sequence: 10 },
    1,
  )
  xmlid(store, 'base', 'main_company', 'res.company', 1)
  xmlid(store, 'base', 'main_partner', 'res.partner', 1)

  for (const [index, group] of GROUPS.entries()) {
    insertRow(
      store,
      'res.groups',
      { name: group.name, share: group.xmlid === 'base.group_portal' || group.xmlid === 'base.group_public' },
      index + 1,
    )
    const [module, name] = group.xmlid.split('.') as [string, string]
    xmlid(store, module, name, 'res.groups', index + 1)
  }

  for (const { module, def } of MODELS) {
    const row = insertRow(store, 'ir.model', {
      name: def.description,
      model: def.name,
      state: 'base',
      transient: false,
      is_mail_thread: Boolean(def.mail_thread),
    })
    xmlid(store, module, `model_${def.name.replace(/\./g, '_')}`, 'ir.model', row.id)
  }
  void registry

  for (const [xml, name, internal, sequence] of [
    ['mt_comment', 'Discussions', false, 0],
    ['mt_note', 'Note', true, 100],
    ['mt_activities', 'Activities', true, 90],
  ] as const) {
    const row = insertRow(store, 'mail.message.subtype', { name, internal, default: !internal, sequence })
    xmlid(store, 'mail', xml, 'mail.message.subtype', row.id)
  }
  for (const [xml, name, icon, sequence, delay, category] of [
    ['mail_activity_data_email', 'Email', 'fa-envelope', 3, 0, 'default'],
    ['mail_activity_data_call', 'Call', 'fa-phone', 6, 2, 'phonecall'],
    ['mail_activity_data_meeting', 'Meeting', 'fa-users', 9, 0, 'default'],
    ['mail_activity_data_todo', 'To-Do', 'fa-tasks', 12, 5, 'default'],
    ['mail_activity_data_upload_document', 'Upload Document', 'fa-upload', 25, 5, 'upload_file'],
    ['mail_activity_data_warning', 'Exception', 'fa-warning', 99, 0, 'default'],
  ] as const) {
    const row = insertRow(store, 'mail.activity.type', {
      name,
      icon,
      sequence,
      delay_count: delay,
      category,
      active: true,
      keep_done: false,
    })
    xmlid(store, 'mail', xml, 'mail.activity.type', row.id)
  }
  for (const [name, code, type, sequence] of [
    ['Customer Invoices', 'INV', 'sale', 5],
    ['Vendor Bills', 'BILL', 'purchase', 6],
    ['Miscellaneous Operations', 'MISC', 'general', 9],
  ] as const) {
    insertRow(store, 'account.journal', { name, code, type, sequence, active: true })
  }
  const tax = insertRow(store, 'account.tax', {
    name: '15%',
    amount: 15,
    amount_type: 'percent',
    type_tax_use: 'sale',
    sequence: 1,
    active: true,
  })
  for (const [name, code, price] of [
    ['Office Chair', 'FURN_7777', 70],
    ['Large Desk', 'FURN_8220', 1799],
    ['Corner Desk Right Sit', 'E-COM06', 147],
    ['Desk Organizer', 'FURN_0001', 5.1],
    ['Cabinet with Doors', 'E-COM11', 140],
    ['Customizable Desk', 'FURN_0096', 750],
    ['Acoustic Bloc Screens', 'FURN_6666', 295],
    ['Virtual Home Staging', 'SERV_0001', 25],
  ] as const) {
    insertRow(store, 'product.product', {
      name,
      default_code: code,
      list_price: price,
      sale_ok: true,
      active: true,
      taxes_id: [tax.id],
    })
  }
}

/** OdooBot (uid 1, inactive as in Odoo) and the three demo logins. */
export function seedUsers(store: Store, credentials: Credentials): SandboxUser[] {
  insertRow(
    store,
    'res.partner',
    { name: 'OdooBot', email: 'odoobot@example.com', is_company: false, type: 'contact', active: false },
    2,
  )
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
  credentials.set(1, '__system__', generateApiKey(), [])
  const admin = createUser(store, credentials, {
    uid: 2,
    login: 'admin',
    password: 'admin',
    name: 'Mitchell Admin',
    email: 'admin@yourcompany.example.com',
    groups: ADMIN_GROUPS,
  })
  const demo = createUser(store, credentials, {
    uid: 6,
    login: 'demo',
    password: 'demo',
    name: 'Marc Demo',
    email: 'mark.brown23@example.com',
    groups: DEMO_GROUPS,
  })
  const restricted = createUser(store, credentials, {
    uid: 7,
    login: 'restricted',
    password: 'restricted',
    name: 'Rita Restricted',
    email: 'restricted@yourcompany.example.com',
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
