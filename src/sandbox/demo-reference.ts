/**
 * Seeds Odoo's reference data into a fresh sandbox: company, currencies, countries, groups with
 * their xml ids, one `ir.model` row per model (with `model_…` xml ids), message subtypes,
 * activity types, journals, a 15% sales tax and a few products. Deterministic. Does not create
 * users (demo-data.ts) or business records (demo-business.ts).
 */
import { insertRow, xmlid } from './demo-data.js'
import { GROUPS } from './groups.js'
import { MODELS } from './models/index.js'
import type { Store } from './store.js'

const IR_MODEL_IDS: Record<string, number> = {
  'res.partner': 85,
  'account.move': 446,
  'mailing.contact': 481,
  'mailing.list': 482,
  'sale.order': 510,
}

export function seedReference(store: Store): void {
  // A real 17 demo database runs in USD (id 1); EUR is active here too so multi-currency cases exist.
  for (const [id, name, fullName, symbol, position] of [
    [1, 'USD', 'United States dollar', '$', 'before'],
    [2, 'EUR', 'Euro', '€', 'after'],
  ] as const) {
    insertRow(
      store,
      'res.currency',
      { name, full_name: fullName, symbol, position, rounding: 0.01, active: true },
      id,
    )
    xmlid(store, 'base', name, 'res.currency', id)
  }
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
      city: 'San Francisco',
      phone: '+1 (650) 555-0111 ',
      country_id: 2,
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

  // Ids of a real 17 demo database where known (facts.md §13, §17), so captured calls replay.
  let nextGroupId = 50
  for (const group of GROUPS) {
    const id = group.id ?? nextGroupId++
    const share = group.xmlid === 'base.group_portal' || group.xmlid === 'base.group_public'
    insertRow(store, 'res.groups', { name: group.name, share }, id)
    const [module, name] = group.xmlid.split('.') as [string, string]
    xmlid(store, module, name, 'res.groups', id)
  }
  const ordered = [...MODELS].sort(
    (a, b) => (IR_MODEL_IDS[a.def.name] ? 0 : 1) - (IR_MODEL_IDS[b.def.name] ? 0 : 1),
  )
  for (const { module, def } of ordered) {
    const values = {
      name: def.description,
      model: def.name,
      state: 'base',
      transient: Boolean(def.transient),
      is_mail_thread: Boolean(def.mail_thread),
    }
    const row = insertRow(store, 'ir.model', values, IR_MODEL_IDS[def.name])
    xmlid(store, module, `model_${def.name.replace(/\./g, '_')}`, 'ir.model', row.id)
  }

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
      active: name !== 'Exception', // archived in Odoo 17's data
      keep_done: false,
    })
    xmlid(store, 'mail', xml, 'mail.activity.type', row.id)
  }
  const upsell = insertRow(store, 'mail.activity.type', {
    name: 'Order Upsell',
    icon: 'fa-line-chart',
    sequence: 10,
    delay_count: 0,
    category: 'default',
    res_model: 'sale.order',
    active: true,
    keep_done: false,
  })
  xmlid(store, 'sale', 'mail_act_sale_upsell', 'mail.activity.type', upsell.id)
  for (const [name, code, type, sequence] of [
    ['Customer Invoices', 'INV', 'sale', 5],
    ['Vendor Bills', 'BILL', 'purchase', 6],
    ['Miscellaneous Operations', 'MISC', 'general', 9],
    ['Bank', 'BNK1', 'bank', 10],
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
