/**
 * Odoo 17's `mailing.mailing`: a draft mailing on mailing lists (recipients = list contacts minus
 * opt-outs, domain "[('list_ids', 'in', [...])]") or on a document model with a domain string;
 * `action_put_in_queue`, `action_launch`, `action_cancel`, and `action_send_mail`, which writes one
 * `mail.mail` per recipient. The name, sender and reply-to mode default as in 17. Does not track
 * opens, clicks or bounces, nor run the mailing queue cron.
 */
import { type Env, nowString, sudo, today } from '../env.js'
import type { ModelDef, Row } from '../fields.js'
import { boolean, char, datetime, html, integer, many2many, many2one, selection } from '../fields.js'
import { filterRows, search } from '../orm-read.js'
import { createRecords, writeRecords } from '../orm-write.js'
import { parsePyLiteral } from '../py-repr.js'
import { browseForRead } from './common.js'
import { userEmailFrom } from './mail-thread.js'
import { subscriptions } from './mailing.js'

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

/**
 * `_compute_total`: a search_count of the domain on the real model, as the reader; opt-outs are
 * only dropped when sending; an unreadable domain counts nothing (`_parse_mailing_domain`).
 */
function total(row: Row, env: Env): number {
  try {
    return search(env, realModel(row, env), parsePyLiteral(String(row.mailing_domain || '[]'))).length
  } catch {
    return 0
  }
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
    total: integer('Total', { compute: total }),
    expected: integer('Expected', { compute: () => 0 }),
    // Delivery statistics: the sandbox sends nothing, so they stay at zero.
    ...Object.fromEntries(
      ['scheduled', 'sent', 'delivered', 'opened', 'clicked', 'replied', 'bounced', 'failed', 'canceled'].map(
        (name) => [name, integer(name[0]?.toUpperCase() + name.slice(1), { compute: () => 0 })],
      ),
    ),
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
