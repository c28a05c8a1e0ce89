/**
 * Model-level access rights, like Odoo's `ir.model.access`: which groups may read, write,
 * create or delete each model, and the AccessError Odoo 17 raises when none of the user's groups
 * may (`IrModelAccess.check`, listing the groups that would be allowed). The table comes from
 * the `ir.model.access.csv` files of base, mail, product, sales_team, sale, account and
 * mass_mailing 17.0 for the models the sandbox has, plus one row of this sandbox database's own
 * (salesmen in "Sales / Delete Own Quotations" may delete sale orders; stock 17 allows that to
 * Sales Administrators only). Does not filter records (record-rules.ts).
 */
import { type Env, modelDef } from './env.js'
import { accessError } from './errors.js'
import { GROUPS, groupFullName } from './groups.js'
import { userGroups } from './security.js'

export type Operation = 'read' | 'write' | 'create' | 'unlink'

const OPERATION_LETTER: Record<Operation, string> = { read: 'r', write: 'w', create: 'c', unlink: 'u' }

/** model → group xml id → granted operations, as letters (r, w, c, u). */
const ACL: Record<string, Record<string, string>> = {
  'res.partner': {
    'base.group_public': 'r',
    'base.group_portal': 'r',
    'base.group_partner_manager': 'rwcu',
    'base.group_user': 'r',
    'sales_team.group_sale_salesman': 'r',
    'sales_team.group_sale_manager': 'rwc',
    'account.group_account_manager': 'r',
  },
  'res.users': {
    'base.group_public': 'r',
    'base.group_portal': 'r',
    'base.group_user': 'r',
    'base.group_erp_manager': 'rwcu',
  },
  'res.users.identitycheck': { 'base.group_user': 'rwc', 'base.group_portal': 'rwc' },
  'res.users.apikeys': { 'base.group_user': 'r', 'base.group_portal': 'r' },
  'res.users.apikeys.description': { 'base.group_user': 'rc', 'base.group_portal': 'rc' },
  'res.groups': { 'base.group_erp_manager': 'rwcu', 'base.group_user': 'r' },
  'ir.model': { 'base.group_erp_manager': 'rwcu', 'mass_mailing.group_mass_mailing_user': 'r' },
  'ir.model.data': { 'base.group_erp_manager': 'rwcu' },
  'res.company': {
    'base.group_erp_manager': 'rwcu',
    'base.group_public': 'r',
    'base.group_portal': 'r',
    'base.group_user': 'r',
  },
  'res.country': {
    'base.group_public': 'r',
    'base.group_portal': 'r',
    'base.group_user': 'r',
    'base.group_partner_manager': 'r',
    'base.group_system': 'rwcu',
  },
  'res.currency': {
    'base.group_public': 'r',
    'base.group_portal': 'r',
    'base.group_user': 'r',
    'base.group_system': 'rwcu',
    'account.group_account_manager': 'rwcu',
  },
  'product.product': {
    'base.group_user': 'r',
    'base.group_system': 'rwcu',
    'sales_team.group_sale_salesman': 'r',
    'sales_team.group_sale_manager': 'rwcu',
    'account.group_account_readonly': 'r',
    'account.group_account_manager': 'rwcu',
  },
  'account.tax': {
    'base.group_user': 'r',
    'account.group_account_readonly': 'r',
    'account.group_account_invoice': 'r',
    'account.group_account_manager': 'rwcu',
    'sales_team.group_sale_salesman': 'r',
  },
  'account.journal': {
    'account.group_account_readonly': 'r',
    'account.group_account_manager': 'rwcu',
    'account.group_account_invoice': 'r',
    'sales_team.group_sale_salesman': 'r',
  },
  'sale.order': {
    'base.group_portal': 'r',
    'account.group_account_readonly': 'r',
    'account.group_account_invoice': 'rw',
    'account.group_account_user': 'rw',
    'sales_team.group_sale_salesman': 'rwc',
    'sales_team.group_sale_manager': 'rwcu',
    // A customisation of this sandbox database, not stock Odoo 17: salesmen in this group may delete
    // sale orders; record rules still limit them to their own, and sale.order's state rule to
    // quotations and cancelled orders. Marc Demo is a member, so the seed story (his AI deletes 12
    // quotations once approved) can run as him. docs/decisions.md explains why.
    'countersign_sandbox.group_sale_quotation_delete': 'u',
  },
  'sale.order.line': {
    'base.group_portal': 'r',
    'account.group_account_readonly': 'r',
    'account.group_account_invoice': 'rw',
    'account.group_account_user': 'rw',
    'sales_team.group_sale_salesman': 'rwcu',
  },
  'account.move': {
    'account.group_account_manager': 'r',
    'account.group_account_readonly': 'r',
    'account.group_account_invoice': 'rwcu',
    'base.group_portal': 'r',
    'sales_team.group_sale_salesman': 'r',
  },
  'account.move.line': {
    'sales_team.group_sale_salesman': 'r',
    'account.group_account_manager': 'r',
    'account.group_account_readonly': 'r',
    'account.group_account_invoice': 'rwcu',
    'base.group_portal': 'r',
  },
  'mail.template': {
    'base.group_user': 'rwcu',
    'mail.group_mail_template_editor': 'rwcu',
    'base.group_system': 'rwcu',
  },
  'mail.mail': { 'base.group_system': 'rwcu' },
  'mail.message': { 'base.group_public': 'r', 'base.group_portal': 'rwcu', 'base.group_user': 'rwcu' },
  'mail.message.subtype': {
    'base.group_public': 'r',
    'base.group_portal': 'r',
    'base.group_user': 'r',
    'base.group_system': 'rwcu',
  },
  'mail.activity': { 'base.group_user': 'rwcu' },
  'mail.activity.type': {
    'base.group_user': 'r',
    'base.group_system': 'rwcu',
    'sales_team.group_sale_manager': 'rwcu',
  },
  'mailing.mailing': { 'mass_mailing.group_mass_mailing_user': 'rwcu', 'base.group_system': 'rwcu' },
  'mailing.list': { 'mass_mailing.group_mass_mailing_user': 'rwcu' },
  'mailing.contact': { 'mass_mailing.group_mass_mailing_user': 'rwcu' },
  'mailing.subscription': { 'mass_mailing.group_mass_mailing_user': 'rwcu' },
}

function allowed(model: string, operation: Operation, groups: Set<string>): boolean {
  const letter = OPERATION_LETTER[operation]
  return Object.entries(ACL[model] ?? {}).some(
    ([group, perms]) => groups.has(group) && perms.includes(letter),
  )
}

/** `group_names_with_access`: "Category/Name", ordered by category then name. */
export function groupNamesWithAccess(model: string, operation: Operation): string[] {
  const letter = OPERATION_LETTER[operation]
  const granted = Object.entries(ACL[model] ?? {})
    .filter(([, perms]) => perms.includes(letter))
    .map(([xmlid]) => xmlid)
  return GROUPS.filter((g) => granted.includes(g.xmlid))
    .sort((a, b) => {
      if (a.category !== b.category) {
        if (a.category === null) return 1
        if (b.category === null) return -1
        return a.category.localeCompare(b.category, 'en')
      }
      return a.name.localeCompare(b.name, 'en')
    })
    .map(groupFullName)
}

const HEADS: Record<Operation, string> = {
  read: 'You are not allowed to access',
  write: 'You are not allowed to modify',
  create: 'You are not allowed to create',
  unlink: 'You are not allowed to delete',
}

/** `check_access_rights`: true/false, or the AccessError Odoo 17 words (odoo/addons/base/models/ir_model.py). */
export function checkAccessRights(env: Env, model: string, operation: Operation, raise = true): boolean {
  if (env.su) return true
  if (allowed(model, operation, userGroups(env))) return true
  if (!raise) return false
  const groups = groupNamesWithAccess(model, operation)
    .map((g) => `\t- ${g}`)
    .join('\n')
  const description = modelDef(env, model).description
  const head = `${HEADS[operation]} '${description}' (${model}) records.`
  const groupInfo = groups
    ? `This operation is allowed for the following groups:\n${groups}`
    : 'No group currently allows this operation.'
  throw accessError(`${head}\n\n${groupInfo}\n\nContact your administrator to request access if necessary.`)
}
