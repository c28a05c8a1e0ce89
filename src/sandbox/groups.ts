/**
 * The security groups the sandbox knows, with Odoo 17's xml ids, names, categories, implied
 * groups (from base, mail, product, sales_team, sale_management, account and mass_mailing data)
 * and, where measured, the ids a real 17 demo database gives them (facts.md §17). Group names
 * matter: access errors list them as "Category/Name". Does not decide who is in which group
 * (demo-data.ts and the test hook do) nor what a group may do (access-rights.ts, record-rules.ts).
 */

export interface GroupInfo {
  /** The id in a real Odoo 17 demo database, when known; others get free ids from 50 on. */
  id?: number
  xmlid: string
  name: string
  category: string | null
  implied: readonly string[]
}

export const GROUPS: readonly GroupInfo[] = [
  {
    id: 1,
    xmlid: 'base.group_user',
    name: 'Internal User',
    category: 'User types',
    // Observed on a real 17 database (facts.md §10): every internal user also gets these.
    implied: [
      'mail.group_mail_template_editor',
      'base.group_no_one',
      'product.group_product_variant',
      'sale_management.group_sale_order_template',
    ],
  },
  {
    id: 2,
    xmlid: 'base.group_erp_manager',
    name: 'Access Rights',
    category: 'Administration',
    implied: ['base.group_user'],
  },
  {
    id: 4,
    xmlid: 'base.group_system',
    name: 'Settings',
    category: 'Administration',
    implied: ['base.group_erp_manager', 'mail.group_mail_template_editor'],
  },
  { id: 7, xmlid: 'base.group_no_one', name: 'Technical Features', category: 'Extra Rights', implied: [] },
  { xmlid: 'base.group_portal', name: 'Portal', category: 'User types', implied: [] },
  { xmlid: 'base.group_public', name: 'Public', category: 'User types', implied: [] },
  { xmlid: 'base.group_partner_manager', name: 'Contact Creation', category: 'Extra Rights', implied: [] },
  { xmlid: 'base.group_multi_currency', name: 'Multi Currencies', category: 'Extra Rights', implied: [] },
  { xmlid: 'base.group_allow_export', name: 'Access to export feature', category: 'Technical', implied: [] },
  {
    xmlid: 'mail.group_mail_template_editor',
    name: 'Mail Template Editor',
    category: 'Technical',
    implied: [],
  },
  {
    xmlid: 'product.group_product_variant',
    name: 'Manage Product Variants',
    category: 'Technical',
    implied: [],
  },
  {
    xmlid: 'sale_management.group_sale_order_template',
    name: 'Quotation Templates',
    category: 'Technical',
    implied: [],
  },
  // Not in Odoo: this sandbox database's own group (see the module header of access-rights.ts).
  {
    xmlid: 'countersign_sandbox.group_sale_quotation_delete',
    name: 'Delete Own Quotations',
    category: 'Sales',
    implied: ['sales_team.group_sale_salesman'],
  },
  {
    id: 21,
    xmlid: 'sales_team.group_sale_salesman',
    name: 'User: Own Documents Only',
    category: 'Sales',
    implied: ['base.group_user'],
  },
  {
    id: 22,
    xmlid: 'sales_team.group_sale_salesman_all_leads',
    name: 'User: All Documents',
    category: 'Sales',
    implied: ['sales_team.group_sale_salesman'],
  },
  {
    id: 23,
    xmlid: 'sales_team.group_sale_manager',
    name: 'Administrator',
    category: 'Sales',
    implied: ['sales_team.group_sale_salesman_all_leads', 'mail.group_mail_template_editor'],
  },
  {
    id: 26,
    xmlid: 'account.group_account_invoice',
    name: 'Billing',
    category: 'Invoicing',
    implied: ['base.group_user'],
  },
  {
    id: 28,
    xmlid: 'account.group_account_manager',
    name: 'Billing Administrator',
    category: 'Invoicing',
    implied: ['account.group_account_invoice'],
  },
  {
    xmlid: 'account.group_account_readonly',
    name: 'Show Accounting Features - Readonly',
    category: 'Technical',
    implied: ['base.group_user'],
  },
  {
    xmlid: 'account.group_account_user',
    name: 'Show Full Accounting Features',
    category: 'Technical',
    implied: ['account.group_account_invoice', 'account.group_account_readonly'],
  },
  {
    id: 34,
    xmlid: 'mass_mailing.group_mass_mailing_user',
    name: 'User',
    category: 'Email Marketing',
    implied: ['base.group_user', 'mail.group_mail_template_editor'],
  },
]

const BY_XMLID = new Map(GROUPS.map((g) => [g.xmlid, g]))

export function groupInfo(xmlid: string): GroupInfo | undefined {
  return BY_XMLID.get(xmlid)
}

/** The groups and every group they imply, as Odoo stores them on the user. */
export function withImplied(xmlids: Iterable<string>): Set<string> {
  const result = new Set<string>()
  const todo = [...xmlids]
  while (todo.length > 0) {
    const xmlid = todo.pop() as string
    if (result.has(xmlid)) continue
    result.add(xmlid)
    todo.push(...(BY_XMLID.get(xmlid)?.implied ?? []))
  }
  return result
}

/** "Category/Name", or the bare name for a group without category (`group_names_with_access`). */
export function groupFullName(group: GroupInfo): string {
  return group.category ? `${group.category}/${group.name}` : group.name
}
