/**
 * `countersign migrate` (bring the schema up to date and exit) and `countersign expire` (one expiry
 * sweep now, for a cron outside the server). Both print one line saying what they did.
 */
import { type Env, readLogLevel, readOdooConfig, readServerConfig, readStoreConfig } from '../config.js'
import { createLogger } from '../logger.js'
import { sweepExpiredOAuth } from '../oauth/adapter.js'
import { createRuntime, permissionsTightened } from '../runtime.js'
import { migrateToLatest } from '../store/migrate.js'
import { openStore } from '../store/open-store.js'

export async function migrateCommand(env: Env): Promise<void> {
  const store = await openStore(readStoreConfig(env), {
    on_permissions_tightened: permissionsTightened(createLogger({ level: readLogLevel(env) })),
  })
  try {
    const outcome = await migrateToLatest(store.db)
    console.log(
      outcome.applied.length > 0
        ? `migrated ${store.label}: applied ${outcome.applied.join(', ')}`
        : `${store.label} is up to date (${outcome.latest ?? 'no migrations'})`,
    )
  } finally {
    await store.close()
  }
}

export async function expireCommand(env: Env): Promise<void> {
  const config = { odoo: readOdooConfig(env), store: readStoreConfig(env), server: readServerConfig(env) }
  const runtime = await createRuntime(config, createLogger({ level: readLogLevel(env) }))
  try {
    const expired = await runtime.approvals.expire()
    const swept = await sweepExpiredOAuth(runtime.store.db, runtime.clock())
    console.log(
      expired.length > 0
        ? `expired ${expired.length} request(s): ${expired.join(', ')}`
        : 'no pending request is past its expiry',
    )
    if (swept > 0) console.log(`deleted ${swept} expired OAuth record(s)`)
  } finally {
    await runtime.close()
  }
}
