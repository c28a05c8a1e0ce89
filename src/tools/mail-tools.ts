/**
 * The customer-facing tools: post_message (chatter), send_test_email_template (one rendered mail to
 * one address), stage_mass_mailing_from_template (a draft mass mailing and its recipient count; it
 * is never sent from here). All run as the connection's Odoo user.
 */
import { z } from 'zod'
import type { OdooSession } from '../odoo/types.js'
import { clip, modelFact, recordsFacts } from './facts.js'
import { domain, emailAddress, modelName, odooText, recordId, recordIds, resultId } from './schemas.js'
import { defineTool, ToolError } from './tool.js'

export const postMessage = defineTool({
  name: 'post_message',
  title: 'Post in a record’s chatter',
  description:
    'Posts a message in the chatter of a record (sales order, invoice, contact…). By default an internal note, ' +
    'seen only by employees; with "internal": false it is a message to the record’s followers, who may be ' +
    'e-mailed (customer-facing). Example: {"model": "sale.order", "id": 12, "body": "Customer called: delivery next week."}',
  input: z
    .object({
      model: modelName,
      id: recordId,
      body: z.string().trim().min(1, 'give the message text').max(20_000),
      internal: z
        .boolean()
        .default(true)
        .describe('true: internal note (default); false: message to followers'),
    })
    .strict(),
  output: z.object({
    model: z.string(),
    id: resultId,
    message_id: resultId.nullable(),
    internal: z.boolean(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  writes: true,
  model: (args) => args.model,
  async run({ odoo }, args) {
    // 17 over /jsonrpc answers the new message's id; 19 (both protocols) a list of one id.
    const posted = await odoo.call<number | number[]>(args.model, 'message_post', {
      ids: [args.id],
      kwargs: {
        body: args.body,
        message_type: 'comment',
        subtype_xmlid: args.internal ? 'mail.mt_note' : 'mail.mt_comment',
      },
    })
    const message_id = Array.isArray(posted) ? (posted[0] ?? null) : posted
    return {
      structured: { model: args.model, id: args.id, message_id, internal: args.internal },
      headline: `Posted ${args.internal ? 'an internal note' : 'a message'} on ${args.model} #${args.id}.`,
    }
  },
  async describe({ odoo }, args) {
    return {
      kind: 'message',
      internal: args.internal,
      preview: clip(args.body, 120),
      ...(await recordsFacts(odoo, args.model, [args.id])),
    }
  },
})

interface TemplateRow {
  id: number
  name: string | false
  model: string | false
  subject: string | false
  body_html: string | false
}

async function readTemplate(odoo: OdooSession, template_id: number, fields: string[]): Promise<TemplateRow> {
  const [template] = await odoo.call<TemplateRow[]>('mail.template', 'read', {
    ids: [template_id],
    kwargs: { fields },
  })
  if (!template) throw new ToolError(`Email template #${template_id} does not exist or has been deleted.`)
  return template
}

export const sendTestEmailTemplate = defineTool({
  name: 'send_test_email_template',
  title: 'Send a test email from a template',
  description:
    'Renders an email template (mail.template) for one record of the template’s model and sends the result to ' +
    'ONE given address only (not to the record’s customer), to check how it looks. Example: ' +
    '{"template_id": 3, "record_id": 12, "email_to": "me@mycompany.example"}',
  input: z
    .object({
      template_id: recordId.describe('mail.template id'),
      record_id: recordId.describe('id of the record of the template’s model to render it for'),
      email_to: emailAddress.describe('The single address that receives the test email'),
    })
    .strict(),
  output: z.object({
    template_id: resultId,
    template: odooText.describe('The template’s name'),
    record_id: resultId,
    email_to: z.string(),
    mail_id: z.union([resultId, z.literal(false)]).describe('The mail.mail sent (false: Odoo made none)'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  writes: true,
  model: () => 'mail.template',
  async run({ odoo }, args) {
    const template = await readTemplate(odoo, args.template_id, ['name', 'model'])
    // Odoo 17 send_mail applies email_values last: an empty recipient_ids drops the partners the
    // template would address, so only email_to receives it.
    const mail_id = await odoo.call<number | false>('mail.template', 'send_mail', {
      ids: [args.template_id],
      kwargs: {
        res_id: args.record_id,
        force_send: true,
        email_values: { email_to: args.email_to, email_cc: false, recipient_ids: [] },
      },
    })
    return {
      structured: {
        template_id: args.template_id,
        template: template.name,
        record_id: args.record_id,
        email_to: args.email_to,
        mail_id,
      },
      headline: `Sent a test email from '${template.name}' to ${args.email_to}.`,
    }
  },
  async describe({ odoo }, args) {
    const template = await readTemplate(odoo, args.template_id, ['name', 'model'])
    const model = template.model || 'unknown'
    let display_name: string | null = null
    if (template.model) {
      const facts = await recordsFacts(odoo, template.model, [args.record_id])
      display_name = facts.found[0]?.display_name ?? null
    }
    return {
      kind: 'test_email',
      template: { id: args.template_id, name: template.name || null },
      record: { model, id: args.record_id, display_name },
      email_to: args.email_to,
    }
  },
})

const stageInput = z
  .object({
    template_id: recordId.describe('mail.template id whose subject and body the mailing takes'),
    mailing_list_ids: recordIds(50).optional().describe('Send to the contacts of these mailing lists…'),
    model: modelName
      .optional()
      .describe('…or to the records of this model (e.g. res.partner) matching `domain`'),
    domain: domain.optional(),
    subject: z.string().trim().min(1).max(500).optional().describe('Overrides the template’s subject'),
  })
  .strict()
  .refine((a) => (a.mailing_list_ids ? !a.model && !a.domain : !!a.model), {
    message: 'give either mailing_list_ids, or model (with an optional domain), not both',
  })

export const stageMassMailingFromTemplate = defineTool({
  name: 'stage_mass_mailing_from_template',
  title: 'Stage a mass mailing from a template',
  description:
    'Creates a DRAFT mass mailing (mailing.mailing) from an email template, for the contacts of mailing lists ' +
    'or for the records of a model matching a domain, and reports how many recipients it would reach. It does ' +
    'not send: a person sends it from Odoo’s Email Marketing app. Example: {"template_id": 3, "mailing_list_ids": [1]}',
  input: stageInput,
  output: z.object({
    mailing_id: resultId,
    state: z.literal('draft'),
    subject: z.string(),
    template_id: resultId,
    recipients: z.number().int(),
    sent: z.literal(false),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  writes: true,
  model: () => 'mailing.mailing',
  async run({ odoo }, args) {
    const template = await readTemplate(odoo, args.template_id, ['name', 'subject', 'body_html'])
    const audienceModel = args.mailing_list_ids ? 'mailing.list' : (args.model as string)
    const [model] = await odoo.call<Array<{ id: number }>>('ir.model', 'search_read', {
      kwargs: { domain: [['model', '=', audienceModel]], fields: ['id'], limit: 1 },
    })
    if (!model) throw new ToolError(`There is no model ${audienceModel} in this database.`)
    const subject = args.subject ?? (template.subject || template.name || 'Mass mailing')
    const created = await odoo.call<number | number[]>('mailing.mailing', 'create', {
      kwargs: {
        vals_list: [
          {
            subject,
            body_html: template.body_html || '',
            mailing_type: 'mail',
            mailing_model_id: model.id,
            ...(args.mailing_list_ids
              ? { contact_list_ids: [[6, 0, args.mailing_list_ids]] }
              : { mailing_domain: pythonLiteral(args.domain ?? []) }),
          },
        ],
      },
    })
    const mailing_id = Array.isArray(created) ? created[0] : created
    // Odoo's own count of the audience (mailing.mailing.total), as its Email Marketing app shows it.
    const [staged] = await odoo.call<Array<{ total?: number }>>('mailing.mailing', 'read', {
      ids: [mailing_id as number],
      kwargs: { fields: ['total'] },
    })
    const recipients = typeof staged?.total === 'number' ? staged.total : await countRecipients(odoo, args)
    return {
      structured: {
        mailing_id,
        state: 'draft',
        subject,
        template_id: args.template_id,
        recipients,
        sent: false,
      },
      headline: `Staged draft mass mailing #${mailing_id} for ${recipients} recipient(s); it has not been sent.`,
    }
  },
  async describe({ odoo }, args) {
    const template = await readTemplate(odoo, args.template_id, ['name'])
    const recipients = await countRecipients(odoo, args).catch(() => null)
    if (args.mailing_list_ids) {
      const lists = await odoo.call<Array<{ id: number; name: string }>>('mailing.list', 'read', {
        ids: args.mailing_list_ids,
        kwargs: { fields: ['name'] },
      })
      return {
        kind: 'mass_mailing',
        template: { id: args.template_id, name: template.name || null },
        audience: { type: 'lists', names: lists.map((l) => l.name) },
        recipients,
      }
    }
    return {
      kind: 'mass_mailing',
      template: { id: args.template_id, name: template.name || null },
      audience: { type: 'domain', model: await modelFact(odoo, args.model as string) },
      recipients,
    }
  },
})

function countRecipients(odoo: OdooSession, args: z.output<typeof stageInput>): Promise<number> {
  if (args.mailing_list_ids) {
    return odoo.call<number>('mailing.contact', 'search_count', {
      kwargs: { domain: [['list_ids', 'in', args.mailing_list_ids]] },
    })
  }
  return odoo.call<number>(args.model as string, 'search_count', { kwargs: { domain: args.domain ?? [] } })
}

/** Odoo stores `mailing_domain` as Python literal text, e.g. "[('is_company', '=', True)]". */
export function pythonLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'None'
  if (typeof value === 'string')
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`
  if (Array.isArray(value)) {
    const items = value.map(pythonLiteral)
    // Domain terms read best as tuples, the way Odoo writes them.
    return value.length === 3 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      /[=<>a-z]/.test(value[1])
      ? `(${items.join(', ')})`
      : `[${items.join(', ')}]`
  }
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${pythonLiteral(k)}: ${pythonLiteral(v)}`)
    .join(', ')}}`
}
