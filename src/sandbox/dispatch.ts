/**
 * Runs one authenticated RPC call on a model: finds the method (model-specific, mail.thread or
 * BaseModel), refuses private, unknown and malformed calls with the errors Odoo gives for the
 * protocol used (17's `object.execute_kw` or 19's JSON-2 controller), binds arguments like Python
 * does, and executes atomically while counting writes. Does not authenticate (auth.ts) or
 * serialise results and errors (jsonrpc.ts, json2.ts).
 */
import { BASE_METHODS } from './base-methods.js'
import { makeEnv, type RequestSession, type SandboxState } from './env.js'
import { accessError, attributeError, HttpException, OdooException, typeError, userError } from './errors.js'
import type { MethodDef, ParamSpec } from './fields.js'
import { MAIL_THREAD_METHODS } from './models/mail-thread.js'
import { pyRepr } from './py-repr.js'
import { isWriteMethod, type WriteCounters } from './write-counters.js'

export interface Call {
  protocol: 'jsonrpc' | 'json2'
  /** Checks the credentials and answers the uid; runs after the call is counted as received. */
  authenticate: () => number
  model: string
  method: string
  /** JSON-RPC: positional arguments (ids first unless `@api.model`). */
  args?: unknown[]
  /** JSON-RPC keyword arguments, or the JSON-2 body without `ids` and `context`. */
  kwargs?: Record<string, unknown>
  /** JSON-2 `ids`. */
  ids?: unknown
  context?: Record<string, unknown>
  /** The web login's session the call came with; absent: a session for this call alone. */
  request?: RequestSession
}

export interface CallResult {
  value: unknown
  def: MethodDef
}

export function findMethod(state: SandboxState, model: string, method: string): MethodDef | undefined {
  const def = state.registry.models.get(model)
  if (!def) return undefined
  const own = def.methods?.[method]
  if (own) return own
  if (def.mail_thread && MAIL_THREAD_METHODS[method]) return MAIL_THREAD_METHODS[method]
  return Object.hasOwn(BASE_METHODS, method) ? BASE_METHODS[method] : undefined
}

/** `browse(ids)`: an id, a list of ids, or nothing. */
function browseIds(value: unknown): number[] {
  if (value === false || value === null || value === undefined) return []
  if (typeof value === 'number') return [value]
  if (Array.isArray(value) && value.every((v) => typeof v === 'number'))
    return [...new Set(value as number[])]
  throw typeError(`unhashable type: '${Array.isArray(value) ? 'list' : 'dict'}'`)
}

type BindStyle = 'python' | 'inspect'

function plural(n: number, word: string) {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function quoteList(names: string[]): string {
  const quoted = names.map((n) => `'${n}'`)
  if (quoted.length <= 2) return quoted.join(' and ')
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`
}

/** Binds like Python: positional first, then keywords; TypeError texts as CPython 3.10+ prints them. */
export function bindArguments(
  def: MethodDef,
  params: readonly ParamSpec[],
  positional: unknown[],
  keywords: Record<string, unknown>,
  style: BindStyle,
): Record<string, unknown> {
  const fn = `${def.qualname}()`
  const fail = (python: string, inspect: string) =>
    typeError(style === 'python' ? `${fn} ${python}` : inspect)
  const positionalParams = params.filter((p) => !p.keyword_only)
  const bound: Record<string, unknown> = {}
  if (positional.length > positionalParams.length) {
    const min = positionalParams.filter((p) => !('default' in p)).length + 1
    const max = positionalParams.length + 1
    const takes =
      min === max ? plural(max, 'positional argument') : `from ${min} to ${max} positional arguments`
    const given = positional.length + 1
    throw fail(
      `takes ${takes} but ${given} ${given === 1 ? 'was' : 'were'} given`,
      'too many positional arguments',
    )
  }
  positional.forEach((value, i) => {
    bound[(positionalParams[i] as ParamSpec).name] = value
  })
  const extra: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(keywords)) {
    const param = params.find((p) => p.name === name)
    if (!param) {
      if (def.var_keyword) extra[name] = value
      else
        throw fail(
          `got an unexpected keyword argument '${name}'`,
          `got an unexpected keyword argument '${name}'`,
        )
      continue
    }
    if (name in bound)
      throw fail(`got multiple values for argument '${name}'`, `multiple values for argument '${name}'`)
    bound[name] = value
  }
  const missing = params.filter((p) => !('default' in p) && !(p.name in bound))
  if (missing.length > 0) {
    const first = missing[0] as ParamSpec
    const kind = first.keyword_only ? 'keyword-only' : 'positional'
    const names = missing
      .filter((p) => Boolean(p.keyword_only) === Boolean(first.keyword_only))
      .map((p) => p.name)
    throw fail(
      `missing ${plural(names.length, `required ${kind} argument`)}: ${quoteList(names)}`,
      `missing a required argument: '${first.name}'`,
    )
  }
  for (const p of params) if (!(p.name in bound)) bound[p.name] = p.default
  return { ...extra, ...bound }
}

/** Validates and runs a call; resolves with the method's raw result (maybe a Recordset). */
export async function executeCall(
  state: SandboxState,
  counters: WriteCounters,
  call: Call,
): Promise<CallResult> {
  const { model, method } = call
  const writes = isWriteMethod(method, findMethod(state, model, method)?.writes)
  if (writes) counters.receive(model, method)
  if (writes) await counters.waitIfHeld(model, method)
  const uid = call.authenticate()
  const prepared = prepare(state, call)
  const env = makeEnv(state, uid, prepared.context, call.request)
  const value = state.store.atomically(() => prepared.def.run(env, prepared.ids, prepared.args, model))
  if (writes) counters.apply(model, method)
  return { value, def: prepared.def }
}

function prepare(state: SandboxState, call: Call) {
  const { model, method } = call
  const json2 = call.protocol === 'json2'
  if (json2) {
    if (!state.registry.models.has(model))
      throw new HttpException('NotFound', 404, `the model ${pyRepr(model)} does not exist`)
    if (method.startsWith('_'))
      throw accessError(`Private methods (such as '${model}.${method}') cannot be called remotely.`)
  } else {
    if (method.startsWith('_') || method === 'init')
      throw accessError(`Private methods (such as ${method}) cannot be called remotely.`)
    if (!state.registry.models.has(model)) throw userError(`Object ${model} doesn't exist`)
  }
  const found = findMethod(state, model, method)
  if (!found) {
    if (json2) throw new HttpException('NotFound', 404, `The method '${model}.${method}' does not exist`)
    // odoo/api.py call_kw (17).
    throw attributeError(`The method '${method}' does not exist on the model '${model}'`)
  }
  const def = json2 ? found : asOverriddenIn17(model, method, found)
  const kwargs = { ...(call.kwargs ?? {}) }
  let context = call.context ?? {}
  if (!json2 && 'context' in kwargs) {
    context = (kwargs.context ?? {}) as Record<string, unknown>
    delete kwargs.context
  }
  let ids: number[] = []
  let positional = [...(call.args ?? [])]
  if (json2) {
    ids = browseIds(call.ids)
    if (def.api_model && ids.length > 0 && !def.flex_ids)
      throw new HttpException('UnprocessableEntity', 422, `cannot call ${model}.${method} with ids`)
    // 17 gives `@api.model` methods no ids, so `has_group([2], 'x')` is a TypeError over JSON-RPC
    // (captures/09-has_group-ids-first-admin.txt); only JSON-2 (18+) passes ids to it.
  } else if (def.api_create && positional.length === 0) {
    // odoo/api.py `_call_kw_model_create` reads args[0] after creating: as a keyword the values
    // fail with IndexError and the transaction is rolled back (captured on a real 17).
    throw new OdooException('builtins.IndexError', 'tuple index out of range', 500)
  } else if (!def.api_model) {
    if (positional.length === 0)
      throw new OdooException('builtins.IndexError', 'tuple index out of range', 500)
    ids = browseIds(positional[0])
    positional = positional.slice(1)
  }
  let args: Record<string, unknown>
  try {
    args = json2
      ? bindArguments(def, def.json2_params ?? def.params, [], kwargs, 'inspect')
      : bindArguments(def, def.params, positional, kwargs, 'python')
  } catch (error) {
    if (json2 && error instanceof OdooException)
      throw new HttpException('UnprocessableEntity', 422, error.message)
    throw error
  }
  return { def, ids, args, context }
}

/**
 * Odoo 17 models whose outermost `write` override names its parameter `values`, so over
 * `/jsonrpc` `write(vals=…)` is a TypeError there (each seen on a real 17 demo database; 19 calls
 * it `vals` everywhere, which JSON-2 — named parameters only — relies on).
 */
const WRITE_VALUES_17: Record<string, string> = {
  'sale.order': 'SaleOrder.write',
  'sale.order.line': 'SaleOrderLine.write',
  'mailing.mailing': 'MassMailing.write',
  'mailing.contact': 'MailThread.write',
  'mail.activity': 'MailActivity.write',
  'product.product': 'ProductProduct.write',
  'ir.model.data': 'IrModelData.write',
  'res.company': 'ResCompany.write',
}

function asOverriddenIn17(model: string, method: string, def: MethodDef): MethodDef {
  const qualname =
    method === 'write' && Object.hasOwn(WRITE_VALUES_17, model) ? WRITE_VALUES_17[model] : undefined
  if (!qualname) return def
  return {
    ...def,
    qualname,
    params: [{ name: 'values' }],
    run: (env, ids, args, name) => def.run(env, ids, { vals: args.values }, name),
  }
}
