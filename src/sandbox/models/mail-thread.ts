/**
 * What Odoo 17's `mail.thread` and `mail.activity.mixin` add to documents (res.partner,
 * sale.order, account.move): `message_post` (keyword-only, checks the document right named by
 * `_mail_post_access`, escapes plain-text bodies, mails the listed partners) and
 * `activity_schedule`. Also the document-access test mail.message and mail.activity rely on.
 * Does not manage followers or subtype subscriptions.
 */
import { checkAccessRights, type Operation } from '../access-rights.js'
import { type Env, modelDef, nowString, sudo, today } from '../env.js'
import { accessError, valueError } from '../errors.js'
import type { MethodDef, Row } from '../fields.js'
import { allowedByRules } from '../orm-read.js'
import { createRecords } from '../orm-write.js'
import { Recordset } from '../recordset.js'
import { displayName } from '../registry.js'
import { xmlidToResId } from '../security.js'
import { userPartnerId } from './base.js'
import { browseForRead, ensureOne } from './common.js'

/** Odoo's html sanitizer wraps loose text in a paragraph (captures/15-read-posted-default.txt). */
export function sanitizeBody(html: string): string {
  if (html === '') return ''
  return /^\s*<(p|div|ul|ol|table|h\d|blockquote|pre)\b/i.test(html) ? html : `<p>${html}</p>`
}

/** The id the next mail.message would get; Odoo names it in the refusal after consuming it. */
function nextId(env: Env): number {
  return Math.max(0, ...env.state.store.rows('mail.message').map((m) => m.id)) + 1
}

export function messageAccessError(env: Env, operation: string, ids: number[]) {
  return accessError(
    `The requested operation cannot be completed due to security restrictions. Please contact your system administrator.\n\n(Document type: Message, Operation: ${operation}) - (Records: [${ids.slice(0, 6).join(', ')}], User: ${env.uid})`,
  )
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;')
}

/** The right on a document needed to post on it (`_mail_post_access`; read for account.move). */
export function postAccess(env: Env, model: string): Operation {
  return modelDef(env, model).mail_post_access ?? 'write'
}

/** Whether the user holds `operation` on each document (rights and rules), without raising. */
export function documentAllowed(env: Env, model: string, ids: number[], operation: Operation): Set<number> {
  if (env.su) return new Set(ids)
  if (!env.state.registry.models.has(model) || !checkAccessRights(env, model, operation, false))
    return new Set()
  return allowedByRules(env, model, ids, operation)
}

export function userEmailFrom(env: Env, uid = env.uid): string | false {
  const user = env.state.store.get('res.users', uid)
  if (!user?.email) return false
  return `"${user.name}" <${user.email}>`
}

/** Creates the chatter message and mails its partners; rights are the caller's business. */
export function createMessage(env: Env, values: Record<string, unknown>): number {
  const [id] = createRecords(sudo(env), 'mail.message', [{ date: nowString(env), ...values }])
  const partners = (values.partner_ids as number[] | undefined) ?? []
  const subtype = env.state.store.get('mail.message.subtype', values.subtype_id as number)
  if (partners.length > 0 && values.message_type === 'comment' && !subtype?.internal) {
    createRecords(sudo(env), 'mail.mail', [
      {
        subject: values.subject || values.record_name || false,
        body_html: values.body,
        email_from: values.email_from,
        recipient_ids: [[6, 0, partners]],
        model: values.model,
        res_id: values.res_id,
        mail_message_id: id,
        state: 'outgoing',
      },
    ])
  }
  return id as number
}

/** `message_post`; sale.order overrides it as `message_post(self, **kwargs)`, hence its qualname. */
export const messagePost = (qualname = 'MailThread.message_post'): MethodDef => ({
  qualname,
  writes: true,
  returns: 'id',
  var_keyword: true,
  params: [
    { name: 'body', default: '', keyword_only: true },
    { name: 'subject', default: null, keyword_only: true },
    { name: 'message_type', default: 'notification', keyword_only: true },
    { name: 'email_from', default: null, keyword_only: true },
    { name: 'author_id', default: null, keyword_only: true },
    { name: 'parent_id', default: false, keyword_only: true },
    { name: 'subtype_xmlid', default: null, keyword_only: true },
    { name: 'subtype_id', default: false, keyword_only: true },
    { name: 'partner_ids', default: null, keyword_only: true },
    { name: 'attachments', default: null, keyword_only: true },
    { name: 'attachment_ids', default: null, keyword_only: true },
    { name: 'body_is_html', default: false, keyword_only: true },
  ],
  run: (env, ids, a, model) => {
    const id = ensureOne(model, ids)
    const invalid = ['model', 'res_id', 'subtype'].filter((k) => k in a)
    if (invalid.length > 0)
      throw valueError(`Those values are not supported when posting or notifying: ${invalid.join(', ')}`)
    const document = browseForRead(sudo(env), model, [id])[0] as Row
    if (a.message_type === 'user_notification')
      throw valueError('Use message_notify to send a notification to an user.')
    const partnerIds = a.partner_ids ?? []
    if (!Array.isArray(partnerIds) || !partnerIds.every((p) => typeof p === 'number'))
      throw valueError(
        `Posting a message should receive partners as a list of IDs (received ${JSON.stringify(partnerIds)})`,
      )
    const operation = postAccess(env, model)
    checkAccessRights(env, 'mail.message', 'create')
    // mail.message checks the document right on create (mail_message.py `_check_access`): the
    // model right fails with the document's ACL text ("modify"), a record rule with the message's.
    checkAccessRights(env, model, operation)
    if (!allowedByRules(env, model, [id], operation).has(id))
      throw messageAccessError(env, 'create', [nextId(env)])
    const subtypeId =
      (typeof a.subtype_xmlid === 'string' ? xmlidToResId(env, a.subtype_xmlid) : undefined) ||
      (a.subtype_id as number) ||
      xmlidToResId(env, 'mail.mt_note')
    const body = sanitizeBody(a.body_is_html ? String(a.body ?? '') : escapeHtml(String(a.body ?? '')))
    const messageId = createMessage(env, {
      model,
      res_id: id,
      record_name: displayName(env, model, document),
      body,
      subject: a.subject || false,
      message_type: a.message_type ?? 'notification',
      subtype_id: subtypeId ?? false,
      author_id: a.author_id || userPartnerId(env),
      email_from: a.email_from || userEmailFrom(env),
      partner_ids: [[6, 0, partnerIds]],
      parent_id: a.parent_id || false,
    })
    return new Recordset('mail.message', [messageId])
  },
})

const activitySchedule: MethodDef = {
  qualname: 'MailActivityMixin.activity_schedule',
  writes: true,
  // Not declared `@api.returns`: over JSON-RPC 17 sends the recordset's repr, "mail.activity(25,)".
  returns: 'repr',
  var_keyword: true,
  params: [
    { name: 'act_type_xmlid', default: '' },
    { name: 'date_deadline', default: null },
    { name: 'summary', default: '' },
    { name: 'note', default: '' },
  ],
  run: (env, ids, a, model) => {
    if (env.context.mail_activity_automation_skip) return false
    const { act_type_xmlid, date_deadline, summary, note, ...actValues } = a
    const typeId =
      (typeof act_type_xmlid === 'string' && act_type_xmlid
        ? xmlidToResId(env, act_type_xmlid)
        : undefined) ??
      (actValues.activity_type_id as number | undefined) ??
      xmlidToResId(env, 'mail.mail_activity_data_todo')
    const type = typeId ? env.state.store.get('mail.activity.type', typeId) : undefined
    const modelId = env.state.store.rows('ir.model').find((m) => m.model === model)?.id ?? false
    const valsList = ids.map((id) => {
      const vals: Record<string, unknown> = {
        activity_type_id: typeId ?? false,
        summary: summary || type?.summary || false,
        note: note || type?.default_note || false,
        date_deadline: date_deadline || today(env),
        res_model_id: modelId,
        res_id: id,
        automated: true,
        ...actValues,
      }
      if (!vals.user_id) vals.user_id = type?.default_user_id || env.uid
      return vals
    })
    return new Recordset('mail.activity', createRecords(env, 'mail.activity', valsList))
  },
}

export const MAIL_THREAD_METHODS: Record<string, MethodDef> = {
  message_post: messagePost(),
  activity_schedule: activitySchedule,
}
