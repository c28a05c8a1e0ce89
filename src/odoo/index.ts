/**
 * Builds the Odoo client for the configured protocol. The one place that chooses between
 * JSON-RPC and JSON-2; callers only see OdooClient.
 */
import type { OdooConfig } from '../config.js'
import { createHttpPoster } from './http-post.js'
import { createJson2Client } from './json2.js'
import { createJsonRpcClient } from './jsonrpc.js'
import type { OdooClient } from './types.js'

export function createOdooClient(
  config: Pick<OdooConfig, 'url' | 'db' | 'protocol' | 'timeout_ms'>,
): OdooClient {
  const options = { url: config.url, db: config.db, timeout_ms: config.timeout_ms, http: createHttpPoster() }
  return config.protocol === 'json2' ? createJson2Client(options) : createJsonRpcClient(options)
}

export { isOdooError, OdooError, type OdooErrorKind } from './errors.js'
export type { CallParams, OdooClient, OdooCredentials, OdooSession, OdooVersion } from './types.js'
