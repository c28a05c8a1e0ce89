/**
 * Odoo 17's mail models Countersign uses: `mail.template` with `send_mail` (renders `{{ object.x }}`
 * placeholders and `t-out`, applies `email_values` over the template's recipients exactly as
 * 17 does, creates a `mail.mail` so tests can see what was sent), `mail.mail`, `mail.message`
 * (chatter, readable through the document) and `mail.message.subtype`. Does not send email:
 * mails stay `outgoing`, or become `sent` when `force_send` is asked.
 */

import { checkAccessRights } from '../access-rights.js'
import { type Env, nowString, sudo } from '../env.js'
import { accessError } from '../errors.js'
import type { ModelDef, Row } from '../fields.js'
import { boolean, char, datetime, html, integer, many2many, many2one, selection, text } from '../fields.js'
import { checkRecordRules } from '../orm-read.js'
import { createRecords } from '../orm-write.js'
import { displayName, fieldDef } from '../registry.js'
import { userPartnerId } from './base.js'
import { browseForRead, ensureOne } from './common.js'
import { documentAllowed, escapeHtml } from './mail-thread.js'

/** Evaluates `object.a.b or 'literal'`: the subset of template expressions the sandbox renders. */
function evaluate(env: Env, model: string, record: Row, expression: string): string {
  const bare = expression.trim().replace(/^\((.*)\)$/, '$1')
  for (const alternative of bare.split(/\s+or\s+/)) {
    const literal = /^\s*(['"])(.*)\1\s*$/.exec(alternative)
    if (literal) return literal[2] as string
    const path = /^\s*object((?:\.[a-z_][a-z0-9_]*)*)\s*$/.exec(alternative)
    if (!path) continue
    let currentModel = model
    let current: Row | undefined = record
    let value: unknown = false
    for (const name of (path[1] as string).split('.').filter(Boolean)) {
      if (!current) break
      const field = fieldDef(env, currentModel, name)
      value = name === 'id' ? current.id : field?.compute ? field.compute(current, env) : current[name]
      if (field?.type === 'many2one' && typeof value === 'number') {
        currentModel = field.comodel as string
        current = env.state.store.get(currentModel, value)
        value = current ? displayName(env, currentModel, current) : false
      } else current = undefined
    }
    if (value !== false && value !== null && value !== undefined && value !== '') return String(value)
  }
  return ''
}

export function render(
  env: Env,
  model: string,
  record: Row,
  template: unknown,
  escapeValues: boolean,
): string | false {
  if (typeof template !== 'string') return false
  const out = (expr: string) =>
    escapeValues ? escapeHtml(evaluate(env, model, record, expr)) : evaluate(env, model, record, expr)
  return template
    .replace(/\{\{(.*?)\}\}/g, (_m, expr: string) => out(expr))
    .replace(/<t\s+t-out="([^"]*)"\s*\/>/g, (_m, expr: string) => out(expr.replace(/&quot;/g, '"')))
    .replace(
      /<(\w+)([^>]*?)\s+t-out="([^"]*)"([^>]*)>[^<]*<\/\1>/g,
      (_m, tag, a, expr: string, b) => `<${tag}${a}${b}>${out(expr)}</${tag}>`,
    )
}

const MESSAGE_TYPES = [
  ['email', 'Incoming Email'],
  ['comment', 'Comment'],
  ['email_outgoing', 'Outgoing Email'],
  ['notification', 'System notification'],
  ['auto_comment', 'Automated Targeted Notification'],
  ['user_notification', 'User Specific Notification'],
] as const

export const mailTemplate: ModelDef = {
  name: 'mail.template',
  description: 'Email Templates',
  order: 'user_id,name,id',
  fields: {
    name: char('Name'),
    description: text('Template description'),
    active: boolean('Active', { default: () => true }),
    user_id: many2one('res.users', 'User'),
    model_id: many2one('ir.model', 'Applies to'),
    model: char('Related Document Model', {
      compute: (row, env) =>
        (typeof row.model_id === 'number' ? env.state.store.get('ir.model', row.model_id)?.model : false) ??
        false,
    }),
    subject: char('Subject'),
    email_from: char('From'),
    use_default_to: boolean('Default recipients'),
    email_to: char('To (Emails)'),
    partner_to: char('To (Partners)'),
    email_cc: char('Cc'),
    reply_to: char('Reply To'),
    body_html: html('Body'),
    lang: char('Language'),
    auto_delete: boolean('Auto Delete', { default: () => true }),
  },
  methods: {
    send_mail: {
      qualname: 'MailTemplate.send_mail',
      writes: true,
      params: [
        { name: 'res_id' },
        { name: 'force_send', default: false },
        { name: 'raise_exception', default: false },
        { name: 'email_values', default: null },
        { name: 'email_layout_xmlid', default: false },
      ],
      run: (env, ids, a) => {
        const template = browseForRead(env, 'mail.template', [ensureOne('mail.template', ids)])[0] as Row
        const model = String(mailTemplate.fields.model?.compute?.(template, env) || '')
        const resId = a.res_id as number
        // `_send_check_access`: the sender must be able to read the document.
        checkAccessRights(env, model, 'read')
        checkRecordRules(env, model, [resId], 'read')
        const record = browseForRead(sudo(env), model, [resId])[0] as Row
        const partnerIds = String(render(env, model, record, template.partner_to, false) || '')
          .split(',')
          .map((p) => Number(p.trim()))
          .filter((p) => Number.isInteger(p) && p > 0)
        if (template.use_default_to && typeof record.partner_id === 'number')
          partnerIds.push(record.partner_id)
        const values: Record<string, unknown> = {
          subject: render(env, model, record, template.subject, false),
          body_html: render(env, model, record, template.body_html, true),
          email_from: render(env, model, record, template.email_from, false),
          email_to: render(env, model, record, template.email_to, false),
          email_cc: render(env, model, record, template.email_cc, false),
          reply_to: render(env, model, record, template.reply_to, false),
          auto_delete: template.auto_delete,
          model,
          res_id: resId,
          recipient_ids: partnerIds.map((id) => [4, id]),
        }
        Object.assign(values, (a.email_values ?? {}) as Record<string, unknown>)
        if ('email_from' in values && !values.email_from) delete values.email_from
        values.state = a.force_send ? 'sent' : 'outgoing'
        // mail.mail _inherits mail.message: an "email_outgoing" message on the record, not a chatter
        // note (captures/13-mail.message-of-send_mail.txt).
        const [messageId] = createRecords(sudo(env), 'mail.message', [
          {
            model,
            res_id: resId,
            record_name: displayName(env, model, record),
            message_type: 'email_outgoing',
            subject: values.subject,
            body: values.body_html,
            author_id: userPartnerId(env),
            email_from: values.email_from ?? false,
            date: nowString(env),
          },
        ])
        const [mailId] = createRecords(sudo(env), 'mail.mail', [
          {
            author_id: userPartnerId(env),
            message_type: 'email_outgoing',
            mail_message_id: messageId,
            ...values,
          },
        ])
        return mailId
      },
    },
  },
}

export const mailMail: ModelDef = {
  name: 'mail.mail',
  description: 'Outgoing Mails',
  order: 'id desc',
  rec_name: 'subject',
  fields: {
    subject: char('Subject'),
    body_html: html('Text Contents'),
    email_from: char('From'),
    email_to: text('To'),
    email_cc: char('Cc'),
    reply_to: char('Reply-To'),
    recipient_ids: many2many('res.partner', 'To (Partners)'),
    state: selection(
      'Status',
      [
        ['outgoing', 'Outgoing'],
        ['sent', 'Sent'],
        ['received', 'Received'],
        ['exception', 'Delivery Failed'],
        ['cancel', 'Cancelled'],
      ],
      { default: () => 'outgoing' },
    ),
    model: char('Related Document Model'),
    res_id: integer('Related Document ID'),
    mail_message_id: many2one('mail.message', 'Message'),
    author_id: many2one('res.partner', 'Author'),
    message_type: selection('Type', MESSAGE_TYPES, { default: () => 'email_outgoing' }),
    auto_delete: boolean('Auto Delete'),
    failure_reason: text('Failure Reason'),
  },
}

/** mail.message is readable through its document, its author or its recipients (17 `_check_access`). */
function messageFilter(env: Env, rows: Row[], operation: string): Row[] {
  const partner = userPartnerId(env)
  const byDoc = new Map<string, number[]>()
  for (const row of rows)
    if (typeof row.model === 'string')
      byDoc.set(row.model, [...(byDoc.get(row.model) ?? []), row.res_id as number])
  const allowed = new Map<string, Set<number>>()
  for (const [model, ids] of byDoc)
    allowed.set(model, documentAllowed(env, model, ids, operation === 'read' ? 'read' : 'write'))
  return rows.filter(
    (row) =>
      row.author_id === partner ||
      row.create_uid === env.uid ||
      (operation === 'read' && ((row.partner_ids as number[]) ?? []).includes(partner as number)) ||
      (typeof row.model === 'string' && allowed.get(row.model)?.has(row.res_id as number)),
  )
}

export const mailMessage: ModelDef = {
  name: 'mail.message',
  description: 'Message',
  order: 'id desc',
  rec_name: 'record_name',
  display_name: (row) => String(row.record_name || row.subject || ''),
  access_filter: messageFilter,
  access_error: (env, ids, operation) =>
    accessError(
      `The requested operation cannot be completed due to security restrictions. Please contact your system administrator.\n\n(Document type: Message, Operation: ${operation}) - (Records: [${ids.slice(0, 6).join(', ')}], User: ${env.uid})`,
    ),
  fields: {
    subject: char('Subject'),
    body: html('Contents'),
    date: datetime('Date'),
    model: char('Related Document Model'),
    res_id: integer('Related Document ID'),
    record_name: char('Message Record Name'),
    message_type: selection('Type', MESSAGE_TYPES, { required: true, default: () => 'comment' }),
    subtype_id: many2one('mail.message.subtype', 'Subtype'),
    is_internal: boolean('Employee Only', { default: () => false }),
    author_id: many2one('res.partner', 'Author'),
    email_from: char('From'),
    partner_ids: many2many('res.partner', 'Recipients'),
    parent_id: many2one('mail.message', 'Parent Message'),
    mail_activity_type_id: many2one('mail.activity.type', 'Mail Activity Type'),
  },
}

export const mailMessageSubtype: ModelDef = {
  name: 'mail.message.subtype',
  description: 'Message subtypes',
  order: 'sequence, id',
  fields: {
    name: char('Message Type', { required: true }),
    description: text('Description'),
    internal: boolean('Internal Only'),
    default: boolean('Default', { default: () => true }),
    sequence: integer('Sequence', { default: () => 1 }),
  },
}
