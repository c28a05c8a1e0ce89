/**
 * What the approval workflow needs from the rest of the process, passed in by app.ts. No module
 * here reads configuration or creates connections itself.
 */
import type { Kysely } from 'kysely'
import type { FilingLimits } from '../config.js'
import type { Logger } from '../logger.js'
import type { Notifier } from '../notify/odoo-activity.js'
import type { OdooClient } from '../odoo/types.js'
import type { NewAuditEntry } from '../store/audit-log.js'
import type { SecretBox } from '../store/secret-box.js'
import type { Database } from '../store/tables.js'
import type { AdminDirectory } from './admins.js'

export interface ApprovalsDeps {
  db: Kysely<Database>
  odoo: OdooClient
  odoo_major: number
  secrets: SecretBox
  clock: () => Date
  logger: Logger
  audit: (entry: NewAuditEntry) => Promise<void>
  audit_payloads: boolean
  notifier: Notifier
  admins: AdminDirectory
  /** Base URL of the console, for the link in the Odoo activity. */
  public_url: string
  /** A running execution older than this cannot still be in flight (Odoo timeout + margin). */
  stale_running_ms: number
  /** Cached results above this many bytes are cut, with a visible marker. */
  result_limit_bytes: number
  /** What one connection may file: pending requests, requests per minute, argument size. */
  filing_limits: FilingLimits
}

/** A person acting on requests (console, JSON API, CLI, or an MCP principal checking status). */
export interface Actor {
  uid: number
  login: string
  name: string
  is_admin: boolean
}
