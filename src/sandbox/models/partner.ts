/**
 * `res.partner` with Odoo 17's fields, its "Company, Contact" display name, its parent/child
 * hierarchy (for `child_of`) and the `check_name` constraint. Chatter through mail.thread.
 * Also `product.product`, `account.tax` and `account.journal`, the reference data orders and
 * invoices point at. Does not model addresses beyond city/zip/country.
 */
import type { Env } from '../env.js'
import { validationError } from '../errors.js'
import type { ModelDef, Row } from '../fields.js'
import { boolean, char, float, html, integer, many2one, one2many, selection, text } from '../fields.js'

/** `complete_name`: "Company, Contact" from the parent company, or from `company_name` (users' partners). */
function completeName(row: Row, env: Env): string {
  const name = typeof row.name === 'string' ? row.name : ''
  if (row.is_company) return name
  const parent =
    typeof row.parent_id === 'number' ? env.state.store.get('res.partner', row.parent_id) : undefined
  const company = parent
    ? String(parent.is_company ? completeName(parent, env) : parent.name)
    : row.company_name
  return typeof company === 'string' && company ? `${company}, ${name}` : name
}

function commercialPartner(row: Row, env: Env): number {
  let current = row
  while (!current.is_company && typeof current.parent_id === 'number') {
    const parent = env.state.store.get('res.partner', current.parent_id)
    if (!parent) break
    current = parent
  }
  return current.id
}

// Odoo 17 res.partner `_sql_constraints` check_name, raised through `_as_validation_error`.
function checkName(vals: Record<string, unknown>, current?: Row): void {
  const type = 'type' in vals ? vals.type : (current?.type ?? 'contact')
  const name = 'name' in vals ? vals.name : current?.name
  if (type === 'contact' && (name === false || name === null || name === undefined))
    throw validationError('The operation cannot be completed: Contacts require a name')
}

/** `_check_parent_id`: a partner cannot be its own ancestor. */
function checkRecursion(env: Env, ids: number[], parentId: number): void {
  let current: number | false = parentId
  const seen = new Set<number>()
  while (typeof current === 'number' && !seen.has(current)) {
    if (ids.includes(current)) throw validationError('You cannot create recursive Partner hierarchies.')
    seen.add(current)
    current = (env.state.store.get('res.partner', current)?.parent_id as number | false | undefined) ?? false
  }
}

export const resPartner: ModelDef = {
  name: 'res.partner',
  description: 'Contact',
  order: 'complete_name ASC, id DESC',
  rec_name: 'complete_name',
  rec_names_search: ['complete_name', 'email', 'ref', 'vat', 'company_registry'],
  mail_thread: true,
  display_name: completeName,
  fields: {
    name: char('Name'),
    complete_name: char('Complete Name', { compute: completeName }),
    is_company: boolean('Is a Company', { default: () => false }),
    company_type: selection(
      'Company Type',
      [
        ['person', 'Individual'],
        ['company', 'Company'],
      ],
      { compute: (row) => (row.is_company ? 'company' : 'person') },
    ),
    parent_id: many2one('res.partner', 'Related Company'),
    child_ids: one2many('res.partner', 'parent_id', 'Contact'),
    commercial_partner_id: many2one('res.partner', 'Commercial Entity', { compute: commercialPartner }),
    type: selection(
      'Address Type',
      [
        ['contact', 'Contact'],
        ['invoice', 'Invoice Address'],
        ['delivery', 'Delivery Address'],
        ['other', 'Other Address'],
      ],
      { default: () => 'contact' },
    ),
    function: char('Job Position'),
    company_name: char('Company Name'),
    email: char('Email'),
    email_formatted: char('Formatted Email', {
      compute: (row) => (row.email ? `"${row.name ?? ''}" <${row.email}>` : false),
    }),
    phone: char('Phone'),
    mobile: char('Mobile'),
    website: char('Website Link'),
    street: char('Street'),
    city: char('City'),
    zip: char('Zip'),
    country_id: many2one('res.country', 'Country'),
    vat: char('Tax ID'),
    ref: char('Reference'),
    company_registry: char('Company ID'),
    lang: char('Language', { default: () => 'en_US' }),
    comment: html('Notes'),
    // Computed from mail.blacklist in Odoo; stored here, the sandbox has no blacklist model.
    is_blacklisted: boolean('Blacklist', { default: () => false }),
    active: boolean('Active', { default: () => true }),
    user_ids: one2many('res.users', 'partner_id', 'Users'),
    company_id: many2one('res.company', 'Company'),
    customer_rank: integer('Customer Rank', { default: () => 0 }),
    supplier_rank: integer('Supplier Rank', { default: () => 0 }),
  },
  before_create: (_env, vals) => checkName(vals),
  before_write: (env, ids, vals) => {
    for (const id of ids) checkName(vals, env.state.store.get('res.partner', id))
    if (typeof vals.parent_id === 'number') checkRecursion(env, ids, vals.parent_id)
  },
}

export const productProduct: ModelDef = {
  name: 'product.product',
  description: 'Product Variant',
  order: 'default_code, name, id',
  display_name: (row) => (row.default_code ? `[${row.default_code}] ${row.name}` : String(row.name)),
  rec_names_search: ['name', 'default_code'],
  fields: {
    name: char('Name', { required: true }),
    default_code: char('Internal Reference'),
    list_price: float('Sales Price', { default: () => 1 }),
    description_sale: text('Sales Description'),
    sale_ok: boolean('Can be Sold', { default: () => true }),
    active: boolean('Active', { default: () => true }),
    taxes_id: { type: 'many2many', string: 'Customer Taxes', comodel: 'account.tax' },
  },
}

export const accountTax: ModelDef = {
  name: 'account.tax',
  description: 'Tax',
  order: 'sequence asc, id',
  fields: {
    name: char('Tax Name', { required: true }),
    amount: float('Amount', { required: true }),
    amount_type: selection('Tax Computation', [
      ['percent', 'Percentage of Price'],
      ['fixed', 'Fixed'],
    ]),
    type_tax_use: selection('Tax Type', [
      ['sale', 'Sales'],
      ['purchase', 'Purchases'],
      ['none', 'None'],
    ]),
    sequence: integer('Sequence'),
    active: boolean('Active', { default: () => true }),
  },
}

export const accountJournal: ModelDef = {
  name: 'account.journal',
  description: 'Journal',
  order: 'sequence, type, code',
  fields: {
    name: char('Journal Name', { required: true }),
    code: char('Short Code', { required: true }),
    type: selection('Type', [
      ['sale', 'Sales'],
      ['purchase', 'Purchase'],
      ['cash', 'Cash'],
      ['bank', 'Bank'],
      ['general', 'Miscellaneous'],
    ]),
    sequence: integer('Sequence'),
    active: boolean('Active', { default: () => true }),
  },
}
