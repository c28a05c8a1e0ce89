/**
 * The effects hidden in a dict of field values given to `write` or `create`: x2many commands on
 * related records, `state`, `active`, and the fields that move a record to another company or owner
 * or change an amount. What remains is the plain write. Needs the field types (`fields_get`) to know
 * which fields are x2many; a field of unknown type is taken as plain.
 */
import type { Effect, EffectFacts, FieldMeta, WriteFlag } from './effect.js'

/** Odoo's x2many command codes (odoo/fields.py `Command`). */
const CREATE = 0
const UPDATE = 1
const DELETE = 2
const UNLINK = 3
const LINK = 4
const CLEAR = 5
const SET = 6

const OWNERSHIP_FIELDS: ReadonlySet<string> = new Set(['user_id', 'create_uid', 'partner_id', 'owner_id'])
const COMPANY_FIELDS: ReadonlySet<string> = new Set(['company_id', 'company_ids'])
const AMOUNT_FIELD = /(^|_)(amount|price|qty|quantity|discount|total|balance|debit|credit)($|_)/

export interface ValuesContext {
  model: string
  /** The records written (empty for a create). */
  records: number[]
  /** `write` or `create`. */
  method: string
  /** Field types of every model read so far: the written model's, and the comodels of its x2many fields. */
  facts: EffectFacts
}

/** The field types known for `model`; none when it was not read. */
export function fieldsOf(facts: EffectFacts, model: string): Record<string, FieldMeta> {
  return Object.hasOwn(facts.fields, model) ? (facts.fields[model] ?? {}) : {}
}

/**
 * A value shaped like a list of x2many commands (`[[2, 7]]`, `[[0, 0, {…}], [4, 3]]`). Used when the
 * field's type is unknown — a field Odoo did not describe, or one inside a command — so that a
 * delete hidden there still counts as one.
 */
export function looksLikeCommands(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((c) => Array.isArray(c) && Number.isInteger(c[0]) && c[0] >= 0 && c[0] <= 6)
  )
}

/** The effects of writing (or creating with) `values`; the plain write first when there is one. */
export function effectsOfValues(values: Record<string, unknown>, ctx: ValuesContext): Effect[] {
  const plain: Record<string, unknown> = {}
  const flags = new Set<WriteFlag>()
  const more: Effect[] = []
  for (const [field, value] of Object.entries(values)) {
    const fields = fieldsOf(ctx.facts, ctx.model)
    const meta = Object.hasOwn(fields, field) ? fields[field] : undefined
    if (field === 'active' && ctx.method === 'write') {
      // Archiving hides a record everywhere; unarchiving is an ordinary write.
      if (value === false) {
        more.push({
          kind: 'archive',
          model: ctx.model,
          records: ctx.records,
          method: 'write',
          via: 'active: false',
        })
        continue
      }
    }
    // A record created in a state (`state: 'sale'`) skips the workflow as much as one moved there.
    if (field === 'state' && typeof value === 'string') {
      more.push({
        kind: 'state',
        model: ctx.model,
        records: ctx.records,
        to: value,
        method: ctx.method,
        via: `state: '${value}'`,
      })
      continue
    }
    if (meta && (meta.type === 'one2many' || meta.type === 'many2many') && Array.isArray(value)) {
      more.push(...commandEffects(field, meta, value, ctx))
      continue
    }
    // Unknown type but shaped like commands: read as a one2many, the reading where they can delete.
    if (!meta && looksLikeCommands(value)) {
      more.push(...commandEffects(field, { type: 'one2many' }, value as unknown[], ctx))
      continue
    }
    plain[field] = value
    if (COMPANY_FIELDS.has(field)) flags.add('company')
    if (OWNERSHIP_FIELDS.has(field)) flags.add('ownership')
    // Without the field's type (a line created or updated inside a command), a number in a field
    // named like an amount or a quantity counts as one.
    const numeric = meta ? isNumeric(meta.type) : typeof value === 'number'
    if (meta?.type === 'monetary' || (numeric && AMOUNT_FIELD.test(field))) flags.add('amount')
  }
  const plainEffects: Effect[] =
    Object.keys(plain).length > 0 || ctx.method === 'create'
      ? [
          {
            kind: ctx.method === 'create' ? 'create' : 'write',
            model: ctx.model,
            records: ctx.records,
            values: plain,
            method: ctx.method,
            ...(flags.size > 0 && { flags: [...flags].sort() }),
          },
        ]
      : []
  return [...plainEffects, ...more]
}

function isNumeric(type: string): boolean {
  return type === 'float' || type === 'integer' || type === 'monetary'
}

function ids(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((v): v is number => Number.isInteger(v)) : []
}

/**
 * One effect per x2many command. On a one2many the lines belong to the record: taking a line out
 * (`[3, id]`, `[5]`, the lines `[6, 0, ids]` leaves out) deletes it when its inverse field is
 * `ondelete='cascade'`, as order and invoice lines are; fields_get does not say, so it counts as a
 * delete. On a many2many the same commands only unlink.
 */
function commandEffects(field: string, meta: FieldMeta, commands: unknown[], ctx: ValuesContext): Effect[] {
  const comodel = meta.relation ?? `${ctx.model}.${field}`
  const one2many = meta.type === 'one2many'
  const parent = { model: ctx.model, field, records: ctx.records }
  // The parent's own write: which records it links to changes.
  const relink = (via: string): Effect => ({
    kind: 'write',
    model: ctx.model,
    records: ctx.records,
    values: { [field]: via },
    method: ctx.method,
    via,
    parent,
  })
  const unlinkRelation = (records: number[] | 'all', via: string): Effect =>
    one2many
      ? { kind: 'delete', model: comodel, records, method: ctx.method, via, parent, irreversible: true }
      : relink(via)
  const out: Effect[] = []
  for (const command of commands) {
    if (!Array.isArray(command) || !Number.isInteger(command[0])) {
      // A bare id list ([7, 8]) on a many2many means "set"; anything else is passed as it is.
      out.push({
        kind: 'write',
        model: ctx.model,
        records: ctx.records,
        values: { [field]: command },
        method: ctx.method,
        parent,
      })
      continue
    }
    const [code, id, vals] = command as [number, unknown, unknown]
    const via = `${field} ${JSON.stringify(command)}`
    switch (code) {
      case CREATE:
        out.push(
          ...effectsOfValues(isDict(vals) ? vals : {}, {
            model: comodel,
            records: [],
            method: 'create',
            facts: ctx.facts,
          }).map((e) => ({ ...e, via, parent: e.parent ?? parent })),
        )
        break
      case UPDATE:
        out.push(
          ...effectsOfValues(isDict(vals) ? vals : {}, {
            model: comodel,
            records: ids([id]),
            method: 'write',
            facts: ctx.facts,
          }).map((e) => ({ ...e, via, parent: e.parent ?? parent })),
        )
        break
      case DELETE:
        out.push({
          kind: 'delete',
          model: comodel,
          records: ids([id]),
          method: ctx.method,
          via,
          parent,
          irreversible: true,
        })
        break
      case UNLINK:
        out.push(unlinkRelation(ids([id]), via))
        break
      case LINK:
        out.push(relink(via))
        break
      case CLEAR:
        out.push(unlinkRelation('all', via))
        break
      case SET:
        // The set replaces what is there: on a one2many the lines not in it go.
        out.push(unlinkRelation('all', via))
        break
      default:
        out.push({ kind: 'call', model: ctx.model, records: ctx.records, method: ctx.method, via, parent })
    }
  }
  return out
}

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
