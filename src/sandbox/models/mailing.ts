/**
 * Odoo 17 mass mailing: `mailing.mailing` (draft → in_queue → sending → done; `action_put_in_queue`,
 * `action_cancel`, `action_launch`, and `action_send_mail`, which writes one `mail.mail` per
 * recipient), `mailing.list`, `mailing.contact` and `mailing.subscription`, where list membership
 * and the per-list `opt_out` live (a contact's `opt_out` is only meaningful with one list in the
 * context `default_list_ids`, as in 17). Does not track opens, clicks or bounces.
 */
import { type Env, nowString, sudo, today } from '../env.js'
import { userError } from '../errors.js'
import type { ModelDef, Row } from '../fields.js'
import {
  boolean,
  char,
  datetime,
  html,
  integer,
  many2many,
  many2one,
  one2many,
  selection,
} from '../fields.js'
import { filterRows } from '../orm-read.js'
import { createRecords, unlinkRecords, writeRecords } from '../orm-write.js'
import { parsePyLiteral } from '../py-repr.js'
import { browseForRead } from './common.js'
import { userEmailFrom } from './mail-thread.js'

const subscriptions = (env: Env) => env.state.store.rows('mailing.subscription')

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
    opt_out: boolean('Opt Out', {
      compute: (row, env) => {
        const list = contextList(env)
        if (list === null) return false
        return Boolean(subscriptions(env).find((s) => s.contact_id === row.id && s.list_id === list)?.opt_out)
      },
    }),
    is_blacklisted: boolean('Blacklist', { compute: () => false }),
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
        subscriptions(env).filter(
          (sub) =>
            sub.list_id === row.id &&
            !sub.opt_out &&
            Boolean(env.state.store.get('mailing.contact', sub.contact_id as number)?.email),
        ).length,
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

const modelOf = (row: Row | Record<string, unknown>, env: Env) =>
  typeof row.mailing_model_id === 'number'
    ? String(env.state.store.get('ir.model', row.mailing_model_id)?.model ?? '')
    : ''

const realModel = (row: Row | Record<string, unknown>, env: Env) =>
  modelOf(row, env) === 'mailing.list' ? 'mailing.contact' : modelOf(row, env)

/** `_compute_mailing_domain` for list mailings: "[('list_ids', 'in', [3])]" (captures/13-mailing.mailing-read-list-mailing.txt). */
function listDomain(listIds: number[]): string {
  return `[('list_ids', 'in', [${listIds.join(', ')}])]`
}

function listIdsOfValue(env: Env, value: unknown): number[] {
  if (!Array.isArray(value)) return []
  if (value.every((v) => typeof v === 'number')) return value as number[]
  let ids: number[] = []
  for (const [code, a, b] of value as unknown[][]) {
    if (code === 6) ids = [...((b as number[]) ?? [])]
    else if (code === 4) ids.push(a as number)
    else if (code === 3) ids = ids.filter((id) => id !== a)
    else if (code === 5) ids = []
  }
  void env
  return ids
}

/** Who a mailing goes to: records of its domain on the real model, minus list opt-outs. */
function recipients(env: Env, mailing: Row): { model: string; rows: Row[] } {
  const model = realModel(mailing, env)
  let domain: unknown = []
  try {
    domain = parsePyLiteral(String(mailing.mailing_domain || '[]'))
  } catch {
    domain = []
  }
  let rows = filterRows(sudo(env), model, domain)
  if (model === 'mailing.contact') {
    const lists = (mailing.contact_list_ids as number[]) ?? []
    const optedOut = new Set(
      subscriptions(env)
        .filter((sub) => lists.includes(sub.list_id as number) && sub.opt_out)
        .map((sub) => sub.contact_id as number),
    )
    rows = rows.filter((r) => !optedOut.has(r.id))
  }
  return { model, rows }
}

/** The utm-style name Odoo 17 gives a mailing (captures/13-mailing.mailing-read-created.txt). */
function mailingName(env: Env, subject: string): string {
  const short = subject.length >= 24 ? `${subject.slice(0, 20)}...` : subject
  const base = `${short} (Mass Mailing created on ${today(env)})`
  const taken = new Set(env.state.store.rows('mailing.mailing').map((m) => m.name))
  if (!taken.has(base)) return base
  let n = 2
  while (taken.has(`${base} [${n}]`)) n++
  return `${base} [${n}]`
}

export const mailingMailing: ModelDef = {
  name: 'mailing.mailing',
  description: 'Mass Mailing',
  order: 'calendar_date DESC',
  rec_name: 'subject',
  fields: {
    name: char('Name'),
    subject: char('Subject', { required: true }),
    preview: char('Preview'),
    email_from: char('Send From', { default: (env) => userEmailFrom(env) }),
    reply_to_mode: selection('Reply-To Mode', [
      ['update', 'Recipient Followers'],
      ['new', 'Specified Email Address'],
    ]),
    keep_archives: boolean('Keep Archives', { default: () => false }),
    total: integer('Total', { compute: (row, env) => recipients(env, row).rows.length }),
    expected: integer('Expected', { compute: () => 0 }),
    reply_to: char('Reply To'),
    body_arch: html('Body'),
    body_html: html('Body converted to be sent by mail'),
    active: boolean('Active', { default: () => true }),
    state: selection(
      'Status',
      [
        ['draft', 'Draft'],
        ['in_queue', 'In Queue'],
        ['sending', 'Sending'],
        ['done', 'Sent'],
      ],
      { required: true, default: () => 'draft' },
    ),
    user_id: many2one('res.users', 'Responsible', { default: (env) => env.uid }),
    mailing_type: selection('Mailing Type', [['mail', 'Email']], { required: true, default: () => 'mail' }),
    mailing_model_id: many2one('ir.model', 'Recipients Model', {
      required: true,
      ondelete: 'cascade',
      default: (env) => env.state.store.rows('ir.model').find((m) => m.model === 'mailing.list')?.id ?? false,
    }),
    mailing_model_name: char('Recipients Model Name', { compute: modelOf }),
    mailing_model_real: char('Recipients Real Model', { compute: realModel }),
    mailing_domain: char('Domain', {
      default: (env, vals) =>
        modelOf(vals, env) === 'mailing.list' ? listDomain(listIdsOfValue(env, vals.contact_list_ids)) : '[]',
    }),
    contact_list_ids: many2many('mailing.list', 'Mailing Lists'),
    schedule_type: selection(
      'Schedule',
      [
        ['now', 'Send now'],
        ['scheduled', 'Send on'],
      ],
      { default: () => 'now' },
    ),
    schedule_date: datetime('Scheduled for'),
    sent_date: datetime('Sent Date'),
    calendar_date: datetime('Calendar Date', {
      compute: (row) => row.sent_date || row.schedule_date || false,
    }),
  },
  before_create: (env, vals) => {
    if (!vals.name && typeof vals.subject === 'string') vals.name = mailingName(env, vals.subject)
    if (!vals.reply_to_mode)
      vals.reply_to_mode = realModel(vals, env) === 'mailing.contact' ? 'new' : 'update'
  },
  after_write: (env, ids, vals) => {
    if (!('contact_list_ids' in vals || 'mailing_model_id' in vals) || 'mailing_domain' in vals) return
    for (const id of ids) {
      const row = env.state.store.get('mailing.mailing', id) as Row
      if (modelOf(row, env) === 'mailing.list')
        env.state.store.update('mailing.mailing', id, {
          mailing_domain: listDomain((row.contact_list_ids as number[]) ?? []),
        })
    }
  },
  methods: {
    action_put_in_queue: {
      qualname: 'MassMailing.action_put_in_queue',
      params: [],
      writes: true,
      run: (env, ids) => {
        writeRecords(env, 'mailing.mailing', ids, { state: 'in_queue' })
        return null
      },
    },
    action_launch: {
      qualname: 'MassMailing.action_launch',
      params: [],
      writes: true,
      run: (env, ids) => {
        writeRecords(env, 'mailing.mailing', ids, { schedule_type: 'now', state: 'in_queue' })
        return null
      },
    },
    action_cancel: {
      qualname: 'MassMailing.action_cancel',
      params: [],
      writes: true,
      run: (env, ids) => {
        writeRecords(env, 'mailing.mailing', ids, {
          state: 'draft',
          schedule_date: false,
          schedule_type: 'now',
        })
        return null
      },
    },
    action_send_mail: {
      qualname: 'MassMailing.action_send_mail',
      params: [{ name: 'res_ids', default: null }],
      writes: true,
      run: (env, ids) => {
        for (const mailing of browseForRead(env, 'mailing.mailing', ids)) {
          const { model, rows } = recipients(env, mailing)
          for (const row of rows.filter((r) => r.email)) {
            createRecords(sudo(env), 'mail.mail', [
              {
                subject: mailing.subject,
                body_html: mailing.body_html || mailing.body_arch || false,
                email_from: mailing.email_from || false,
                email_to: row.email,
                model,
                res_id: row.id,
                state: 'outgoing',
              },
            ])
          }
          writeRecords(env, 'mailing.mailing', [mailing.id], { state: 'done', sent_date: nowString(env) })
        }
        return true
      },
    },
  },
}
