/**
 * Odoo 17's mailing lists: `mailing.list`, `mailing.contact` and `mailing.subscription`, where list
 * membership and the per-list `opt_out` live (a contact's `opt_out` only means something with one
 * list in the context `default_list_ids`, as in 17; a list shows as "Newsletter (7)"). The mailings
 * themselves are in mailing-mailing.ts. Does not handle the email blacklist.
 */
import { type Env, sudo } from '../env.js'
import { userError } from '../errors.js'
import type { ModelDef, Row } from '../fields.js'
import { boolean, char, datetime, float, integer, many2many, many2one, one2many } from '../fields.js'
import { createRecords, unlinkRecords } from '../orm-write.js'

export const subscriptions = (env: Env) => env.state.store.rows('mailing.subscription')

function listIdsOf(env: Env, contactId: number): number[] {
  return subscriptions(env)
    .filter((s) => s.contact_id === contactId)
    .map((s) => s.list_id as number)
}

function contactIdsOf(env: Env, listId: number): number[] {
  return subscriptions(env)
    .filter((s) => s.list_id === listId)
    .map((s) => s.contact_id as number)
}

/** Applies x2many commands on a list/contact relation kept in mailing.subscription. */
function applyMembership(env: Env, side: 'contact' | 'list', id: number, commands: unknown): void {
  const otherKey = side === 'contact' ? 'list_id' : 'contact_id'
  const ownKey = side === 'contact' ? 'contact_id' : 'list_id'
  const current = () => (side === 'contact' ? listIdsOf(env, id) : contactIdsOf(env, id))
  const add = (other: number) => {
    if (!current().includes(other))
      createRecords(sudo(env), 'mailing.subscription', [{ [ownKey]: id, [otherKey]: other }])
  }
  const remove = (other: number) => {
    const rows = subscriptions(env).filter((s) => s[ownKey] === id && s[otherKey] === other)
    unlinkRecords(
      sudo(env),
      'mailing.subscription',
      rows.map((r) => r.id),
    )
  }
  const list = Array.isArray(commands) ? commands : []
  const normalized = list.every((c) => typeof c === 'number') ? [[6, 0, list]] : list
  for (const command of normalized as unknown[][]) {
    const [code, a, b] = command
    if (code === 4) add(a as number)
    else if (code === 3) remove(a as number)
    else if (code === 5) for (const other of current()) remove(other)
    else if (code === 6) {
      const wanted = (b as number[]) ?? []
      for (const other of current()) if (!wanted.includes(other)) remove(other)
      for (const other of wanted) add(other)
    }
  }
}

function contextList(env: Env): number | null {
  const lists = env.context.default_list_ids
  return Array.isArray(lists) && lists.length === 1 && typeof lists[0] === 'number' ? lists[0] : null
}

export const mailingContact: ModelDef = {
  name: 'mailing.contact',
  description: 'Mailing Contact',
  order: 'name ASC, id DESC',
  mail_thread: true,
  fields: {
    name: char('Name'),
    company_name: char('Company Name'),
    email: char('Email'),
    country_id: many2one('res.country', 'Country'),
    list_ids: many2many('mailing.list', 'Mailing Lists', { compute: (row, env) => listIdsOf(env, row.id) }),
    subscription_ids: one2many('mailing.subscription', 'contact_id', 'Subscription Information'),
    email_normalized: char('Normalized Email', {
      compute: (row) =>
        typeof row.email === 'string' && row.email.includes('@') ? row.email.trim().toLowerCase() : false,
    }),
    opt_out: boolean('Opt Out', {
      compute: (row, env) => {
        const list = contextList(env)
        if (list === null) return false
        return Boolean(subscriptions(env).find((s) => s.contact_id === row.id && s.list_id === list)?.opt_out)
      },
    }),
    // Computed from mail.blacklist in Odoo; stored here, the sandbox has no blacklist model.
    is_blacklisted: boolean('Blacklist', { default: () => false }),
    active: boolean('Active', { default: () => true }),
  },
  before_create: (_env, vals) => {
    if (vals.list_ids && vals.subscription_ids)
      throw userError('You should give either list_ids, either subscription_ids to create new contacts.')
  },
  after_create: (env, id, vals) => {
    const lists =
      vals.list_ids ??
      (Array.isArray(env.context.default_list_ids) ? env.context.default_list_ids : undefined)
    if (lists !== undefined) applyMembership(env, 'contact', id, lists)
  },
  after_write: (env, ids, vals) => {
    if ('list_ids' in vals) for (const id of ids) applyMembership(env, 'contact', id, vals.list_ids)
  },
}

/** Share of a list's subscriptions matching `test`, in percent (0 for an empty list). */
function pct(env: Env, listId: number, test: (sub: Row) => boolean): number {
  const subs = subscriptions(env).filter((sub) => sub.list_id === listId)
  return subs.length === 0 ? 0 : (100 * subs.filter(test).length) / subs.length
}

export const mailingList: ModelDef = {
  name: 'mailing.list',
  description: 'Mailing List',
  order: 'create_date DESC',
  display_name: (row, env) => `${row.name} (${contactIdsOf(env, row.id).length})`,
  fields: {
    name: char('Mailing List', { required: true }),
    active: boolean('Active', { default: () => true }),
    is_public: boolean('Show In Preferences', { default: () => true }),
    contact_ids: many2many('mailing.contact', 'Mailing Lists', {
      compute: (row, env) => contactIdsOf(env, row.id),
    }),
    contact_count: integer('Number of Contacts', { compute: (row, env) => contactIdsOf(env, row.id).length }),
    contact_count_email: integer('Number of Emails', {
      compute: (row, env) =>
        subscriptions(env).filter((sub) => {
          const contact = env.state.store.get('mailing.contact', sub.contact_id as number)
          return sub.list_id === row.id && !sub.opt_out && Boolean(contact?.email) && !contact?.is_blacklisted
        }).length,
    }),
    contact_count_blacklisted: integer('Number of Blacklisted', {
      compute: (row, env) =>
        subscriptions(env).filter(
          (sub) =>
            sub.list_id === row.id &&
            env.state.store.get('mailing.contact', sub.contact_id as number)?.is_blacklisted,
        ).length,
    }),
    contact_pct_opt_out: float('Percentage of Opted-out', {
      compute: (row, env) => pct(env, row.id, (sub) => Boolean(sub.opt_out)),
    }),
    contact_pct_blacklisted: float('Percentage of Blacklisted', {
      compute: (row, env) =>
        pct(env, row.id, (sub) =>
          Boolean(env.state.store.get('mailing.contact', sub.contact_id as number)?.is_blacklisted),
        ),
    }),
    contact_count_opt_out: integer('Number of Opted-out', {
      compute: (row, env) => subscriptions(env).filter((s) => s.list_id === row.id && s.opt_out).length,
    }),
  },
  after_create: (env, id, vals) => {
    if (vals.contact_ids !== undefined) applyMembership(env, 'list', id, vals.contact_ids)
  },
  after_write: (env, ids, vals) => {
    if ('contact_ids' in vals) for (const id of ids) applyMembership(env, 'list', id, vals.contact_ids)
  },
}

export const mailingSubscription: ModelDef = {
  name: 'mailing.subscription',
  description: 'Mailing List Subscription',
  order: 'list_id DESC, contact_id DESC',
  display_name: (row) => `mailing.subscription,${row.id}`,
  fields: {
    contact_id: many2one('mailing.contact', 'Contact', { required: true, ondelete: 'cascade' }),
    list_id: many2one('mailing.list', 'Mailing List', { required: true, ondelete: 'cascade' }),
    opt_out: boolean('Opt Out', { default: () => false }),
    opt_out_datetime: datetime('Unsubscription Date'),
  },
}
