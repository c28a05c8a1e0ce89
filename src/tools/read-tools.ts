/**
 * The read tools: list_models, describe_model, search_read, get_record, count_records. They only
 * read, as the connection's Odoo user, so Odoo's access rights and record rules decide what comes
 * back. get_workflow_state lives with transition_state in workflow.ts.
 */
import { z } from 'zod'
import { isOdooError } from '../odoo/errors.js'
import type { OdooSession } from '../odoo/types.js'
import { domain, fieldList, jsonValue, modelName, odooRecord, recordId } from './schemas.js'
import { defineTool, ownEntry, READ, ToolError } from './tool.js'

/** Compact default columns, so an unqualified search_read does not return every field of a model. */
export const DEFAULT_FIELDS: Record<string, string[]> = {
  'res.partner': ['display_name', 'email', 'phone', 'is_company', 'parent_id', 'city'],
  'sale.order': ['name', 'partner_id', 'user_id', 'state', 'amount_total', 'currency_id', 'date_order'],
  'account.move': [
    'name',
    'partner_id',
    'move_type',
    'state',
    'payment_state',
    'amount_total',
    'currency_id',
    'invoice_date',
  ],
  'mail.template': ['name', 'model', 'subject'],
  'mailing.list': ['name', 'contact_count'],
  'mailing.mailing': ['subject', 'state', 'mailing_model_real', 'contact_list_ids'],
}

export function defaultFields(model: string): string[] {
  return ownEntry(DEFAULT_FIELDS, model) ?? ['display_name']
}

export const listModels = defineTool({
  name: 'list_models',
  title: 'List Odoo models',
  description:
    'Lists the Odoo models (business objects) this Odoo user may read whose technical name or label matches a ' +
    'search, so you can find the model to use with the other tools. Use it when you do not know the technical ' +
    'name, e.g. search "invoice" to find account.move. Example: {"search": "sale"}',
  input: z
    .object({
      search: z.string().max(100).optional().describe('Part of the technical name or label, e.g. "partner"'),
      limit: z.number().int().min(1).max(200).default(50).describe('Most models to return (default 50)'),
    })
    .strict(),
  output: z.object({
    models: z.array(z.object({ model: z.string(), name: z.string() })),
    count: z.number().int(),
  }),
  annotations: READ,
  writes: false,
  model: () => 'ir.model',
  async run({ odoo }, args) {
    const needle = args.search?.toLowerCase()
    const models = (await availableModels(odoo))
      .filter(
        (m) => !needle || m.model.toLowerCase().includes(needle) || m.name.toLowerCase().includes(needle),
      )
      .sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0))
      .slice(0, args.limit)
    return { structured: { models, count: models.length }, headline: `${models.length} model(s) found.` }
  },
})

/**
 * The models the user may read, with their labels. Reading ir.model needs Access Rights or Email
 * Marketing in stock Odoo (a salesman on 19 has neither); the web client's model selector method
 * `ir.model.get_available_models` (16+) answers any internal user. Older Odoo: ir.model itself.
 */
async function availableModels(odoo: OdooSession): Promise<Array<{ model: string; name: string }>> {
  try {
    const rows = await odoo.call<Array<{ model: string; display_name: string }>>(
      'ir.model',
      'get_available_models',
    )
    return rows.map((r) => ({ model: r.model, name: r.display_name }))
  } catch (error) {
    if (!(isOdooError(error) && error.kind === 'not_found')) throw error
    const rows = await odoo.call<Array<{ model: string; name: string }>>('ir.model', 'search_read', {
      kwargs: { domain: [['transient', '=', false]], fields: ['model', 'name'] },
    })
    return rows.map((r) => ({ model: r.model, name: r.name }))
  }
}

export const describeModel = defineTool({
  name: 'describe_model',
  title: 'Describe an Odoo model',
  description:
    'Returns the fields of an Odoo model: type, label, whether required or read-only, the related model of ' +
    'relational fields and the choices of selection fields. Use it before search_read, create_record or ' +
    'update_record to learn the field names. Example: {"model": "sale.order", "fields": ["state", "partner_id"]}',
  input: z
    .object({
      model: modelName,
      fields: fieldList.optional().describe('Only these fields; omit for all'),
    })
    .strict(),
  output: z.object({
    model: z.string(),
    fields: z
      .record(z.string(), z.record(z.string(), jsonValue))
      .describe(
        'Each field by name: its type, string (label), required, readonly, relation, selection, help',
      ),
  }),
  annotations: READ,
  writes: false,
  model: (args) => args.model,
  async run({ odoo }, args) {
    const fields = await odoo.call<Record<string, unknown>>(args.model, 'fields_get', {
      kwargs: {
        ...(args.fields ? { allfields: args.fields } : {}),
        attributes: ['string', 'type', 'required', 'readonly', 'relation', 'selection', 'help'],
      },
    })
    return {
      structured: { model: args.model, fields },
      headline: `${args.model} has ${Object.keys(fields).length} field(s).`,
    }
  },
})

export const searchRead = defineTool({
  name: 'search_read',
  title: 'Search and read records',
  description:
    'Finds records of a model matching an Odoo domain and returns the requested fields. Only records this ' +
    'Odoo user may see are returned. Relational fields come back as [id, "name"]. Page with offset/limit; ' +
    '`has_more` tells whether more records match. Example: {"model": "sale.order", "domain": [["state", "=", "draft"]], ' +
    '"fields": ["name", "partner_id", "amount_total"], "limit": 20, "order": "date_order desc"}',
  input: z
    .object({
      model: modelName,
      domain: domain.default([]),
      fields: fieldList.optional(),
      limit: z
        .number()
        .int()
        .min(1)
        .max(500)
        .default(50)
        .describe('Most records to return (1-500, default 50)'),
      offset: z.number().int().min(0).default(0).describe('Records to skip, for paging'),
      order: z
        .string()
        .regex(
          /^[a-z_][a-z0-9_]*( (asc|desc))?(, *[a-z_][a-z0-9_]*( (asc|desc))?)*$/i,
          'must look like "name asc, id desc"',
        )
        .max(200)
        .optional()
        .describe('Sort order, e.g. "date_order desc, id"'),
    })
    .strict(),
  output: z.object({
    model: z.string(),
    records: z.array(odooRecord),
    count: z.number().int(),
    offset: z.number().int(),
    has_more: z.boolean(),
  }),
  annotations: READ,
  writes: false,
  model: (args) => args.model,
  async run({ odoo }, args) {
    // One extra row tells whether there are more, without a second search_count round trip.
    const rows = await odoo.call<Array<Record<string, unknown>>>(args.model, 'search_read', {
      kwargs: {
        domain: args.domain,
        fields: args.fields ?? defaultFields(args.model),
        offset: args.offset,
        limit: args.limit + 1,
        ...(args.order ? { order: args.order } : {}),
      },
    })
    const records = rows.slice(0, args.limit)
    const has_more = rows.length > args.limit
    return {
      structured: { model: args.model, records, count: records.length, offset: args.offset, has_more },
      headline: `${records.length} ${args.model} record(s)${has_more ? ' (more match: raise offset to page)' : ''}.`,
    }
  },
})

export const getRecord = defineTool({
  name: 'get_record',
  title: 'Read one record',
  description:
    'Reads one record by id. Fails with a clear error when the record does not exist or this Odoo user may ' +
    'not read it. Example: {"model": "res.partner", "id": 7, "fields": ["name", "email"]}',
  input: z.object({ model: modelName, id: recordId, fields: fieldList.optional() }).strict(),
  output: z.object({ model: z.string(), record: odooRecord }),
  annotations: READ,
  writes: false,
  model: (args) => args.model,
  async run({ odoo }, args) {
    const rows = await odoo.call<Array<Record<string, unknown>>>(args.model, 'read', {
      ids: [args.id],
      kwargs: { fields: args.fields ?? defaultFields(args.model) },
    })
    const record = rows[0]
    if (!record) throw new ToolError(`Record ${args.model} #${args.id} does not exist or has been deleted.`)
    return { structured: { model: args.model, record }, headline: `${args.model} #${args.id}.` }
  },
})

export const countRecords = defineTool({
  name: 'count_records',
  title: 'Count records',
  description:
    'Counts the records of a model matching an Odoo domain (only those this Odoo user may see). Cheaper than ' +
    'search_read when you only need a number. Example: {"model": "account.move", "domain": [["state", "=", "posted"]]}',
  input: z.object({ model: modelName, domain: domain.default([]) }).strict(),
  output: z.object({ model: z.string(), count: z.number().int() }),
  annotations: READ,
  writes: false,
  model: (args) => args.model,
  async run({ odoo }, args) {
    const count = await odoo.call<number>(args.model, 'search_count', { kwargs: { domain: args.domain } })
    return { structured: { model: args.model, count }, headline: `${count} ${args.model} record(s) match.` }
  },
})
