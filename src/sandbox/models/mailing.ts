/**
 * Odoo 17 mass mailing: `mailing.mailing` (draft → in_queue → sending → done; `action_put_in_queue`,
 * `action_cancel`, `action_launch`, and `action_send_mail`, which writes one `mail.mail` per
 * recipient), `mailing.list`, `mailing.contact` and `mailing.subscription`, where list membership
 * and the per-list `opt_out` live (a contact's `opt_out` is only meaningful with one list in the
 * context `default_list_ids`, as in 17). Does not track opens, clicks or bounces.
 */
import { type Env, nowString, sudo } from '../env.js'
import type { ModelDef, Row } from '../fields.js'
import { boolean, char, datetime, html, integer, many2many, many2one, selection } from '../fields.js'
import { filterRows } from '../orm-read.js'
import { createRecords, unlinkRecords, writeRecords } from '../orm-write.js'
import { browseForRead } from './common.js'

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
  fields: {
    name: char('Mailing List', { required: true }),
    active: boolean('Active', { default: () => true }),
    is_public: boolean('Show In Preferences', { default: () => true }),
    contact_ids: many2many('mailing.contact', 'Mailing Lists', {
      compute: (row, env) => contactIdsOf(env, row.id),
    }),
    contact_count: integer('Number of Contacts', { compute: (row, env) => contactIdsOf(env, row.id).length }),
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

const modelOf = (row: Row, env: Env) =>
  typeof row.mailing_model_id === 'number'
    ? String(env.state.store.get('ir.model', row.mailing_model_id)?.model ?? '')
    : ''

/** Who a mailing goes to: contacts of its lists (not opted out), or the records of its domain. */
function recipients(env: Env, mailing: Row): { model: string; rows: Row[] } {
  if (modelOf(mailing, env) === 'mailing.list') {
    const lists = (mailing.contact_list_ids as number[]) ?? []
    const ids = new Set(
      subscriptions(env)
        .filter((s) => lists.includes(s.list_id as number) && !s.opt_out)
        .map((s) => s.contact_id as number),
    )
    return {
      model: 'mailing.contact',
      rows: [...ids].map((id) => env.state.store.get('mailing.contact', id) as Row),
    }
  }
  const model = modelOf(mailing, env)
  let domain: unknown = []
  try {
    domain = JSON.parse(
      String(mailing.mailing_domain || '[]')
        .replace(/'/g, '"')
        .replace(/\(/g, '[')
        .replace(/\)/g, ']')
        .replace(/False/g, 'false')
        .replace(/True/g, 'true'),
    )
  } catch {
    domain = []
  }
  return { model, rows: filterRows(sudo(env), model, domain) }
}

export const mailingMailing: ModelDef = {
  name: 'mailing.mailing',
  description: 'Mass Mailing',
  order: 'calendar_date DESC',
  rec_name: 'subject',
  fields: {
    subject: char('Subject', { required: true }),
    preview: char('Preview'),
    email_from: char('Send From'),
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
    mailing_model_real: char('Recipients Real Model', {
      compute: (row, env) => (modelOf(row, env) === 'mailing.list' ? 'mailing.contact' : modelOf(row, env)),
    }),
    mailing_domain: char('Domain', {
      default: (env, vals) => {
        const model = env.state.store.get('ir.model', vals.mailing_model_id as number)?.model
        return model === 'mailing.list' || model === 'res.partner' || model === 'mailing.contact'
          ? "[('is_blacklisted', '=', False)]"
          : '[]'
      },
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
