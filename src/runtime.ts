/**
 * The composition root: builds everything a Countersign process needs from its configuration —
 * store (migrated), secret box, Odoo client, administrators, notifier, approval workflow, MCP
 * context — once, and closes it again. Commands (serve, stdio, expire, connection …) start here.
 * Does not listen on any port (app.ts builds the HTTP app, commands/serve.ts listens).
 */
import { hkdfSync } from 'node:crypto'
import { createAdminDirectory } from './approvals/admins.js'
import type { ApprovalsDeps } from './approvals/deps.js'
import { type Approvals, createApprovals } from './approvals/service.js'
import type { OdooConfig, ServerConfig, StoreConfig } from './config.js'
import type { Logger } from './logger.js'
import type { McpContext } from './mcp/server.js'
import { createUsageCounter, type UsageCounter } from './mcp/usage.js'
import { createActivityNotifier, type Notifier, SILENT_NOTIFIER } from './notify/odoo-activity.js'
import { isOdooError } from './odoo/errors.js'
import { createOdooClient } from './odoo/index.js'
import type { OdooClient, OdooSession, OdooVersion } from './odoo/types.js'
import { appendAudit, type NewAuditEntry } from './store/audit-log.js'
import { migrateToLatest } from './store/migrate.js'
import { openStore, type Store } from './store/open-store.js'
import { createSecretBox, type SecretBox } from './store/secret-box.js'
import { resolveSecret } from './store/secret-file.js'
import { VERSION } from './version.js'

export interface Runtime {
  store: Store
  secrets: SecretBox
  /** Signs console session cookies; derived from COUNTERSIGN_SECRET, so every replica agrees. */
  session_key: Buffer
  /** How often Odoo confirms a console session's user again (COUNTERSIGN_SESSION_CHECK_MINUTES). */
  session_check_ms: number
  odoo: OdooClient
  odoo_major: number
  /** The service user's Odoo session (COUNTERSIGN_ODOO_SERVICE_LOGIN), or null without one. */
  odoo_service: OdooSession | null
  logger: Logger
  clock: () => Date
  audit: (entry: NewAuditEntry) => Promise<void>
  approvals: Approvals
  /** Creates the approvers' Odoo activities; its health() feeds /readyz and /metrics. */
  notifier: Notifier
  mcp: McpContext
  /** Counts MCP requests per connection; written once a second and at close. */
  usage: UsageCounter
  close(): Promise<void>
}

/** Largest approved-call result cached on a request; the console and check_approval_status show it. */
const RESULT_LIMIT_BYTES = 256 * 1024

/**
 * The most Odoo calls one approved tool makes while executing (stage_mass_mailing_from_template:
 * read the template, find the model, create, read the total, maybe count): each ends within the
 * Odoo timeout, so an execution still `running` after this many timeouts (plus a margin) cannot be
 * in flight any more — its process died. Declaring a live call lost would be the worse mistake.
 */
const MAX_ODOO_CALLS_PER_EXECUTION = 6

export function staleRunningMs(odoo_timeout_ms: number): number {
  return MAX_ODOO_CALLS_PER_EXECUTION * odoo_timeout_ms + 5_000
}

export interface RuntimeConfig {
  store: StoreConfig
  odoo: OdooConfig
  server: Pick<
    ServerConfig,
    'public_url' | 'admins' | 'admin_group' | 'audit_payloads' | 'filing_limits' | 'session_check_minutes'
  >
}

export async function openStoreAndSecrets(
  config: StoreConfig,
  logger: Logger,
): Promise<{ store: Store; secrets: SecretBox; session_key: Buffer }> {
  const { secret, source, path } = resolveSecret(config)
  if (source === 'generated')
    logger.info({ path }, 'generated COUNTERSIGN_SECRET into the data folder (mode 0600)')
  const store = await openStore(config, { on_permissions_tightened: permissionsTightened(logger) })
  try {
    await migrateToLatest(store.db)
  } catch (error) {
    await store.close()
    throw error
  }
  return { store, secrets: createSecretBox(secret), session_key: sessionKey(secret) }
}

/** What openStore reports of a database file others could read, as one warning each. */
export function permissionsTightened(logger: Logger) {
  return (file: string, previous_mode: number) =>
    logger.warn(
      { file, previous_mode: previous_mode.toString(8) },
      `${file} was readable by other users (mode ${previous_mode.toString(8)}): made it readable by its owner only`,
    )
}

/** HKDF, not the secret itself: a key for one purpose, unrelated to the secret box's scrypt key. */
function sessionKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret.normalize('NFC'), 'countersign', 'console-session/v1', 32))
}

/** How long start-up waits for an Odoo that refuses connections (e.g. started at the same moment). */
export const ODOO_START_WAIT_MS = 30_000

/**
 * Odoo's version, read at start. While Odoo refuses connections — it may be starting next to us, as
 * in a docker compose file — this retries each second up to ODOO_START_WAIT_MS; any other failure
 * (a wrong URL answering HTML, a timeout) stops start-up at once with its own message.
 */
async function versionAtStart(odoo: OdooClient, logger: Logger): Promise<OdooVersion> {
  const until = Date.now() + ODOO_START_WAIT_MS
  let warned = false
  for (;;) {
    try {
      return await odoo.version()
    } catch (error) {
      const refused = isOdooError(error) && error.kind === 'network' && !error.request_sent
      if (!refused || Date.now() >= until) throw error
      if (!warned) {
        logger.warn(
          { odoo_url: odoo.url, reason: error.message },
          `Odoo is not answering yet; waiting up to ${ODOO_START_WAIT_MS / 1000} s`,
        )
        warned = true
      }
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  }
}

export async function createRuntime(
  config: RuntimeConfig,
  logger: Logger,
  clock: () => Date = () => new Date(),
): Promise<Runtime> {
  const { store, secrets, session_key } = await openStoreAndSecrets(config.store, logger)
  const odoo = createOdooClient(config.odoo)
  try {
    const version = await versionAtStart(odoo, logger)
    let service: OdooSession | null = null
    let notifier: Notifier = SILENT_NOTIFIER
    if (config.odoo.service) {
      service = await odoo.authenticate(config.odoo.service)
      notifier = createActivityNotifier({
        service,
        service_secret: config.odoo.service.secret,
        logger,
        clock,
      })
    } else {
      logger.warn(
        'COUNTERSIGN_ODOO_SERVICE_LOGIN is not set: approvers get no Odoo activity for new requests (requests are still filed and shown in the console)',
      )
    }
    const audit = (entry: NewAuditEntry) => appendAudit(store.db, entry).then(() => undefined)
    const admins = createAdminDirectory({
      logins: config.server.admins,
      group: config.server.admin_group,
      odoo_major: version.major,
      service,
    })
    const deps: ApprovalsDeps = {
      db: store.db,
      odoo,
      odoo_major: version.major,
      secrets,
      clock,
      logger,
      audit,
      audit_payloads: config.server.audit_payloads,
      notifier,
      admins,
      public_url: config.server.public_url,
      stale_running_ms: staleRunningMs(config.odoo.timeout_ms),
      result_limit_bytes: RESULT_LIMIT_BYTES,
      filing_limits: config.server.filing_limits,
    }
    const approvals = createApprovals(deps)
    const mcp: McpContext = {
      version: VERSION,
      clock,
      logger,
      audit,
      audit_payloads: config.server.audit_payloads,
      odoo_major: version.major,
      protocol: config.odoo.protocol,
      gate: approvals.gate,
    }
    const usage = createUsageCounter({ db: store.db, logger })
    return {
      store,
      secrets,
      session_key,
      session_check_ms: config.server.session_check_minutes * 60_000,
      odoo,
      odoo_major: version.major,
      odoo_service: service,
      logger,
      clock,
      audit,
      approvals,
      notifier,
      mcp,
      usage,
      async close() {
        await usage.stop()
        await odoo.close()
        await store.close()
      },
    }
  } catch (error) {
    await odoo.close()
    await store.close()
    throw error
  }
}
