/**
 * The generic write tools: create_record, update_record, delete_record, batch_delete,
 * execute_method. Each runs one Odoo call as the connection's user (Odoo's rules apply and one call
 * is one Odoo transaction: a batch either happens whole or not at all). Whether a call must wait for
 * approval is decided outside, in mcp/ and approvals/.
 */
import { z } from 'zod'
import { methodRecords } from '../domain/effects/derive.js'
import { modelFact, paramsPreview, recordsFacts } from './facts.js'
import { acceptsJsonText, jsonValue, modelName, recordId, recordIds, resultId, values } from './schemas.js'
import { defineTool } from './tool.js'

export const createRecord = defineTool({
  name: 'create_record',
  title: 'Create a record',
  description:
    'Creates one record of a model with the given field values and returns its id. Use describe_model first ' +
    'to learn the field names and which are required. Relational values: a many2one takes an id; a ' +
    'many2many/one2many takes Odoo commands such as [[6, 0, [ids]]]. Example: {"model": "res.partner", ' +
    '"values": "{\\"name\\": \\"Ana Lopez\\", \\"email\\": \\"ana@example.com\\"}"}',
  input: z.object({ model: modelName, values }).strict(),
  output: z.object({ model: z.string(), id: resultId.describe('The new record’s id') }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  writes: true,
  model: (args) => args.model,
  async run({ odoo }, args) {
    // Odoo 17+ `create` takes a list of dicts; it returns a list of ids then.
    const created = await odoo.call<number | number[]>(args.model, 'create', {
      kwargs: { vals_list: [args.values] },
    })
    const id = Array.isArray(created) ? created[0] : created
    return { structured: { model: args.model, id }, headline: `Created ${args.model} #${id}.` }
  },
  async describe({ odoo }, args) {
    const name = args.values.name
    return {
      kind: 'create',
      model: await modelFact(odoo, args.model),
      count: 1,
      names: typeof name === 'string' ? [name] : [],
    }
  },
})

export const updateRecord = defineTool({
  name: 'update_record',
  title: 'Update records',
  description:
    'Writes the same field values on one or more records (up to 1000). Odoo checks access rights, record rules ' +
    'and constraints; on any error nothing is changed. Example: {"model": "res.partner", "ids": [7], ' +
    '"values": "{\\"phone\\": \\"+32 2 555 01 01\\"}"}',
  input: z.object({ model: modelName, ids: recordIds(1000), values }).strict(),
  output: z.object({ model: z.string(), updated_ids: z.array(resultId), fields: z.array(z.string()) }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  writes: true,
  model: (args) => args.model,
  async run({ odoo }, args) {
    await odoo.call<boolean>(args.model, 'write', { ids: args.ids, kwargs: { vals: args.values } })
    return {
      structured: { model: args.model, updated_ids: args.ids, fields: Object.keys(args.values) },
      headline: `Updated ${args.ids.length} ${args.model} record(s).`,
    }
  },
  async describe({ odoo }, args) {
    return {
      kind: 'update',
      fields: Object.keys(args.values),
      ...(await recordsFacts(odoo, args.model, args.ids)),
    }
  },
})

const DESTRUCTIVE = { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false }

export const deleteRecord = defineTool({
  name: 'delete_record',
  title: 'Delete a record',
  description:
    'Permanently deletes one record. Irreversible. Odoo refuses records its rules protect (e.g. a confirmed ' +
    'sales order must be cancelled first; only draft invoices can be deleted). Example: {"model": "sale.order", "id": 12}',
  input: z.object({ model: modelName, id: recordId }).strict(),
  output: z.object({ model: z.string(), deleted_ids: z.array(resultId) }),
  annotations: DESTRUCTIVE,
  writes: true,
  model: (args) => args.model,
  async run({ odoo }, args) {
    await odoo.call<boolean>(args.model, 'unlink', { ids: [args.id] })
    return {
      structured: { model: args.model, deleted_ids: [args.id] },
      headline: `Deleted ${args.model} #${args.id}.`,
    }
  },
  async describe({ odoo }, args) {
    return { kind: 'delete', ...(await recordsFacts(odoo, args.model, [args.id])) }
  },
})

export const batchDelete = defineTool({
  name: 'batch_delete',
  title: 'Delete several records',
  description:
    'Permanently deletes up to 1000 records of one model in one Odoo transaction: if any of them cannot be ' +
    'deleted, none is. Irreversible. Example: {"model": "sale.order", "ids": [12, 13, 14]}',
  input: z.object({ model: modelName, ids: recordIds(1000) }).strict(),
  output: z.object({ model: z.string(), deleted_ids: z.array(resultId), count: z.number().int() }),
  annotations: DESTRUCTIVE,
  writes: true,
  model: (args) => args.model,
  async run({ odoo }, args) {
    await odoo.call<boolean>(args.model, 'unlink', { ids: args.ids })
    return {
      structured: { model: args.model, deleted_ids: args.ids, count: args.ids.length },
      headline: `Deleted ${args.ids.length} ${args.model} record(s).`,
    }
  },
  async describe({ odoo }, args) {
    return { kind: 'delete', ...(await recordsFacts(odoo, args.model, args.ids)) }
  },
})

export const executeMethod = defineTool({
  name: 'execute_method',
  title: 'Call a model method',
  description:
    'Calls any public method of an Odoo model, on the given records (ids) or on the model itself (no ids). ' +
    'Full power: prefer the specific tools when one fits. Pass parameters by name in kwargs (positional args ' +
    'work over JSON-RPC only). Private methods (starting with "_") cannot be called. Example: ' +
    '{"model": "sale.order", "method": "action_quotation_send", "ids": [12]}',
  input: z
    .object({
      model: modelName,
      method: z
        .string()
        .max(128)
        .regex(
          /^[a-zA-Z][a-zA-Z0-9_]*$/,
          'must be a public method name; private methods (starting with "_") cannot be called',
        ),
      ids: recordIds(1000)
        .optional()
        .describe('The records to call the method on; omit for model-level methods'),
      args: acceptsJsonText(z.array(z.unknown()).max(50))
        .optional()
        .describe('Positional parameters after ids (JSON-RPC only): a JSON list as text, e.g. [["name"]]'),
      kwargs: acceptsJsonText(
        z
          .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.unknown())
          .refine(
            (kwargs) =>
              !('context' in kwargs) ||
              (typeof kwargs.context === 'object' &&
                kwargs.context !== null &&
                !Array.isArray(kwargs.context)),
            { message: 'context must be an object, e.g. {"lang": "en_US"}', path: ['context'] },
          ),
      )
        .optional()
        .describe('Named parameters: a JSON object as text, e.g. {"context": {"lang": "en_US"}}'),
    })
    .strict(),
  output: z.object({
    model: z.string(),
    method: z.string(),
    result: jsonValue.describe('What the method returned (null for nothing)'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  writes: true,
  model: (args) => args.model,
  check({ protocol }, args) {
    // Odoo's JSON-2 API binds parameters by name only (odoo/json2.ts refuses positional ones).
    if (protocol === 'json2' && args.args && args.args.length > 0)
      return 'args: this server reaches Odoo over JSON-2, and JSON-2 takes named parameters only: pass them by name in kwargs (positional parameters work over JSON-RPC only)'
    return null
  },
  async run({ odoo }, args) {
    const result = await odoo.call<unknown>(args.model, args.method, {
      ...(args.ids ? { ids: args.ids } : {}),
      ...(args.args ? { args: args.args } : {}),
      ...(args.kwargs ? { kwargs: args.kwargs } : {}),
    })
    return {
      structured: { model: args.model, method: args.method, result: result ?? null },
      headline: `${args.model}.${args.method} returned.`,
    }
  },
  async describe({ odoo }, args) {
    // Positional record ids (args[0] over JSON-RPC) are the records too: the summary names them.
    const { records, rest } = methodRecords(args)
    const params = paramsPreview(records.length > 0 && !args.ids ? rest : args.args, args.kwargs)
    if (records.length === 0)
      return { kind: 'model_call', model: await modelFact(odoo, args.model), method: args.method, params }
    return { kind: 'call', method: args.method, params, ...(await recordsFacts(odoo, args.model, records)) }
  },
})
