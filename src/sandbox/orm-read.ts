/**
 * The reading half of the ORM, following Odoo 17's `models.py`: `search` (access rights, domain,
 * `active_test`, record rules, order, offset, limit), `read`/`search_read` output (`id` first,
 * many2one as `[id, display_name]`, empty as `false`), `name_search` and `fields_get`. Records a
 * user's rules hide are silently left out of searches and refused by `read`. Does not write.
 */
import { checkAccessRights, type Operation } from './access-rights.js'
import { compileDomain, type DomainSource, normalizeDomain } from './domain.js'
import { NEGATIVE_OPERATORS } from './domain-leaf.js'
import { type Env, modelDef, sudo } from './env.js'
import { keyError, userError, valueError } from './errors.js'
import type { FieldDef, Row } from './fields.js'
import { isX2many } from './fields.js'
import { pyRepr } from './py-repr.js'
import { recordRuleError, ruleDomain } from './record-rules.js'
import { displayName, fieldDef, fieldValue } from './registry.js'

export function domainSource(env: Env): DomainSource {
  return {
    field: (model, name) => fieldDef(env, model, name),
    value: (model, row, name) => fieldValue(env, model, row, name),
    rows: (model, active_test) => {
      const rows = env.state.store.rows(model)
      return active_test && fieldDef(env, model, 'active') ? rows.filter((r) => r.active !== false) : rows
    },
    nameSearch: (model, name, operator) =>
      nameSearchIds(
        sudo({ ...env, context: { ...env.context, active_test: false } }),
        model,
        name,
        [],
        operator,
      ),
    parentName: (model) => (fieldDef(env, model, 'parent_id')?.comodel === model ? 'parent_id' : undefined),
  }
}

/** Rows of `model` that satisfy `domain`, without rights, rules or active filtering. */
export function filterRows(
  env: Env,
  model: string,
  domain: unknown,
  rows = env.state.store.rows(model),
): Row[] {
  const predicate = compileDomain(domainSource(env), model, domain)
  return rows.filter(predicate)
}

/** The subset of `ids` the user's record rules allow for `operation`. */
export function allowedByRules(env: Env, model: string, ids: number[], operation: Operation): Set<number> {
  const domain = ruleDomain(env, model, operation)
  const rows = ids.map((id) => env.state.store.get(model, id)).filter((r): r is Row => r !== undefined)
  if (!domain) return new Set(rows.map((r) => r.id))
  return new Set(filterRows(sudo(env), model, domain, rows).map((r) => r.id))
}

/** `check_access_rule`: existing records hidden by rules raise; deleted ones are ignored here. */
export function checkRecordRules(env: Env, model: string, ids: number[], operation: Operation): void {
  if (env.su) return
  const allowed = allowedByRules(env, model, ids, operation)
  if (ids.some((id) => env.state.store.has(model, id) && !allowed.has(id)))
    throw recordRuleError(env, model, operation)
  const def = modelDef(env, model)
  if (!def.access_filter) return
  const rows = ids.map((id) => env.state.store.get(model, id)).filter((r): r is Row => r !== undefined)
  const visible = new Set(def.access_filter(env, rows, operation).map((r) => r.id))
  const refused = rows.filter((r) => !visible.has(r.id)).map((r) => r.id)
  if (refused.length > 0)
    throw def.access_error?.(env, refused, operation) ?? recordRuleError(env, model, operation)
}

export interface SearchOptions {
  offset?: number
  limit?: number | null
  order?: string | null
}

export function search(env: Env, model: string, domain: unknown, options: SearchOptions = {}): number[] {
  checkAccessRights(env, model, 'read')
  // `expression.is_false` checks the syntax of the domain as given, before `active` is added.
  normalizeDomain(domain ?? [])
  let effective = domain ?? []
  if (
    fieldDef(env, model, 'active') &&
    env.context.active_test !== false &&
    Array.isArray(effective) &&
    !effective.some((item) => Array.isArray(item) && item[0] === 'active')
  ) {
    effective = [['active', '=', true], ...effective]
  }
  let rows = filterRows(env, model, effective)
  const rules = ruleDomain(env, model, 'read')
  if (rules) rows = filterRows(sudo(env), model, rules, rows)
  const filter = modelDef(env, model).access_filter
  if (filter && !env.su) rows = filter(env, rows, 'read')
  rows = sortRows(env, model, rows, options.order || modelDef(env, model).order)
  const offset = options.offset ?? 0
  const end = options.limit ? offset + options.limit : undefined
  return rows.slice(offset, end).map((r) => r.id)
}

const ORDER_TERM = /^\s*([a-z0-9_]+|"[a-z0-9_]+")(\s+(desc|asc))?(\s+(nulls first|nulls last))?\s*$/i

/** `_order_to_sql` in memory: PostgreSQL puts NULLs last ascending and first descending. */
export function sortRows(env: Env, model: string, rows: Row[], order: string): Row[] {
  const terms = order.split(',').map((part) => {
    const match = ORDER_TERM.exec(part)
    if (!match || order.trim().endsWith(',')) {
      throw userError(
        `Invalid "order" specified (${order}). A valid "order" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)`,
      )
    }
    const name = (match[1] as string).replace(/"/g, '')
    const field = fieldDef(env, model, name)
    if (!field) throw valueError(`Invalid field ${pyRepr(name)} on model ${pyRepr(model)}`)
    const desc = (match[3] ?? '').toLowerCase() === 'desc'
    const nulls = (match[5] ?? '').toLowerCase()
    return { name, field, desc, nullsFirst: nulls ? nulls === 'nulls first' : desc }
  })
  const keyed = rows.map((row) => ({
    row,
    keys: terms.map((t) => sortKey(env, model, row, t.name, t.field)),
  }))
  keyed.sort((a, b) => {
    for (const [i, term] of terms.entries()) {
      const x = a.keys[i]
      const y = b.keys[i]
      if (x === y) continue
      if (x === null) return term.nullsFirst ? -1 : 1
      if (y === null) return term.nullsFirst ? 1 : -1
      const c =
        typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'en')
      if (c !== 0) return term.desc ? -c : c
    }
    return 0
  })
  return keyed.map((k) => k.row)
}

function sortKey(env: Env, model: string, row: Row, name: string, field: FieldDef): string | number | null {
  if (isX2many(field)) return null
  const value = fieldValue(env, model, row, name)
  if (field.type === 'boolean') return value ? 1 : 0
  if (value === false || value === null || value === undefined) return null
  if (field.type === 'many2one') {
    const target = env.state.store.get(field.comodel as string, value as number)
    return target ? displayName(env, field.comodel as string, target) : null
  }
  return value as string | number
}

/** A stored value as `read()` returns it (`convert_to_read`). */
export function toRead(env: Env, field: FieldDef, value: unknown, load: string | null): unknown {
  switch (field.type) {
    case 'many2one': {
      if (typeof value !== 'number') return false
      if (load !== '_classic_read') return value
      const target = env.state.store.get(field.comodel as string, value)
      return target ? [value, displayName(env, field.comodel as string, target)] : false
    }
    case 'one2many':
    case 'many2many':
      return Array.isArray(value) ? value : []
    case 'boolean':
      return value === true
    case 'integer':
      return typeof value === 'number' ? value : 0
    case 'float':
    case 'monetary':
      return typeof value === 'number' ? value : 0
    default:
      return value === null || value === undefined ? false : value
  }
}

export function checkFieldNames(env: Env, model: string, names: readonly string[]): void {
  for (const name of names) {
    if (!fieldDef(env, model, name))
      throw valueError(`Invalid field ${pyRepr(name)} on model ${pyRepr(model)}`)
  }
}

/** `_read_format` for rows already checked: `id` first, then the fields in the order asked. */
export function readFormat(
  env: Env,
  model: string,
  rows: Row[],
  fields: readonly string[] | null,
  load: string | null,
) {
  const names = fields && fields.length > 0 ? fields : Object.keys(modelDef(env, model).fields)
  return rows.map((row) => {
    const out: Record<string, unknown> = { id: row.id }
    for (const name of names) {
      if (name === 'id') continue
      out[name] = toRead(env, fieldDef(env, model, name) as FieldDef, fieldValue(env, model, row, name), load)
    }
    return out
  })
}

/** `read()`: unknown fields first, then rights and rules; deleted ids are left out. */
export function read(
  env: Env,
  model: string,
  ids: number[],
  fields: readonly string[] | null,
  load: string | null,
) {
  if (ids.length === 0) {
    // Nothing to fetch, but `_read_format` still looks the names up (checked on a real 17).
    const unknown = (fields ?? []).find((name) => !fieldDef(env, model, name))
    if (unknown !== undefined) throw keyError(unknown)
    return []
  }
  checkFieldNames(env, model, fields ?? [])
  checkAccessRights(env, model, 'read')
  checkRecordRules(env, model, ids, 'read')
  const rows = ids.map((id) => env.state.store.get(model, id)).filter((r): r is Row => r !== undefined)
  return readFormat(env, model, rows, fields, load)
}

/** `_name_search`: matches the `_rec_names_search` fields (AND-ed for negative operators). */
export function nameSearchIds(
  env: Env,
  model: string,
  name: unknown,
  domain: unknown[],
  operator: string,
  limit?: number | null,
): number[] {
  const def = modelDef(env, model)
  const fields = def.rec_names_search ?? [def.rec_name ?? 'name']
  let full = [...domain]
  if (!(name === '' && (operator === 'like' || operator === 'ilike'))) {
    const join = NEGATIVE_OPERATORS.has(operator) ? '&' : '|'
    const terms = fields.map((f) => [f, operator, name])
    full = [...full, ...Array(terms.length - 1).fill(join), ...terms]
  }
  return search(env, model, full, { limit: limit ?? null })
}
