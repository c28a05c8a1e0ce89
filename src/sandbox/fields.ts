/**
 * How the sandbox describes a model: its fields (Odoo 17 names, types and labels), its order,
 * its display name and the public methods it offers over RPC. Plain data plus small helper
 * constructors so each model file reads like its Odoo counterpart. Does not store or check
 * anything: store.ts keeps rows, orm-*.ts apply rights and rules.
 */
import type { Env } from './env.js'

export type FieldType =
  | 'char'
  | 'text'
  | 'html'
  | 'integer'
  | 'float'
  | 'monetary'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'selection'
  | 'many2one'
  | 'one2many'
  | 'many2many'

/** A stored row: scalars, many2one ids (number | false), many2many id lists. */
export type Row = { readonly id: number } & Readonly<Record<string, unknown>>

export interface FieldDef {
  type: FieldType
  string: string
  required?: boolean
  readonly?: boolean
  comodel?: string
  /** one2many: the many2one on the comodel pointing back. */
  inverse_name?: string
  selection?: ReadonlyArray<readonly [string, string]>
  /** Not stored: computed from the row whenever read, searched or sorted. */
  compute?: (row: Row, env: Env) => unknown
  default?: (env: Env, vals: Record<string, unknown>) => unknown
  /** many2one: what deleting the target does (Odoo: required → restrict, else set null). */
  ondelete?: 'cascade' | 'restrict' | 'set null'
  help?: string
  /** Odoo's `tracking=True`: on a `user_id` to res.users, the user set follows the document (followers.ts). */
  tracking?: boolean
}

export interface ParamSpec {
  name: string
  /** Python default; absent = required positional parameter. */
  default?: unknown
  /** After `*` in the Python signature: cannot be passed positionally. */
  keyword_only?: boolean
}

export interface MethodDef {
  /** Python's parameters after `self`, for binding positional and keyword arguments. */
  params: readonly ParamSpec[]
  /** `**kwargs` in the Python signature: extra keywords are accepted. */
  var_keyword?: boolean
  /** `@api.model`: no record ids; positional arguments start with the first parameter. */
  api_model?: boolean
  /** JSON-2 may pass `ids` although 17 declares it `@api.model` (`has_group`: 18+ runs on `[uid]`). */
  flex_ids?: boolean
  /** `@api.model_create_multi`: answers an id for one dict, a list of ids for a list. */
  api_create?: boolean
  /** Python qualified name, as TypeErrors print it (`BaseModel.write`). */
  qualname: string
  /** Changes data: counted by the write counters and subject to the hold hook. */
  writes?: boolean
  /** Named differently over JSON-2 (Odoo 18+ renamed `name_search(args=)` to `domain=`). */
  json2_params?: readonly ParamSpec[]
  /**
   * How JSON-RPC (17) sends a returned recordset: `'id'` = the single id (`@api.returns(..., lambda
   * value: value.id)`), `'repr'` = Python's repr string (no `@api.returns`); default = the ids.
   */
  returns?: 'id' | 'repr'
  run(env: Env, ids: number[], args: Record<string, unknown>, model: string): unknown
}

export interface ModelDef {
  name: string
  description: string
  /** Default `_order`, e.g. `date_order desc, id desc`. */
  order: string
  /** `_rec_name`: the field name_search matches and display_name shows by default. */
  rec_name?: string
  /** `_rec_names_search`: the fields name_search matches (default: the rec_name). */
  rec_names_search?: readonly string[]
  fields: Record<string, FieldDef>
  display_name?: (row: Row, env: Env) => string
  /** A TransientModel (a wizard): listed in `ir.model` as transient. */
  transient?: boolean
  /** Inherits mail.thread: chatter, message_post, activities. */
  mail_thread?: boolean
  /** `_mail_post_access`: the right needed on the document to post on it (Odoo default: write). */
  mail_post_access?: 'read' | 'write'
  methods?: Record<string, MethodDef>
  /**
   * Document-based access on top of record rules (mail.message, mail.activity): keeps the rows
   * the user may see or change. Rows it drops are hidden from searches and refused elsewhere.
   */
  access_filter?: (env: Env, rows: Row[], operation: 'read' | 'write' | 'create' | 'unlink') => Row[]
  /** The AccessError for rows `access_filter` dropped (default: the record-rule error). */
  access_error?: (env: Env, ids: number[], operation: string) => Error
  /** Runs inside create, after defaults, before the row is stored (sequences, checks). */
  before_create?: (env: Env, vals: Record<string, unknown>) => void
  /** Runs inside create once the row exists, with the values given (e.g. to store computed relations). */
  after_create?: (env: Env, id: number, vals: Record<string, unknown>) => void
  /** Runs inside write after values are applied. */
  after_write?: (env: Env, ids: number[], vals: Record<string, unknown>) => void
  /** Runs inside write before values are applied, e.g. locked-order checks. */
  before_write?: (env: Env, ids: number[], vals: Record<string, unknown>) => void
  /** An `unlink` override's work before `super().unlink()` (account.move deletes its lines first). */
  pre_unlink?: (env: Env, ids: number[]) => void
  /** `@api.ondelete` checks: throw to refuse. */
  before_unlink?: (env: Env, ids: number[]) => void
}

type Opts = Omit<FieldDef, 'type' | 'string' | 'comodel' | 'selection' | 'inverse_name'>

export const char = (string: string, o: Opts = {}): FieldDef => ({ type: 'char', string, ...o })
export const text = (string: string, o: Opts = {}): FieldDef => ({ type: 'text', string, ...o })
export const html = (string: string, o: Opts = {}): FieldDef => ({ type: 'html', string, ...o })
export const integer = (string: string, o: Opts = {}): FieldDef => ({ type: 'integer', string, ...o })
export const float = (string: string, o: Opts = {}): FieldDef => ({ type: 'float', string, ...o })
export const monetary = (string: string, o: Opts = {}): FieldDef => ({ type: 'monetary', string, ...o })
export const boolean = (string: string, o: Opts = {}): FieldDef => ({ type: 'boolean', string, ...o })
export const date = (string: string, o: Opts = {}): FieldDef => ({ type: 'date', string, ...o })
export const datetime = (string: string, o: Opts = {}): FieldDef => ({ type: 'datetime', string, ...o })
export const selection = (
  string: string,
  values: ReadonlyArray<readonly [string, string]>,
  o: Opts = {},
): FieldDef => ({ type: 'selection', string, selection: values, ...o })
export const many2one = (comodel: string, string: string, o: Opts = {}): FieldDef => ({
  type: 'many2one',
  string,
  comodel,
  ondelete: o.required ? 'restrict' : 'set null',
  ...o,
})
export const one2many = (comodel: string, inverse_name: string, string: string, o: Opts = {}): FieldDef => ({
  type: 'one2many',
  string,
  comodel,
  inverse_name,
  ...o,
})
export const many2many = (comodel: string, string: string, o: Opts = {}): FieldDef => ({
  type: 'many2many',
  string,
  comodel,
  ...o,
})

export const isRelational = (field: FieldDef): boolean =>
  field.type === 'many2one' || field.type === 'one2many' || field.type === 'many2many'
export const isX2many = (field: FieldDef): boolean => field.type === 'one2many' || field.type === 'many2many'
