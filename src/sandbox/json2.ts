/**
 * Odoo 19's JSON-2 endpoint (`POST /json/2/<model>/<method>`, addons/web/controllers/json2.py):
 * bearer API key (never a password), optional `X-Odoo-Database`, a JSON object of named
 * parameters plus `ids` and `context`; 200 with the bare result, or an error status with the
 * `serialize_exception` body (401 bad key, 403 AccessError, 404 unknown model/method or
 * MissingError, 422 UserError/ValidationError/bad parameters, 500 anything else). Also
 * `GET /web/version`. Does not serve Odoo 19's other routes.
 */
import { executeCall } from './dispatch.js'
import { HttpException, OdooException } from './errors.js'
import { serializeException } from './jsonrpc.js'
import { Recordset } from './recordset.js'
import type { Runtime } from './runtime.js'

export interface Json2Answer {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export const VERSION_19 = { version_info: [19, 0, 0, 'final', 0, ''], version: '19.0' }

function bearer(header: string | undefined): string | null {
  const match = /^bearer\s+(.+)$/i.exec(header ?? '')
  return match ? (match[1] as string).trim() : null
}

export async function handleJson2(
  runtime: Runtime,
  request: {
    method: string
    model: string
    name: string
    headers: Record<string, string | undefined>
    rawBody: string
  },
): Promise<Json2Answer> {
  try {
    if (request.method !== 'POST')
      throw new HttpException('MethodNotAllowed', 405, 'The method is not allowed for the requested URL.')
    const database = request.headers['x-odoo-database']
    if (database !== undefined && database !== runtime.state.db) {
      throw new HttpException(
        'NotFound',
        404,
        'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
      )
    }
    let body: Record<string, unknown> = {}
    if (request.rawBody.length > 0) {
      let parsed: unknown
      try {
        parsed = JSON.parse(request.rawBody)
      } catch (error) {
        throw new HttpException(
          'BadRequest',
          400,
          `could not parse the body as json: ${(error as Error).message}`,
        )
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new HttpException('BadRequest', 400, 'could not parse the body, expecting a json object')
      body = parsed as Record<string, unknown>
    }
    const { ids, context, ...kwargs } = body
    const { value } = await executeCall(runtime.state, runtime.counters, {
      protocol: 'json2',
      authenticate: () => {
        const key = bearer(request.headers.authorization)
        const uid = key ? runtime.credentials.uidOfApiKey(key) : null
        if (uid === null) throw new HttpException('Unauthorized', 401, 'Invalid apikey')
        return uid
      },
      model: request.model,
      method: request.name,
      ids,
      context: (context ?? {}) as Record<string, unknown>,
      kwargs,
    })
    return { status: 200, body: value instanceof Recordset ? value.ids : (value ?? null) }
  } catch (error) {
    const status = error instanceof OdooException ? error.http_status : 500
    const headers: Record<string, string> = status === 401 ? { 'www-authenticate': 'bearer' } : {}
    return { status, body: serializeException(error, `${request.model}.${request.name}`), headers }
  }
}
