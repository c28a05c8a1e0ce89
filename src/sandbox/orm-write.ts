/**
 * The writing half of the ORM, following Odoo 17's `models.py`: `create` (defaults, x2many
 * commands, required fields, record rules on the new records), `write` (rights, rules, missing
 * records) and `unlink` (rights, rules, `@api.ondelete` checks, cascades and restrictions), with
 * the database errors PostgreSQL would raise worded as Odoo's `_as_validation_error`. Does not make
 * calls atomic (dispatch.ts wraps each RPC call in `store.atomically`).
 */
import { checkAccessRights } from './access-rights.js'
import { type Env, modelDef, nowString, sudo } from './env.js'
import { missingError, validationError, valueError } from './errors.js'
import type { FieldDef, Row } from './fields.js'
import { autoSubscribe, subscribeOnCreate } from './followers.js'
import { checkRecordRules } from './orm-read.js'
import { pyRepr } from './py-repr.js'
import { fieldDef, fieldValue } from './registry.js'

const LOG_ACCESS = new Set(['id', 'create_uid', 'create_date', 'write_uid', 'write_date'])
const DATE = /^\d{4}-\d{2}-\d{2}$/
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/

/** Touching a deleted record: "Record does not exist or has been deleted." with Python's recordset repr. */
export function missingRecordError(env: Env, model: string, id: number) {
  return missingError(
    `Record does not exist or has been deleted.\n(Record: ${model}(${id},), User: ${env.uid})`,
  )
}

function notNullError(env: Env, model: string, name: string, field: FieldDef) {
  return validationError(
    'The operation cannot be completed:\n' +
      '- Create/update: a mandatory field is not set.\n' +
      '- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n' +
      `Model: ${modelDef(env, model).description} (${model})\n` +
      `Field: ${field.string} (${name})\n`,
  )
}

function foreignKeyError(env: Env, model: string, name: string) {
  return validationError(
    'The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\n' +
      `Model: ${modelDef(env, model).description} (${model})\n` +
      `Constraint: ${model.replace(/\./g, '_')}_${name}_fkey\n`,
  )
}

/** Checks and converts one value the way the column (and Odoo's convert_to_cache) would. */
function columnValue(env: Env, model: string, name: string, field: FieldDef, value: unknown): unknown {
  if (value === null || value === undefined) return false
  if (field.type === 'selection' && value !== false) {
    if (!field.selection?.some(([key]) => key === value))
      throw valueError(`Wrong value for ${model}.${name}: ${pyRepr(value)}`)
  }
  if (field.type === 'many2one' && value !== false) {
    const id = Array.isArray(value) ? value[0] : value
    if (typeof id !== 'number' || !Number.isInteger(id))
      throw valueError(`Wrong value for ${model}.${name}: ${pyRepr(value)}`)
    // Odoo's computed fields read the target first, so a dangling id is a MissingError, not a
    // foreign-key error (captures/08-sale.order-create-nonexistent-partner.txt).
    if (!env.state.store.has(field.comodel as string, id))
      throw missingRecordError(env, field.comodel as string, id)
    return id
  }
  if ((field.type === 'date' || field.type === 'datetime') && value !== false) {
    const text = String(value)
    const ok = field.type === 'date' ? DATE.test(text) : DATE.test(text) || DATETIME.test(text)
    if (!ok) throw valueError(`time data ${pyRepr(text)} does not match format '%Y-%m-%d'`)
    return field.type === 'datetime' && DATE.test(text) ? `${text} 00:00:00` : text
  }
  if (field.type === 'boolean') return Boolean(value)
  return value
}

type Command = [number, ...unknown[]]

function asCommands(value: unknown): Command[] {
  if (value === false || value === null || value === undefined) return [[5]]
  if (!Array.isArray(value)) return []
  // A bare list of ids is Command.set (accepted for many2many by Odoo 17).
  if (value.every((v) => typeof v === 'number')) return [[6, 0, value]]
  return value.filter((v): v is Command => Array.isArray(v) && typeof v[0] === 'number')
}

function applyX2many(
  env: Env,
  model: string,
  id: number,
  name: string,
  field: FieldDef,
  value: unknown,
): void {
  const comodel = field.comodel as string
  const store = env.state.store
  const o2m = field.type === 'one2many'
  const inverse = field.inverse_name as string
  let current = fieldValue(env, model, store.get(model, id) as Row, name) as number[]
  const link = (childId: number) => {
    if (o2m) store.update(comodel, childId, { [inverse]: id })
    else if (!current.includes(childId)) current = [...current, childId]
  }
  const detach = (childId: number) => {
    if (o2m) {
      const inverseField = fieldDef(env, comodel, inverse)
      if (inverseField?.ondelete === 'cascade' || inverseField?.required)
        unlinkRecords(env, comodel, [childId])
      else store.update(comodel, childId, { [inverse]: false })
    } else current = current.filter((c) => c !== childId)
  }
  for (const [code, a, b] of asCommands(value)) {
    if (code === 0) {
      const vals = { ...(b as Record<string, unknown>), ...(o2m ? { [inverse]: id } : {}) }
      const [childId] = createRecords(env, comodel, [vals])
      if (!o2m) link(childId as number)
    } else if (code === 1) writeRecords(env, comodel, [a as number], b as Record<string, unknown>)
    else if (code === 2) {
      if (!o2m) current = current.filter((c) => c !== a)
      unlinkRecords(env, comodel, [a as number])
    } else if (code === 3) detach(a as number)
    else if (code === 4) link(a as number)
    else if (code === 5) for (const childId of [...current]) detach(childId)
    else if (code === 6) {
      const wanted = (b as number[]) ?? []
      for (const childId of current.filter((c) => !wanted.includes(c))) detach(childId)
      for (const childId of wanted) link(childId)
    }
    if (o2m) current = fieldValue(env, model, store.get(model, id) as Row, name) as number[]
  }
  if (!o2m) store.update(model, id, { [name]: current })
}

/** `create(vals_list)`: returns the new ids in order. */
export function createRecords(env: Env, model: string, valsList: Record<string, unknown>[]): number[] {
  checkAccessRights(env, model, 'create')
  const def = modelDef(env, model)
  const ids: number[] = []
  for (const given of valsList) {
    const vals: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(given)) {
      if (!def.fields[key]) throw valueError(`Invalid field ${pyRepr(key)} on model ${pyRepr(model)}`)
      if (!LOG_ACCESS.has(key)) vals[key] = value
    }
    // Context `default_<field>` keys win over field defaults, as in `default_get`.
    for (const [name, field] of Object.entries(def.fields)) {
      if (name in vals) continue
      const fromContext = env.context[`default_${name}`]
      if (fromContext !== undefined && !field.compute) vals[name] = fromContext
      else if (field.default) vals[name] = field.default(env, vals)
    }
    def.before_create?.(env, vals)
    const stored: Record<string, unknown> = {}
    const relational: [string, FieldDef, unknown][] = []
    for (const [name, field] of Object.entries(def.fields)) {
      if (field.compute || LOG_ACCESS.has(name)) continue
      if (field.type === 'one2many' || field.type === 'many2many') {
        if (field.type === 'many2many') stored[name] = []
        if (name in vals) relational.push([name, field, vals[name]])
        continue
      }
      stored[name] = columnValue(env, model, name, field, vals[name])
      if (field.required && stored[name] === false && field.type !== 'boolean')
        throw notNullError(env, model, name, field)
    }
    const now = nowString(env)
    const row = env.state.store.insert(model, {
      ...stored,
      create_uid: env.uid,
      create_date: now,
      write_uid: env.uid,
      write_date: now,
    })
    for (const [name, field, value] of relational) applyX2many(env, model, row.id, name, field, value)
    def.after_create?.(env, row.id, vals)
    if (def.mail_thread) subscribeOnCreate(env, model, row.id, vals)
    ids.push(row.id)
  }
  checkRecordRules(env, model, ids, 'create')
  return ids
}

function checkExisting(env: Env, model: string, ids: number[]): void {
  const missing = ids.find((id) => !env.state.store.has(model, id))
  if (missing !== undefined) throw missingRecordError(env, model, missing)
}

export function writeRecords(env: Env, model: string, ids: number[], vals: Record<string, unknown>): true {
  if (ids.length === 0) return true
  const def = modelDef(env, model)
  if (def.mail_thread) {
    // Tracking reads the records before writing: a user without read access fails on "access"
    // and a record rule answers 'read', not 'write' (captures/03-demo-write-admins-order-2.txt).
    checkAccessRights(env, model, 'read')
    checkExisting(env, model, ids)
    checkRecordRules(env, model, ids, 'read')
  }
  checkAccessRights(env, model, 'write')
  checkExisting(env, model, ids)
  checkRecordRules(env, model, ids, 'write')
  const values = Object.fromEntries(Object.entries(vals).filter(([key]) => !LOG_ACCESS.has(key)))
  for (const key of Object.keys(values)) {
    if (!def.fields[key]) throw valueError(`Invalid field ${pyRepr(key)} on model ${pyRepr(model)}`)
  }
  def.before_write?.(env, ids, values)
  const patch: Record<string, unknown> = { write_uid: env.uid, write_date: nowString(env) }
  const relational: [string, FieldDef, unknown][] = []
  for (const [name, value] of Object.entries(values)) {
    const field = def.fields[name] as FieldDef
    if (field.compute) continue
    if (field.type === 'one2many' || field.type === 'many2many') relational.push([name, field, value])
    else {
      patch[name] = columnValue(env, model, name, field, value)
      if (field.required && patch[name] === false && field.type !== 'boolean')
        throw notNullError(env, model, name, field)
    }
  }
  for (const id of ids) {
    env.state.store.update(model, id, patch)
    for (const [name, field, value] of relational) applyX2many(env, model, id, name, field, value)
  }
  def.after_write?.(env, ids, values)
  if (def.mail_thread) autoSubscribe(env, model, ids, values)
  return true
}

/** `unlink()`: rights, rules, ondelete checks, then cascades like the database's foreign keys. */
export function unlinkRecords(env: Env, model: string, ids: number[]): true {
  if (ids.length === 0) return true
  const def = modelDef(env, model)
  def.pre_unlink?.(env, ids)
  checkAccessRights(env, model, 'unlink')
  checkExisting(env, model, ids)
  checkRecordRules(env, model, ids, 'unlink')
  const existing = ids
  def.before_unlink?.(env, existing)
  const store = env.state.store
  const doomed = new Set(existing)
  if (def.mail_thread) {
    for (const follower of ['mail.message', 'mail.activity']) {
      for (const row of store.rows(follower)) {
        if (row.res_model === model && doomed.has(row.res_id as number)) store.delete(follower, row.id)
      }
    }
  }
  for (const [other, otherDef] of env.state.registry.models) {
    for (const [name, field] of Object.entries(otherDef.fields)) {
      if (field.comodel !== model || field.compute) continue
      if (field.type === 'many2many') {
        for (const row of store.rows(other)) {
          const list = (row[name] as number[] | undefined) ?? []
          if (list.some((id) => doomed.has(id)))
            store.update(other, row.id, { [name]: list.filter((id) => !doomed.has(id)) })
        }
      } else if (field.type === 'many2one') {
        const referring = store
          .rows(other)
          .filter((row) => doomed.has(row[name] as number) && !(other === model && doomed.has(row.id)))
        if (referring.length === 0) continue
        if (field.ondelete === 'cascade')
          unlinkRecords(
            sudo(env),
            other,
            referring.map((r) => r.id),
          )
        else if (field.ondelete === 'restrict') throw foreignKeyError(env, other, name)
        else for (const row of referring) store.update(other, row.id, { [name]: false })
      }
    }
  }
  for (const id of existing) store.delete(model, id)
  return true
}
