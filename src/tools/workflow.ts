/**
 * Workflow tools: get_workflow_state (a record's state and the transitions it offers now) and
 * transition_state (runs one of those transitions, and nothing else). The transitions are the
 * buttons Odoo 16-19 show on sales orders and invoices; a record in another state is refused here
 * before any call reaches Odoo. Does not know custom workflows: execute_method is the escape hatch.
 */
import { z } from 'zod'
import type { OdooSession } from '../odoo/types.js'
import { recordsFacts } from './facts.js'
import { jsonValue, modelName, odooText, recordId, recordIds, resultId } from './schemas.js'
import { defineTool, ownEntry, READ, ToolError } from './tool.js'

export interface Transition {
  method: string
  label: string
  /** The past-tense verb the approval summary starts with. */
  verb: string
  from: string[]
  to: string
}

export const TRANSITIONS: Record<string, Transition[]> = {
  'sale.order': [
    { method: 'action_confirm', label: 'Confirm', verb: 'Confirm', from: ['draft', 'sent'], to: 'sale' },
    {
      method: 'action_cancel',
      label: 'Cancel',
      verb: 'Cancel',
      from: ['draft', 'sent', 'sale'],
      to: 'cancel',
    },
    {
      method: 'action_draft',
      label: 'Set to Quotation',
      verb: 'Reset to quotation',
      from: ['cancel', 'sent'],
      to: 'draft',
    },
  ],
  'account.move': [
    { method: 'action_post', label: 'Post', verb: 'Post', from: ['draft'], to: 'posted' },
    {
      method: 'button_draft',
      label: 'Reset to Draft',
      verb: 'Reset to draft',
      from: ['posted', 'cancel'],
      to: 'draft',
    },
    { method: 'button_cancel', label: 'Cancel Entry', verb: 'Cancel', from: ['draft'], to: 'cancel' },
  ],
}

/**
 * Odoo 17 opens a confirmation wizard from sale.order.action_cancel unless told not to; a tool call
 * has no one to click it, so the call asks for the plain cancel.
 */
const TRANSITION_CONTEXT: Record<string, Record<string, unknown>> = {
  'sale.order.action_cancel': { disable_cancel_warning: true },
}

interface StateRow {
  id: number
  display_name: string | false
  state: string | false
}

async function readStates(odoo: OdooSession, model: string, ids: number[]): Promise<StateRow[]> {
  return odoo.call<StateRow[]>(model, 'read', { ids, kwargs: { fields: ['display_name', 'state'] } })
}

/** The transitions Countersign knows for a model; none for a model it does not know. */
export function transitionsOf(model: string): Transition[] {
  return ownEntry(TRANSITIONS, model) ?? []
}

export function offered(model: string, state: string | false): Transition[] {
  return transitionsOf(model).filter((t) => state !== false && t.from.includes(state))
}

export const getWorkflowState = defineTool({
  name: 'get_workflow_state',
  title: 'Get a record’s workflow state',
  description:
    'Returns the current state of a sales order (sale.order) or invoice/journal entry (account.move) and ' +
    'the transitions it offers now (e.g. action_confirm, action_post), to use with transition_state. ' +
    'Example: {"model": "sale.order", "id": 12}',
  input: z.object({ model: modelName, id: recordId }).strict(),
  output: z.object({
    model: z.string(),
    id: resultId,
    display_name: odooText,
    state: odooText,
    transitions: z.array(z.object({ method: z.string(), label: z.string(), to_state: z.string() })),
  }),
  annotations: READ,
  writes: false,
  model: (args) => args.model,
  async run({ odoo }, args) {
    if (!ownEntry(TRANSITIONS, args.model)) {
      throw new ToolError(
        `Countersign knows the workflows of ${Object.keys(TRANSITIONS).join(' and ')} only; for ${args.model}, read its state field with get_record and use execute_method.`,
      )
    }
    const [row] = await readStates(odoo, args.model, [args.id])
    if (!row) throw new ToolError(`Record ${args.model} #${args.id} does not exist or has been deleted.`)
    const transitions = offered(args.model, row.state).map(({ method, label, to }) => ({
      method,
      label,
      to_state: to,
    }))
    return {
      structured: {
        model: args.model,
        id: args.id,
        display_name: row.display_name,
        state: row.state,
        transitions,
      },
      headline: `${row.display_name || `${args.model} #${args.id}`} is '${row.state}'; offers ${transitions.map((t) => t.method).join(', ') || 'no transition'}.`,
    }
  },
})

export const transitionState = defineTool({
  name: 'transition_state',
  title: 'Move records to another workflow state',
  description:
    'Runs one workflow transition (e.g. confirm a quotation, post an invoice) on one or more records of ' +
    'sale.order or account.move. Only a transition that get_workflow_state offers for every given record is ' +
    'accepted. Example: {"model": "account.move", "ids": [42], "transition": "action_post"}',
  input: z
    .object({
      model: z.enum(Object.keys(TRANSITIONS) as [string, ...string[]]).describe('sale.order or account.move'),
      ids: recordIds(100),
      transition: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a transition method such as "action_post"'),
    })
    .strict(),
  output: z.object({
    model: z.string(),
    transition: z.string(),
    records: z.array(z.object({ id: resultId, display_name: odooText, state: odooText })),
    odoo_result: jsonValue.describe('What Odoo answered to the transition (null for nothing)'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  writes: true,
  model: (args) => args.model,
  async run({ odoo }, args) {
    const transition = await checkTransition(odoo, args.model, args.ids, args.transition)
    const context = ownEntry(TRANSITION_CONTEXT, `${args.model}.${transition.method}`)
    const result = await odoo.call<unknown>(args.model, transition.method, {
      ids: args.ids,
      ...(context ? { context } : {}),
    })
    const after = await readStates(odoo, args.model, args.ids)
    return {
      structured: {
        model: args.model,
        transition: transition.method,
        records: after.map((r) => ({ id: r.id, display_name: r.display_name, state: r.state })),
        odoo_result: result ?? null,
      },
      headline: `${transition.label} done on ${args.ids.length} ${args.model} record(s).`,
    }
  },
  async describe({ odoo }, args) {
    const verb =
      transitionsOf(args.model).find((t) => t.method === args.transition)?.verb ?? `Run ${args.transition}`
    return { kind: 'transition', verb, ...(await recordsFacts(odoo, args.model, args.ids)) }
  },
})

/** Refuses, before anything runs, a transition some record does not offer in its current state. */
async function checkTransition(
  odoo: OdooSession,
  model: string,
  ids: number[],
  method: string,
): Promise<Transition> {
  const known = transitionsOf(model).find((t) => t.method === method)
  if (!known) {
    const names = transitionsOf(model)
      .map((t) => t.method)
      .join(', ')
    throw new ToolError(`${method} is not a transition of ${model}; its transitions are ${names}.`)
  }
  const rows = await readStates(odoo, model, ids)
  const byId = new Map(rows.map((r) => [r.id, r]))
  for (const id of ids) {
    const row = byId.get(id)
    if (!row) throw new ToolError(`Record ${model} #${id} does not exist or has been deleted.`)
    if (row.state === false || !known.from.includes(row.state)) {
      const now = offered(model, row.state).map((t) => t.method)
      throw new ToolError(
        `${row.display_name || `${model} #${id}`} is in state '${row.state}', where ${method} is not offered; get_workflow_state offers ${now.join(', ') || 'no transition'} for it. Nothing was changed.`,
      )
    }
  }
  return known
}
