/**
 * Record rules, like Odoo's `ir.rule`: which records of a model a user may read, write, create or
 * delete. Global rules (no group) all apply; among group rules, those of the user's groups are
 * OR-ed, then AND-ed with the global ones (`ir.rule._compute_domain`). Rules come from sale and
 * account 17.0 security files (salesman: own orders and invoices only). The AccessError text is
 * the one Odoo 17 gives outside debug mode, which is always the case over RPC. Does not check
 * model-level rights (access-rights.ts).
 */
import type { Operation } from './access-rights.js'
import { normalizeDomain } from './domain.js'
import type { Env } from './env.js'
import { modelDef } from './env.js'
import { accessError } from './errors.js'
import { userGroups, userName } from './security.js'

interface Rule {
  name: string
  model: string
  groups: readonly string[]
  domain: (uid: number) => unknown[]
  /** Operations the rule applies to; all four when absent. */
  perms?: readonly Operation[]
}

const ALL: () => unknown[] = () => [[1, '=', 1]]
const CUSTOMER_INVOICES = ['move_type', 'in', ['out_invoice', 'out_refund']]

const RULES: readonly Rule[] = [
  {
    name: 'users can only access their own id check',
    model: 'res.users.identitycheck',
    groups: [],
    domain: (uid) => [['create_uid', '=', uid]],
  },
  // A transient model's records are their creator's alone (`_transient` access in models.py).
  {
    name: 'own API key descriptions',
    model: 'res.users.apikeys.description',
    groups: [],
    domain: (uid) => [['create_uid', '=', uid]],
  },
  {
    name: "Public users can't interact with keys at all",
    model: 'res.users.apikeys',
    groups: ['base.group_public'],
    domain: () => [[0, '=', 1]],
  },
  {
    name: 'Users can read and delete their own keys',
    model: 'res.users.apikeys',
    groups: ['base.group_portal', 'base.group_user'],
    domain: (uid) => [['user_id', '=', uid]],
  },
  {
    name: 'Administrators can view user keys to revoke them',
    model: 'res.users.apikeys',
    groups: ['base.group_system'],
    domain: ALL,
  },
  {
    name: 'Personal Orders',
    model: 'sale.order',
    groups: ['sales_team.group_sale_salesman'],
    domain: (uid) => ['|', ['user_id', '=', uid], ['user_id', '=', false]],
  },
  {
    name: 'All Orders',
    model: 'sale.order',
    groups: ['sales_team.group_sale_salesman_all_leads'],
    domain: ALL,
  },
  {
    name: 'Personal Order Lines',
    model: 'sale.order.line',
    groups: ['sales_team.group_sale_salesman'],
    domain: (uid) => ['|', ['salesman_id', '=', uid], ['salesman_id', '=', false]],
  },
  {
    name: 'All Orders Lines',
    model: 'sale.order.line',
    groups: ['sales_team.group_sale_salesman_all_leads'],
    domain: ALL,
  },
  {
    name: 'Personal Invoices',
    model: 'account.move',
    groups: ['sales_team.group_sale_salesman'],
    domain: (uid) => [CUSTOMER_INVOICES, '|', ['invoice_user_id', '=', uid], ['invoice_user_id', '=', false]],
  },
  {
    name: 'All Invoices',
    model: 'account.move',
    groups: ['sales_team.group_sale_salesman_all_leads'],
    domain: () => [CUSTOMER_INVOICES],
  },
  {
    name: 'All Journal Entries',
    model: 'account.move',
    groups: ['account.group_account_invoice'],
    domain: ALL,
  },
  {
    name: 'Readonly Move',
    model: 'account.move',
    groups: ['account.group_account_readonly'],
    domain: ALL,
    perms: ['read'],
  },
  {
    name: 'Personal Invoice Lines',
    model: 'account.move.line',
    groups: ['sales_team.group_sale_salesman'],
    domain: (uid) => [
      ['move_id.move_type', 'in', ['out_invoice', 'out_refund']],
      '|',
      ['move_id.invoice_user_id', '=', uid],
      ['move_id.invoice_user_id', '=', false],
    ],
  },
  {
    name: 'All Journal Items',
    model: 'account.move.line',
    groups: ['account.group_account_invoice'],
    domain: ALL,
  },
  {
    name: 'Readonly Move Line',
    model: 'account.move.line',
    groups: ['account.group_account_readonly'],
    domain: ALL,
    perms: ['read'],
  },
  {
    name: 'Employees can only change their own templates',
    model: 'mail.template',
    groups: ['base.group_user'],
    domain: (uid) => [['create_uid', '=', uid]],
    perms: ['create', 'write', 'unlink'],
  },
  {
    name: 'Mail Template Editors - Edit All Templates',
    model: 'mail.template',
    groups: ['mail.group_mail_template_editor', 'base.group_system'],
    domain: ALL,
    perms: ['create', 'write', 'unlink'],
  },
]

/** The domain the user's records must satisfy for `operation`, or null when no rule applies. */
export function ruleDomain(env: Env, model: string, operation: Operation): unknown[] | null {
  if (env.su) return null
  const rules = RULES.filter(
    (r) => r.model === model && (r.perms ?? ['read', 'write', 'create', 'unlink']).includes(operation),
  )
  if (rules.length === 0) return null
  const groups = userGroups(env)
  const global = rules.filter((r) => r.groups.length === 0).map((r) => r.domain(env.uid))
  const mine = rules.filter((r) => r.groups.some((g) => groups.has(g))).map((r) => r.domain(env.uid))
  const anyGroupRule = rules.some((r) => r.groups.length > 0)
  const parts = [...global]
  // Group rules exist but none is the user's: Odoo ORs an empty set, which denies everything.
  if (anyGroupRule) parts.push(mine.length > 0 ? or(mine) : [[0, '=', 1]])
  return and(parts)
}

/** Joins normalised domains with `|` or `&` in prefix notation (`expression.OR` / `AND`). */
function combine(operator: '|' | '&', domains: unknown[][]): unknown[] {
  if (domains.length === 0) return []
  return [...Array(domains.length - 1).fill(operator), ...domains.flatMap((d) => normalizeDomain(d))]
}

const or = (domains: unknown[][]) => combine('|', domains)
const and = (domains: unknown[][]) => combine('&', domains)

/** `ir.rule._make_access_error` outside debug mode (odoo/addons/base/models/ir_rule.py, 17.0). */
export function recordRuleError(env: Env, model: string, operation: Operation) {
  const description = modelDef(env, model).description
  return accessError(
    'Uh-oh! Looks like you have stumbled upon some top-secret records.\n\n' +
      `Sorry, ${userName(env)} (id=${env.uid}) doesn't have '${operation}' access to:\n` +
      `- ${description} (${model})\n\n` +
      'If you really, really need access, perhaps you can win over your friendly administrator with a batch of freshly baked cookies.',
  )
}
