/**
 * The public methods every model has (Odoo 17 `BaseModel`): search, search_read, read,
 * search_count, create, write, unlink, fields_get, name_search, check_access_rights, exists,
 * with their Python signatures so arguments bind like Python binds them. Does not resolve
 * which model a call is for (dispatch.ts) nor model-specific methods (models/*.ts).
 */
import { checkAccessRights, type Operation } from './access-rights.js'
import { modelDef } from './env.js'
import { assertionError, valueError } from './errors.js'
import type { FieldDef, MethodDef } from './fields.js'
import { checkFieldNames, checkRecordRules, nameSearchIds, read, readFormat, search } from './orm-read.js'
import { createRecords, unlinkRecords, writeRecords } from './orm-write.js'
import { Recordset } from './recordset.js'
import { displayName } from './registry.js'
import { hasGroup } from './security.js'

const str = (v: unknown) => (typeof v === 'string' ? v : null)
const num = (v: unknown) => (typeof v === 'number' ? v : null)
const fieldList = (v: unknown) => (Array.isArray(v) ? (v as string[]) : null)

function searchOptions(args: Record<string, unknown>) {
  return { offset: num(args.offset) ?? 0, limit: num(args.limit), order: str(args.order) }
}

function describeField(name: string, field: FieldDef, attributes: string[] | null): Record<string, unknown> {
  const full: Record<string, unknown> = {
    name,
    type: field.type,
    string: field.string,
    ...(field.help ? { help: field.help } : {}),
    readonly: Boolean(field.readonly || (field.compute && name !== 'display_name' ? true : field.readonly)),
    required: Boolean(field.required),
    store: !field.compute || name === 'display_name' ? name !== 'display_name' : true,
    searchable: true,
    sortable: field.type !== 'one2many' && field.type !== 'many2many' && name !== 'display_name',
    ...(field.comodel ? { relation: field.comodel, context: {}, domain: [] } : {}),
    ...(field.inverse_name ? { relation_field: field.inverse_name } : {}),
    ...(field.selection ? { selection: field.selection.map(([k, v]) => [k, v]) } : {}),
    company_dependent: false,
    manual: false,
    depends: [],
    exportable: true,
    groupable:
      field.type !== 'one2many' &&
      field.type !== 'many2many' &&
      field.type !== 'text' &&
      field.type !== 'html',
  }
  if (!attributes || attributes.length === 0) return full
  return Object.fromEntries(attributes.filter((a) => a in full).map((a) => [a, full[a]]))
}

export const BASE_METHODS: Record<string, MethodDef> = {
  search: {
    qualname: 'BaseModel.search',
    api_model: true,
    params: [
      { name: 'domain' },
      { name: 'offset', default: 0 },
      { name: 'limit', default: null },
      { name: 'order', default: null },
    ],
    run: (env, _ids, a, model) => new Recordset(model, search(env, model, a.domain, searchOptions(a))),
  },
  search_count: {
    qualname: 'BaseModel.search_count',
    api_model: true,
    params: [{ name: 'domain' }, { name: 'limit', default: null }],
    run: (env, _ids, a, model) => search(env, model, a.domain, { limit: num(a.limit) }).length,
  },
  search_read: {
    qualname: 'BaseModel.search_read',
    api_model: true,
    var_keyword: true,
    params: [
      { name: 'domain', default: null },
      { name: 'fields', default: null },
      { name: 'offset', default: 0 },
      { name: 'limit', default: null },
      { name: 'order', default: null },
    ],
    run: (env, _ids, a, model) => {
      const ids = search(env, model, a.domain ?? [], searchOptions(a))
      // `search_fetch` checks the field names even when nothing matches (checked on a real 17).
      const fields = fieldList(a.fields)
      checkFieldNames(env, model, fields ?? [])
      if (ids.length === 0) return []
      const rows = ids.map((id) => env.state.store.get(model, id)).filter((r) => r !== undefined)
      const load = a.load === undefined ? '_classic_read' : str(a.load)
      return readFormat(env, model, rows, fields, load)
    },
  },
  read: {
    qualname: 'BaseModel.read',
    params: [
      { name: 'fields', default: null },
      { name: 'load', default: '_classic_read' },
    ],
    run: (env, ids, a, model) => read(env, model, ids, fieldList(a.fields), str(a.load)),
  },
  create: {
    // `@api.model_create_multi` wraps it: TypeErrors say "create()" (captures/14-create-batch-two.txt).
    qualname: 'create',
    api_model: true,
    api_create: true,
    writes: true,
    params: [{ name: 'vals_list' }],
    run: (env, _ids, a, model) => {
      const list = Array.isArray(a.vals_list) ? a.vals_list : [a.vals_list]
      for (const vals of list) {
        if (typeof vals !== 'object' || vals === null || Array.isArray(vals))
          throw valueError('dictionary update sequence element #0 has length 1; 2 is required')
      }
      return new Recordset(model, createRecords(env, model, list as Record<string, unknown>[]))
    },
  },
  write: {
    qualname: 'BaseModel.write',
    writes: true,
    params: [{ name: 'vals' }],
    run: (env, ids, a, model) => writeRecords(env, model, ids, (a.vals ?? {}) as Record<string, unknown>),
  },
  unlink: {
    qualname: 'BaseModel.unlink',
    writes: true,
    params: [],
    run: (env, ids, _a, model) => unlinkRecords(env, model, ids),
  },
  exists: {
    qualname: 'BaseModel.exists',
    params: [],
    run: (env, ids, _a, model) =>
      new Recordset(
        model,
        ids.filter((id) => env.state.store.has(model, id)),
      ),
  },
  fields_get: {
    qualname: 'BaseModel.fields_get',
    api_model: true,
    params: [
      { name: 'allfields', default: null },
      { name: 'attributes', default: null },
    ],
    run: (env, _ids, a, model) => {
      const all = fieldList(a.allfields)
      const out: Record<string, unknown> = {}
      for (const [name, field] of Object.entries(modelDef(env, model).fields)) {
        if (all && all.length > 0 && !all.includes(name)) continue
        out[name] = describeField(name, field, fieldList(a.attributes))
      }
      return out
    },
  },
  name_search: {
    qualname: 'BaseModel.name_search',
    api_model: true,
    params: [
      { name: 'name', default: '' },
      { name: 'args', default: null },
      { name: 'operator', default: 'ilike' },
      { name: 'limit', default: 100 },
    ],
    json2_params: [
      { name: 'name', default: '' },
      { name: 'domain', default: null },
      { name: 'operator', default: 'ilike' },
      { name: 'limit', default: 100 },
    ],
    run: (env, _ids, a, model) => {
      const domain = (a.args ?? a.domain ?? []) as unknown[]
      const ids = nameSearchIds(env, model, a.name ?? '', domain, str(a.operator) ?? 'ilike', num(a.limit))
      return ids.map((id) => [id, displayName(env, model, env.state.store.get(model, id) as never)])
    },
  },
  check_access_rights: {
    qualname: 'BaseModel.check_access_rights',
    api_model: true,
    params: [{ name: 'operation' }, { name: 'raise_exception', default: true }],
    run: (env, _ids, a, model) => {
      const operation = a.operation as Operation
      if (!OPERATIONS.includes(operation)) throw assertionError('Invalid access mode')
      return checkAccessRights(env, model, operation, a.raise_exception !== false)
    },
  },
  check_access_rule: {
    qualname: 'BaseModel.check_access_rule',
    params: [{ name: 'operation' }],
    run: (env, ids, a, model) => {
      const operation = a.operation as Operation
      if (!OPERATIONS.includes(operation)) throw assertionError('Invalid access mode')
      checkRecordRules(env, model, ids, operation)
      return null
    },
  },
  name_get: {
    qualname: 'BaseModel.name_get',
    params: [],
    run: (env, ids, _a, model) =>
      read(env, model, ids, ['display_name'], '_classic_read').map((r) => [r.id, r.display_name]),
  },
  user_has_groups: {
    qualname: 'BaseModel.user_has_groups',
    api_model: true,
    params: [{ name: 'groups' }],
    run: (env, _ids, a) =>
      String(a.groups ?? '')
        .split(',')
        .map((g) => g.trim())
        .some((g) => (g.startsWith('!') ? !hasGroup(env, g.slice(1)) : hasGroup(env, g))),
  },
}

const OPERATIONS: readonly Operation[] = ['read', 'write', 'create', 'unlink']
