/**
 * `countersign serve`: one HTTP process serving MCP at /mcp, the console at /, the JSON API at /api
 * and health at /healthz, /readyz, /metrics; plus the expiry job and the crash-recovery sweep. Stops
 * cleanly on SIGINT/SIGTERM. Several `serve` processes may share one PostgreSQL database.
 * `startCountersign` is the same server without the signal handling, for `countersign demo`.
 */
import { type AddressInfo, createServer } from 'node:net'
import { buildApp } from '../app.js'
import { every } from '../approvals/expire.js'
import { type Env, readLogLevel, readOdooConfig, readServerConfig, readStoreConfig } from '../config.js'
import { createLogger, type Logger } from '../logger.js'
import { sweepExpiredOAuth } from '../oauth/adapter.js'
import { createRuntime, type Runtime } from '../runtime.js'

/** A port the OS says is free right now, for COUNTERSIGN_PORT=0 (tests, demos). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

export interface RunningCountersign {
  url: string
  public_url: string
  runtime: Runtime
  stop(): Promise<void>
}

export async function startCountersign(env: Env, logger: Logger): Promise<RunningCountersign> {
  let server = readServerConfig(env)
  // The default public URL (links in Odoo activities, console snippets) must name the real port.
  if (server.port === 0)
    server = readServerConfig({ ...env, COUNTERSIGN_PORT: String(await freePort(server.host)) })
  const config = { odoo: readOdooConfig(env), store: readStoreConfig(env), server }
  const runtime = await createRuntime(config, logger)
  const recovered = await runtime.approvals.recover()
  if (recovered.lost.length > 0)
    logger.warn({ request_ids: recovered.lost }, 'executions interrupted by a crash: outcome unknown')
  // Requests that fell due while no server ran are expired now, not one interval later.
  const expired = await runtime.approvals.expire()
  if (expired.length > 0)
    logger.info({ count: expired.length }, 'expired requests that fell due while stopped')

  const app = await buildApp(runtime, {
    trusted_proxies: config.server.trusted_proxies,
    login_failure_limit: config.server.login_failure_limit,
    oauth_registrations_per_hour: config.server.oauth_registrations_per_hour,
    oauth_dev_http_client_ids: config.server.oauth_dev_http_client_ids,
  })
  const url = await app.listen({ host: config.server.host, port: config.server.port })
  const onError = (error: unknown) => logger.error({ err: error }, 'background job failed')
  const stopExpiry = every(
    config.server.expiry_interval_minutes * 60_000,
    async () => {
      await runtime.approvals.expire()
      await sweepExpiredOAuth(runtime.store.db, runtime.clock())
    },
    onError,
  )
  const stopRecovery = every(
    runtime.approvals.deps.stale_running_ms,
    () => runtime.approvals.recover(),
    onError,
  )
  logger.info({ url, public_url: config.server.public_url, odoo: config.odoo.url }, 'countersign is serving')

  let stopped: Promise<void> | null = null
  return {
    url,
    public_url: config.server.public_url,
    runtime,
    stop() {
      stopped ??= (async () => {
        stopExpiry()
        stopRecovery()
        await app.close()
        await runtime.close()
      })()
      return stopped
    },
  }
}

export async function serveCommand(env: Env): Promise<void> {
  const logger = createLogger({ level: readLogLevel(env) })
  const running = await startCountersign(env, logger)
  const stop = (signal: string) => {
    logger.info({ signal }, 'stopping')
    void running.stop()
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
}
