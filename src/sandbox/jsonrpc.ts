/**
 * Odoo's JSON-RPC endpoint (`POST /jsonrpc`) as Odoo 17 answers it: services `common` (version,
 * authenticate, login), `db` (list, server_version) and `object` (execute_kw, execute), errors in
 * the `{"code": 200, "message": "Odoo Server Error", "data": {name, debug, message, arguments,
 * context}}` envelope, and no `result` key when a method returns None (odoo/http.py `_response`).
 * Does not keep sessions: every call carries its credentials.
 */
import { executeCall } from './dispatch.js'
import { keyError, missingError, OdooException, typeError, valueError } from './errors.js'
import { Recordset } from './recordset.js'
import type { Runtime } from './runtime.js'

export const VERSION_17 = {
  server_version: '17.0',
  server_version_info: [17, 0, 0, 'final', 0, ''],
  server_serie: '17.0',
  protocol_version: 1,
}

interface JsonRpcRequest {
  id?: unknown
  params?: { service?: unknown; method?: unknown; args?: unknown }
}

/**
 * Odoo 17 with an unknown database name fails while opening the registry's connection
 * (captures/01-authenticate-unknown-db.txt; the host part is the real server's PostgreSQL).
 */
function unknownDatabase(db: unknown): OdooException {
  return new OdooException(
    'psycopg2.OperationalError',
    `connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "${String(db)}" does not exist\n`,
    500,
  )
}

function checkDb(runtime: Runtime, db: unknown): void {
  if (db !== runtime.state.db) throw unknownDatabase(db)
}

/** The JSON-RPC form of a method's result (`api.downgrade`): records become ids. */
export function downgrade(
  value: unknown,
  create: boolean,
  returns: string | undefined,
  args: unknown[],
): unknown {
  if (!(value instanceof Recordset)) return value
  if (create)
    return typeof args[0] === 'object' && !Array.isArray(args[0]) ? (value.ids[0] ?? false) : value.ids
  if (returns === 'id') return value.ids[0] ?? false
  if (returns === 'repr')
    return `${value.model}(${value.ids.length === 1 ? `${value.ids[0]},` : value.ids.join(', ')})`
  return value.ids
}

async function object(runtime: Runtime, method: string, params: unknown[]): Promise<unknown> {
  if (method !== 'execute' && method !== 'execute_kw') {
    throw new OdooException('builtins.NameError', `Method not available ${method}`, 500)
  }
  const [db, rawUid, password, model, name, ...rest] = params
  if (params.length < 3) throw new OdooException('builtins.IndexError', 'tuple index out of range', 500)
  // Python's int(): False is 0 (then "Access Denied"), a numeric string works, anything else fails.
  const uid = rawUid === false ? 0 : rawUid === true ? 1 : Number(rawUid)
  if (!Number.isInteger(uid)) throw valueError(`invalid literal for int() with base 10: '${String(rawUid)}'`)
  let args: unknown[]
  let kwargs: Record<string, unknown> = {}
  if (method === 'execute_kw') {
    if (rest.length < 1) throw typeError("execute_kw() missing 1 required positional argument: 'args'")
    args = Array.isArray(rest[0]) ? rest[0] : []
    kwargs = (rest[1] ?? {}) as Record<string, unknown>
  } else args = rest
  const { value, def } = await executeCall(runtime.state, runtime.counters, {
    protocol: 'jsonrpc',
    authenticate: () => {
      checkDb(runtime, db)
      runtime.credentials.check(uid, password, () =>
        // An unknown uid with a password: `res.users.check` reads the missing user (captures/02-execute_kw-unknown-uid.txt).
        missingError(
          `Record does not exist or has been deleted.\n(Record: res.users(${uid},), User: ${uid})`,
        ),
      )
      return uid
    },
    model: String(model),
    method: String(name),
    args,
    kwargs,
  })
  return downgrade(value, Boolean(def.api_create), def.returns, args)
}

function common(runtime: Runtime, method: string, params: unknown[]): unknown {
  if (method === 'version') return VERSION_17
  if (method === 'authenticate' || method === 'login') {
    const expected = method === 'authenticate' ? 4 : 3
    const names = ['db', 'login', 'password', 'user_agent_env']
    if (params.length < expected) {
      const missing = names.slice(params.length, expected)
      throw typeError(
        `exp_${method}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${missing.map((n) => `'${n}'`).join(' and ')}`,
      )
    }
    if (params.length > expected)
      throw typeError(
        `exp_${method}() takes ${expected} positional arguments but ${params.length} were given`,
      )
    const [db, login, password] = params
    checkDb(runtime, db)
    return runtime.credentials.authenticate(login, password)
  }
  if (method === 'about') return 'See http://openerp.com'
  throw new OdooException('builtins.Exception', `Method not found: ${method}`, 500)
}

function database(runtime: Runtime, method: string): unknown {
  if (method === 'list') return [runtime.state.db]
  if (method === 'server_version') return '17.0'
  throw keyError(method)
}

/** Answers one JSON-RPC request body; never throws. */
export async function handleJsonRpc(runtime: Runtime, body: unknown): Promise<Record<string, unknown>> {
  const request = (typeof body === 'object' && body !== null ? body : {}) as JsonRpcRequest
  const id = request.id ?? null
  try {
    const params = request.params ?? {}
    const service = params.service
    const method = String(params.method)
    const args = Array.isArray(params.args) ? params.args : []
    let result: unknown
    if (service === 'common') result = common(runtime, method, args)
    else if (service === 'object') result = await object(runtime, method, args)
    else if (service === 'db') result = database(runtime, method)
    else throw keyError(String(service))
    return result === null || result === undefined ? { jsonrpc: '2.0', id } : { jsonrpc: '2.0', id, result }
  } catch (error) {
    return { jsonrpc: '2.0', id, error: errorEnvelope(error, `${String(request.params?.method)}`) }
  }
}

export function serializeException(error: unknown, where: string) {
  const exception =
    error instanceof OdooException
      ? error
      : new OdooException('builtins.Exception', String((error as Error)?.message ?? error), 500)
  return {
    name: exception.odoo_name,
    debug: exception.debug(where),
    message: exception.message,
    arguments: exception.arguments,
    context: {},
  }
}

export function errorEnvelope(error: unknown, where: string) {
  return { code: 200, message: 'Odoo Server Error', data: serializeException(error, where) }
}
