/**
 * Odoo's base models as far as Countersign touches them: `res.users` (with `has_group` in both
 * the 17 and the 18+ form, `context_get` answering the uid, and `change_password`), `res.groups`, `ir.model.data`
 * (xml ids), `ir.model`, `res.company`, `res.country` and `res.currency`. Field names and labels
 * are Odoo 17's. Does not authenticate (auth.ts) and stores no password: `res.users.password` reads
 * empty and writing it hands the new password to auth.ts, as Odoo's `_set_password` does.
 */

import { checkAccessRights } from '../access-rights.js'
import { type Env, sudo } from '../env.js'
import {
  accessDenied,
  assertionError,
  attributeError,
  userError,
  validationError,
  valueError,
} from '../errors.js'
import type { ModelDef, Row } from '../fields.js'
import { boolean, char, integer, many2many, many2one, selection } from '../fields.js'
import { groupInfo } from '../groups.js'
import { createRecords } from '../orm-write.js'
import { hasGroup } from '../security.js'

/** `res.groups.full_name`: "Category / Name" (the ACL error message uses "Category/Name"). */
function groupFullName(row: Row, env: Env): string {
  const data = env.state.store
    .rows('ir.model.data')
    .find((d) => d.model === 'res.groups' && d.res_id === row.id)
  const info = data ? groupInfo(`${data.module}.${data.name}`) : undefined
  return info?.category ? `${info.category} / ${row.name}` : String(row.name)
}

export const resUsers: ModelDef = {
  name: 'res.users',
  description: 'User',
  order: 'name, login',
  fields: {
    name: char('Name', { required: true }),
    login: char('Login', { required: true }),
    partner_id: many2one('res.partner', 'Related Partner', { required: true }),
    email: char('Email'),
    email_formatted: char('Formatted Email', {
      compute: (row) => (row.email ? `"${row.name ?? ''}" <${row.email}>` : false),
    }),
    active: boolean('Active', { default: () => true }),
    // Odoo 17: computed to '' (`_compute_password`), inverse `_set_password` stores only a hash.
    password: char('Password', { compute: () => '' }),
    share: boolean('Share User', { compute: (row, env) => !hasGroup(env, 'base.group_user', row.id) }),
    groups_id: many2many('res.groups', 'Groups'),
    // Odoo 19's name for every group of the user, implied ones included: what 17's groups_id holds.
    // The sandbox answers Odoo 19's JSON-2 with these same models, so a 19 client may ask for it.
    all_group_ids: many2many('res.groups', 'Groups and implied groups', {
      compute: (row) => (row.groups_id as number[] | undefined) ?? [],
    }),
    company_id: many2one('res.company', 'Company', { required: true, default: () => 1 }),
    company_ids: many2many('res.company', 'Companies'),
    lang: char('Language', { default: () => 'en_US' }),
    tz: char('Timezone', { default: () => 'Europe/Brussels' }),
  },
  before_create: (env, vals) => {
    checkLogin(env, vals.login, [])
    // res.users `_inherits` res.partner: a user created without a partner gets one of its own.
    if (!vals.partner_id) {
      const [partner] = createRecords(sudo(env), 'res.partner', [
        { name: vals.name ?? false, email: vals.email ?? false },
      ])
      vals.partner_id = partner
    }
  },
  after_create: (env, id, vals) => setPassword(env, [id], vals.password),
  before_write: (env, ids, vals) => {
    if ('login' in vals) checkLogin(env, vals.login, ids)
  },
  after_write: (env, ids, vals) => setPassword(env, ids, vals.password),
  methods: {
    has_group: {
      qualname: 'Users.has_group',
      api_model: true,
      flex_ids: true,
      params: [{ name: 'group_ext_id' }],
      run: (env, ids, a) => {
        const xmlid = a.group_ext_id
        if (typeof xmlid !== 'string' || !xmlid.includes('.'))
          throw assertionError(`External ID '${String(xmlid)}' must be fully qualified`)
        return hasGroup(env, xmlid, ids[0] ?? env.uid)
      },
    },
    // res_users.py `change_password` (17 and 19, the same code): `@api.model`, so JSON-RPC takes
    // [old, new] positionally or by name and JSON-2 by name only. The calling user's own password:
    // none or a wrong one (an API key too, the check is interactive) is AccessDenied; the new one is
    // stripped (`_change_password`), and empty after that is a UserError.
    change_password: {
      qualname: 'Users.change_password',
      api_model: true,
      writes: true,
      params: [{ name: 'old_passwd' }, { name: 'new_passwd' }],
      run: (env, _ids, a) => {
        if (!a.old_passwd || !env.state.credentials.checkPassword(env.uid, a.old_passwd)) throw accessDenied()
        if (typeof a.new_passwd !== 'string')
          throw attributeError(`'${pyTypeName(a.new_passwd)}' object has no attribute 'strip'`)
        const password = a.new_passwd.trim()
        if (password === '') throw userError('Setting empty passwords is not allowed for security reasons!')
        env.state.credentials.setPassword(env.uid, password)
        return true
      },
    },
    context_get: {
      qualname: 'Users.context_get',
      api_model: true,
      params: [],
      run: (env) => {
        const user = env.state.store.get('res.users', env.uid)
        return { lang: user?.lang ?? 'en_US', tz: user?.tz ?? false, uid: env.uid }
      },
    },
  },
}

// The inverse of `password`; an empty value changes nothing (res_users `_set_new_password` skips it too).
function setPassword(env: Env, ids: number[], password: unknown): void {
  if (typeof password !== 'string' || password === '') return
  for (const id of ids) env.state.credentials.setPassword(id, password)
}

// res_users `login_key` SQL constraint, worded by `_as_validation_error`.
function checkLogin(env: Env, login: unknown, ids: number[]): void {
  if (env.state.store.rows('res.users').some((u) => u.login === login && !ids.includes(u.id)))
    throw validationError(
      'The operation cannot be completed: You can not have two users with the same login!',
    )
}

export const resGroups: ModelDef = {
  name: 'res.groups',
  description: 'Access Groups',
  order: 'name',
  rec_name: 'full_name',
  display_name: groupFullName,
  fields: {
    name: char('Name', { required: true }),
    full_name: char('Group Name', { compute: groupFullName }),
    users: many2many('res.users', 'Users', {
      compute: (row, env) =>
        env.state.store
          .rows('res.users')
          .filter((u) => (u.groups_id as number[]).includes(row.id))
          .map((u) => u.id),
    }),
    share: boolean('Share Group'),
  },
}

export const irModelData: ModelDef = {
  name: 'ir.model.data',
  description: 'Model Data',
  order: 'module, model, name',
  methods: {
    // Readable by every user although ir.model.data itself is not (captures/17-demo-check_object_reference.txt).
    check_object_reference: {
      qualname: 'IrModelData.check_object_reference',
      api_model: true,
      params: [{ name: 'module' }, { name: 'xml_id' }, { name: 'raise_on_access_error', default: false }],
      run: (env, _ids, a) => {
        const row = env.state.store
          .rows('ir.model.data')
          .find((d) => d.module === a.module && d.name === a.xml_id)
        if (!row)
          throw valueError(`External ID not found in the system: ${String(a.module)}.${String(a.xml_id)}`)
        return [row.model, row.res_id]
      },
    },
  },
  display_name: (row) => `${row.module}.${row.name}`,
  fields: {
    name: char('External Identifier', { required: true }),
    complete_name: char('Complete ID', { compute: (row) => `${row.module}.${row.name}` }),
    model: char('Model Name', { required: true }),
    module: char('Module', { required: true }),
    res_id: integer('Record ID'),
    noupdate: boolean('Non Updatable'),
  },
}

export const irModel: ModelDef = {
  name: 'ir.model',
  description: 'Models',
  order: 'model',
  fields: {
    name: char('Model Description', { required: true }),
    model: char('Model', { required: true }),
    state: selection('Type', [
      ['manual', 'Custom Object'],
      ['base', 'Base Object'],
    ]),
    transient: boolean('Transient Model'),
    is_mail_thread: boolean('Has Mail Thread'),
  },
  // The web module's model-selector methods (web/models/ir_model.py, 17 and 19): any internal user
  // may call them, and they name only the models that user may read, while reading ir.model
  // itself needs Access Rights or Email Marketing.
  methods: {
    get_available_models: {
      qualname: 'IrModel.get_available_models',
      api_model: true,
      params: [],
      run: (env) => displayNames(env, readableModels(env, [...env.state.registry.models.keys()])),
    },
    display_name_for: {
      qualname: 'IrModel.display_name_for',
      api_model: true,
      params: [{ name: 'models' }],
      run: (env, _ids, a) => {
        const asked = Array.isArray(a.models) ? a.models.map(String) : []
        const readable = readableModels(env, asked)
        return [
          ...displayNames(env, readable),
          ...asked.filter((m) => !readable.includes(m)).map((m) => ({ display_name: m, model: m })),
        ]
      },
    },
  },
}

function readableModels(env: Env, models: string[]): string[] {
  if (!hasGroup(env, 'base.group_user')) return []
  return models.filter(
    (model) => env.state.registry.models.has(model) && checkAccessRights(env, model, 'read', false),
  )
}

/** `_display_name_for`: ir.model read with sudo, in ir.model's order (by model). */
function displayNames(env: Env, models: string[]): Array<{ display_name: string; model: string }> {
  return env.state.store
    .rows('ir.model')
    .filter((row) => models.includes(String(row.model)) && !row.transient)
    .sort((a, b) => String(a.model).localeCompare(String(b.model)))
    .map((row) => ({ display_name: String(row.name), model: String(row.model) }))
}

export const resCompany: ModelDef = {
  name: 'res.company',
  description: 'Companies',
  order: 'sequence, name',
  fields: {
    name: char('Company Name', { required: true }),
    partner_id: many2one('res.partner', 'Partner', { required: true }),
    currency_id: many2one('res.currency', 'Currency', { required: true }),
    email: char('Email'),
    sequence: integer('Sequence'),
  },
}

export const resCountry: ModelDef = {
  name: 'res.country',
  description: 'Country',
  order: 'name',
  fields: { name: char('Country Name', { required: true }), code: char('Country Code') },
}

export const resCurrency: ModelDef = {
  name: 'res.currency',
  description: 'Currency',
  order: 'active desc, name',
  fields: {
    name: char('Currency', { required: true }),
    full_name: char('Name'),
    symbol: char('Symbol', { required: true }),
    position: selection('Symbol Position', [
      ['after', 'After Amount'],
      ['before', 'Before Amount'],
    ]),
    rounding: { type: 'float', string: 'Rounding Factor' },
    decimal_places: integer('Decimal Places', { compute: () => 2 }),
    active: boolean('Active', { default: () => true }),
  },
}

/** Python's type name of a JSON value, as AttributeError messages print it. */
function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float'
  return Array.isArray(value) ? 'list' : 'dict'
}

/** A user's partner id, for authors and followers. */
export function userPartnerId(env: Env, uid = env.uid): number | false {
  return (env.state.store.get('res.users', uid)?.partner_id as number | undefined) ?? false
}
