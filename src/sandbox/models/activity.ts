/**
 * `mail.activity` and `mail.activity.type` as in Odoo 17: an activity sits on a document
 * (`res_model_id` + `res_id`), is readable by its assignee or through the document, can only be
 * created by someone holding the document's post right and assigned to someone who can read the
 * document; `action_feedback`/`action_done` post "… done" on the document and delete it.
 * Does not chain next activities, keep done activities or send assignment emails.
 */

import { checkAccessRights } from '../access-rights.js'
import { type Env, today } from '../env.js'
import { userError } from '../errors.js'
import type { ModelDef, Row } from '../fields.js'
import { boolean, char, date, html, integer, many2one, selection } from '../fields.js'
import { subscribe } from '../followers.js'
import { missingRecordError, unlinkRecords } from '../orm-write.js'
import { displayName } from '../registry.js'
import { userName, xmlidToResId } from '../security.js'
import { userPartnerId } from './base.js'
import { browseForRead } from './common.js'
import { createMessage, documentAllowed, escapeHtml, postAccess } from './mail-thread.js'

const resModel = (row: Row, env: Env): string | false =>
  typeof row.res_model_id === 'number'
    ? ((env.state.store.get('ir.model', row.res_model_id)?.model as string) ?? false)
    : false

function resName(row: Row, env: Env): string | false {
  const model = resModel(row, env)
  const record = model ? env.state.store.get(model, row.res_id as number) : undefined
  return model && record ? displayName(env, model, record) : false
}

/** `_filter_access_rules_remaining`: assignee reads; otherwise the document's post right decides. */
function activityFilter(env: Env, rows: Row[], operation: string): Row[] {
  // The ir.rule `mail_activity_rule_user` (write, unlink): assigned to or created by the user.
  const mine = (r: Row) => r.user_id === env.uid || r.create_uid === env.uid
  const valid =
    operation === 'read'
      ? rows.filter((r) => r.user_id === env.uid)
      : operation === 'create'
        ? []
        : rows.filter(mine)
  const remaining = rows.filter((r) => !valid.includes(r))
  const byModel = new Map<string, number[]>()
  for (const row of remaining) {
    const model = resModel(row, env)
    if (model) byModel.set(model, [...(byModel.get(model) ?? []), row.res_id as number])
  }
  const allowed = new Map<string, Set<number>>()
  for (const [model, ids] of byModel) {
    const registryModel = env.state.registry.models.get(model)
    const op = registryModel?.mail_thread ? postAccess(env, model) : operation === 'read' ? 'read' : 'write'
    allowed.set(model, documentAllowed(env, model, ids, op))
  }
  return [
    ...valid,
    ...remaining.filter((r) => allowed.get(resModel(r, env) as string)?.has(r.res_id as number)),
  ]
}

function feedback(env: Env, ids: number[], text: unknown): number | false {
  const activities = browseForRead(env, 'mail.activity', ids)
  const messages: number[] = []
  for (const activity of activities) {
    const model = resModel(activity, env)
    const record = model ? env.state.store.get(model, activity.res_id as number) : undefined
    if (!model || !record) continue
    const type = env.state.store.get('mail.activity.type', activity.activity_type_id as number)
    // The shape of Odoo 17's `mail.message_activity_done` rendering (captures/14-messages-from-feedback.txt).
    const summary = activity.summary
      ? `\n        <span>: </span><span>${escapeHtml(String(activity.summary))}</span>`
      : ''
    const extra =
      typeof text === 'string' && text ? `\n    <div>\n            ${escapeHtml(text)}\n    </div>` : ''
    const note = activity.note
      ? `\n    \n        <div class="o_mail_note_title"><strong>Original note:</strong></div>\n        <div>${activity.note}</div>`
      : ''
    const body = `\n    <p>\n        <span class="fa ${escapeHtml(String(type?.icon ?? 'fa-tasks'))} fa-fw"></span><span>${escapeHtml(String(type?.name ?? 'Activity'))}</span> done${summary}\n    </p>${extra}${note}\n`
    messages.push(
      createMessage(env, {
        model,
        res_id: record.id,
        record_name: displayName(env, model, record),
        body,
        message_type: 'notification',
        subtype_id: xmlidToResId(env, 'mail.mt_activities') ?? false,
        author_id: userPartnerId(env),
        mail_activity_type_id: activity.activity_type_id ?? false,
      }),
    )
  }
  unlinkRecords(env, 'mail.activity', ids)
  return messages[0] ?? false
}

export const mailActivity: ModelDef = {
  name: 'mail.activity',
  description: 'Activity',
  order: 'date_deadline ASC, id ASC',
  rec_name: 'summary',
  display_name: (row, env) =>
    String(
      row.summary || env.state.store.get('mail.activity.type', row.activity_type_id as number)?.name || '',
    ),
  access_filter: activityFilter,
  fields: {
    res_model_id: many2one('ir.model', 'Document Model', {
      required: true,
      ondelete: 'cascade',
      default: (env) =>
        env.state.store.rows('ir.model').find((m) => m.model === env.context.default_res_model)?.id ?? false,
    }),
    res_model: char('Related Document Model', { compute: resModel }),
    res_id: integer('Related Document ID'),
    res_name: char('Document Name', { compute: resName }),
    activity_type_id: many2one('mail.activity.type', 'Activity Type', {
      default: (env) => xmlidToResId(env, 'mail.mail_activity_data_todo') ?? false,
    }),
    summary: char('Summary'),
    note: html('Note'),
    date_deadline: date('Due Date', { required: true, default: (env) => today(env) }),
    user_id: many2one('res.users', 'Assigned to', { default: (env) => env.uid }),
    automated: boolean('Automated activity'),
    active: boolean('Active', { default: () => true }),
    activity_category: selection(
      'Action',
      [
        ['default', 'None'],
        ['upload_file', 'Upload Document'],
        ['phonecall', 'Phonecall'],
      ],
      {
        compute: (row, env) =>
          env.state.store.get('mail.activity.type', row.activity_type_id as number)?.category ?? 'default',
      },
    ),
    can_write: boolean('Can Write', { compute: () => true }),
    chaining_type: selection(
      'Chaining Type',
      [
        ['suggest', 'Suggest Next Activity'],
        ['trigger', 'Trigger Next Activity'],
      ],
      { compute: () => 'suggest' },
    ),
    state: selection(
      'State',
      [
        ['overdue', 'Overdue'],
        ['today', 'Today'],
        ['planned', 'Planned'],
      ],
      {
        compute: (row, env) => {
          const deadline = String(row.date_deadline)
          return deadline < today(env) ? 'overdue' : deadline === today(env) ? 'today' : 'planned'
        },
      },
    ),
  },
  before_create: (env, vals) => {
    const model =
      typeof vals.res_model_id === 'number'
        ? env.state.store.get('ir.model', vals.res_model_id)?.model
        : undefined
    if (
      typeof model === 'string' &&
      typeof vals.res_id === 'number' &&
      !env.state.store.has(model, vals.res_id)
    )
      throw missingRecordError(env, model, vals.res_id)
  },
  // `_check_access_assignation`, after the creator's own check: the assignee needs the document's
  // model read right (rules are not checked for him), unless the activity is automated.
  after_create: (env, id) => {
    const activity = env.state.store.get('mail.activity', id) as Row
    const model = resModel(activity, env)
    const userId = activity.user_id
    if (!model || typeof userId !== 'number') return
    if (
      userId !== env.uid &&
      !activity.automated &&
      !checkAccessRights({ ...env, su: false, uid: userId }, model, 'read', false)
    ) {
      throw userError(
        `Assigned user ${userName(env, userId)} has no access to the document and is not able to handle this activity.`,
      )
    }
    // The assignee follows the document (mail_activity.py create: "need to be a follower to see the document").
    if (typeof activity.res_id === 'number')
      subscribe(env, model, [activity.res_id], [userPartnerId(env, userId)])
  },
  methods: {
    action_feedback: {
      qualname: 'MailActivity.action_feedback',
      writes: true,
      params: [
        { name: 'feedback', default: false },
        { name: 'attachment_ids', default: null },
      ],
      run: (env, ids, a) => feedback(env, ids, a.feedback),
    },
    action_done: {
      qualname: 'MailActivity.action_done',
      writes: true,
      params: [],
      run: (env, ids) => feedback(env, ids, false),
    },
  },
}

export const mailActivityType: ModelDef = {
  name: 'mail.activity.type',
  description: 'Activity Type',
  order: 'sequence, id',
  fields: {
    name: char('Name', { required: true }),
    summary: char('Default Summary'),
    sequence: integer('Sequence', { default: () => 10 }),
    active: boolean('Active', { default: () => true }),
    delay_count: integer('Schedule', { default: () => 0 }),
    icon: char('Icon'),
    category: selection(
      'Action',
      [
        ['default', 'None'],
        ['upload_file', 'Upload Document'],
        ['phonecall', 'Phonecall'],
      ],
      { default: () => 'default' },
    ),
    res_model: char('Model'),
    default_user_id: many2one('res.users', 'Default User'),
    default_note: html('Default Note'),
    keep_done: boolean('Keep Done'),
    delay_unit: selection(
      'Delay units',
      [
        ['days', 'days'],
        ['weeks', 'weeks'],
        ['months', 'months'],
      ],
      { default: () => 'days' },
    ),
  },
}
