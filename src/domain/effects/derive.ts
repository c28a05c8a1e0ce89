/**
 * The effects of one tool call, from its validated arguments and the facts read for it. One rule
 * per tool; `execute_method` is read for its effective verb (methods.ts) and, over JSON-RPC, for the
 * records in its first positional argument, because that is what Odoo acts on
 * (`execute_method {method: 'unlink', args: [[26]]}` deletes record 26).
 */
import type { Effect, EffectFacts } from './effect.js'
import { methodKind } from './methods.js'
import { effectsOfValues, fieldsOf } from './values.js'

export interface ToolCall {
  tool: string
  args: Record<string, unknown>
}

/** The state each known transition leads to (tools/workflow.ts offers these, and only these). */
export type TransitionTargets = Readonly<Record<string, Readonly<Record<string, string>>>>

export function effectsOf(call: ToolCall, facts: EffectFacts, transitions: TransitionTargets = {}): Effect[] {
  const a = call.args
  const model = typeof a.model === 'string' ? a.model : ''
  switch (call.tool) {
    case 'create_record':
      return effectsOfValues(dict(a.values), {
        model,
        records: [],
        method: 'create',
        facts,
      })
    case 'update_record':
      return effectsOfValues(dict(a.values), {
        model,
        records: ids(a.ids),
        method: 'write',
        facts,
      })
    case 'delete_record':
      return [{ kind: 'delete', model, records: ids([a.id]), method: 'unlink', irreversible: true }]
    case 'batch_delete':
      return [{ kind: 'delete', model, records: ids(a.ids), method: 'unlink', irreversible: true }]
    case 'transition_state': {
      const method = String(a.transition)
      // Own entries only: "constructor" is a valid model and method name (found by the property test).
      const targets = Object.hasOwn(transitions, model) ? transitions[model] : undefined
      const to = targets && Object.hasOwn(targets, method) ? targets[method] : undefined
      return [{ kind: 'state', model, records: ids(a.ids), method, ...(to !== undefined && { to }) }]
    }
    case 'post_message':
      return a.internal === false
        ? [
            {
              kind: 'send',
              model,
              records: ids([a.id]),
              method: 'message_post',
              via: 'a message to the followers',
              irreversible: true,
            },
          ]
        : [
            {
              kind: 'create',
              model: 'mail.message',
              records: [],
              method: 'message_post',
              via: `an internal note on ${model}`,
            },
          ]
    case 'send_test_email_template':
      return [
        {
          kind: 'send',
          model: 'mail.template',
          records: ids([a.template_id]),
          method: 'send_mail',
          via: `a test email to ${String(a.email_to)}`,
          audience: [String(a.email_to)],
          irreversible: true,
        },
      ]
    case 'stage_mass_mailing_from_template':
      // A draft: nobody receives anything until a person sends it from Odoo.
      return [
        {
          kind: 'create',
          model: 'mailing.mailing',
          records: [],
          method: 'create',
          via: 'a draft mass mailing',
        },
      ]
    case 'execute_method':
      return methodEffects(model, String(a.method), a, facts)
    default:
      return []
  }
}

/**
 * What must be read from Odoo before `effectsOf` can answer: for each model, the fields whose type
 * decides the effect — the keys of the values a call writes or creates with, and, once a field is
 * known to be an x2many, the keys of the values its commands carry on the comodel (`order_line:
 * [[1, 7, {product_uom_qty: 3}]]` needs sale.order.line's fields). Call again with the facts read so
 * far until nothing new is asked (the reader stops at a few rounds). Empty when the arguments alone
 * are enough.
 */
export function factsNeeded(call: ToolCall, facts: EffectFacts = { fields: {} }): FieldsWanted[] {
  const wanted = new Map<string, Set<string>>()
  const visit = (model: string, values: Record<string, unknown>, depth: number) => {
    const set = wanted.get(model) ?? new Set<string>()
    wanted.set(model, set)
    const known = fieldsOf(facts, model)
    for (const [field, value] of Object.entries(values)) {
      set.add(field)
      const meta = Object.hasOwn(known, field) ? known[field] : undefined
      if (depth >= MAX_NESTING || !meta?.relation || !Array.isArray(value)) continue
      if (meta.type !== 'one2many' && meta.type !== 'many2many') continue
      for (const command of value) {
        if (Array.isArray(command) && (command[0] === 0 || command[0] === 1) && isDict(command[2]))
          visit(meta.relation, command[2], depth + 1)
      }
    }
  }
  for (const site of valueSites(call)) visit(site.model, site.values, 0)
  return [...wanted]
    .filter(([, fields]) => fields.size > 0)
    .map(([model, fields]) => ({ model, fields: [...fields].sort() }))
}

export interface FieldsWanted {
  model: string
  fields: string[]
}

/** x2many commands nest (a line created inside an order created inside…); deeper is not followed. */
const MAX_NESTING = 3

/**
 * Fields a call writes that Odoo does not know (or does not show this user), as `model.field`:
 * the call would fail at execution, so it fails at filing instead. Needs the facts `factsNeeded` asked.
 */
export function unknownFields(call: ToolCall, facts: EffectFacts): string[] {
  const found: string[] = []
  for (const { model, fields } of factsNeeded(call, facts)) {
    if (!Object.hasOwn(facts.fields, model)) continue
    const known = fieldsOf(facts, model)
    for (const field of fields) if (!Object.hasOwn(known, field)) found.push(`${model}.${field}`)
  }
  return found
}

/** The value dicts a call hands to `write` or `create`, with their model. */
function valueSites(call: ToolCall): Array<{ model: string; values: Record<string, unknown> }> {
  const a = call.args
  const model = typeof a.model === 'string' ? a.model : ''
  let values: unknown[] = []
  if (call.tool === 'create_record' || call.tool === 'update_record') values = [a.values]
  else if (call.tool === 'execute_method') {
    const kwargs = dict(a.kwargs)
    const positional = Array.isArray(a.args) ? a.args : []
    if (a.method === 'write') values = [kwargs.vals, ...positional]
    if (a.method === 'create') values = [kwargs.vals_list, positional[0]].flat()
  }
  return values.filter(isDict).map((v) => ({ model, values: v }))
}

function methodEffects(
  model: string,
  method: string,
  a: Record<string, unknown>,
  facts: EffectFacts,
): Effect[] {
  const kind = methodKind(method)
  if (kind === null) return []
  const positional = Array.isArray(a.args) ? a.args : []
  const kwargs = dict(a.kwargs)
  const { records, rest } = methodRecords(a)
  switch (kind) {
    case 'write': {
      if (method === 'action_unarchive')
        return [{ kind: 'write', model, records, values: { active: true }, method }]
      const values = isDict(kwargs.vals) ? kwargs.vals : isDict(rest[0]) ? rest[0] : {}
      return effectsOfValues(values, { model, records, method, facts })
    }
    case 'create': {
      if (method === 'copy') return [{ kind: 'create', model, records, method, via: 'a copy' }]
      const given = kwargs.vals_list ?? positional[0]
      const list = Array.isArray(given) ? given.filter(isDict) : isDict(given) ? [given] : [{}]
      return list.flatMap((values) => effectsOfValues(values, { model, records: [], method, facts }))
    }
    case 'delete':
      return [{ kind: 'delete', model, records, method, irreversible: true }]
    case 'send':
      if (method === 'message_post' && isInternalNote(kwargs))
        return [
          { kind: 'create', model: 'mail.message', records: [], method, via: `an internal note on ${model}` },
        ]
      return [{ kind: 'send', model, records, method, irreversible: true }]
    default:
      return [{ kind, model, records, method }]
  }
}

/**
 * The records an `execute_method` call acts on, and its positional parameters after them. Over
 * JSON-RPC a method on records takes them as args[0] when `ids` is not given — `{method: 'unlink',
 * args: [[26]]}` deletes record 26 — so an id list there counts as the records.
 */
export function methodRecords(a: Record<string, unknown>): { records: number[]; rest: unknown[] } {
  const positional = Array.isArray(a.args) ? a.args : []
  const fromArgs = a.ids === undefined && positional.length > 0 && isIdList(positional[0])
  const records = a.ids !== undefined ? ids(a.ids) : fromArgs ? ids(positional[0]) : []
  return { records, rest: fromArgs ? positional.slice(1) : positional }
}

/**
 * `message_post` posts an internal note unless told otherwise (mail_thread.py: no subtype means
 * `mail.mt_note`); partners named in `partner_ids` are notified even of a note.
 */
function isInternalNote(kwargs: Record<string, unknown>): boolean {
  const subtype = kwargs.subtype_xmlid
  const partners = Array.isArray(kwargs.partner_ids) && kwargs.partner_ids.length > 0
  return (
    !partners &&
    !kwargs.subtype_id &&
    (subtype === undefined || subtype === null || subtype === false || subtype === 'mail.mt_note')
  )
}

function dict(value: unknown): Record<string, unknown> {
  return isDict(value) ? value : {}
}

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isIdList(value: unknown): boolean {
  return (
    Number.isInteger(value) || (Array.isArray(value) && value.length > 0 && value.every(Number.isInteger))
  )
}

function ids(value: unknown): number[] {
  if (Number.isInteger(value)) return [value as number]
  return Array.isArray(value) ? value.filter((v): v is number => Number.isInteger(v)) : []
}
