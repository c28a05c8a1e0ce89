/** Reads Odoo's version answer (JSON-RPC `common.version`, JSON-2 `GET /web/version`) into OdooVersion. */
import { OdooError } from './errors.js'
import type { OdooVersion } from './types.js'

export function parseVersion(raw: Record<string, unknown>): OdooVersion {
  const server_version = String(raw.server_version ?? raw.version ?? '')
  const info = Array.isArray(raw.server_version_info)
    ? raw.server_version_info
    : Array.isArray(raw.version_info)
      ? raw.version_info
      : []
  // "saas~18.4" reports [18, 4, …] in version_info; the leading number is the API generation we care about.
  const major =
    typeof info[0] === 'number' ? info[0] : Number.parseInt(server_version.replace(/^saas~/, ''), 10)
  if (!Number.isFinite(major))
    throw new OdooError('network', `Odoo sent an unreadable version: ${JSON.stringify(raw)}`)
  return { server_version, server_version_info: info, major }
}
