/**
 * `countersign stdio --token <token>`: MCP over stdin/stdout for a local client, with the same store,
 * policy and approvals as `serve`. The token is checked at start and the connection is looked up
 * again on every tools/list and tools/call, so revoking or rotating it, or changing its policy,
 * takes effect while the process runs. Logs go to stderr only.
 */
import { serveStdio } from '@modelcontextprotocol/server/stdio'
import { type Env, readLogLevel, readOdooConfig, readServerConfig, readStoreConfig } from '../config.js'
import { createLogger } from '../logger.js'
import { resolvePrincipal } from '../mcp/principal.js'
import { createMcpServer } from '../mcp/server.js'
import { createRuntime } from '../runtime.js'

export async function stdioCommand(env: Env, token: string): Promise<void> {
  const config = { odoo: readOdooConfig(env), store: readStoreConfig(env), server: readServerConfig(env) }
  const logger = createLogger({ level: readLogLevel(env) })
  const runtime = await createRuntime(config, logger)
  const deps = { db: runtime.store.db, odoo: runtime.odoo, secrets: runtime.secrets }
  const principal = await resolvePrincipal(deps, token)
  if (!principal) {
    await runtime.close()
    throw new Error('unknown or revoked connection token (create one with `countersign connection create`)')
  }
  const handle = serveStdio(() =>
    createMcpServer(runtime.mcp, principal, {
      // Looked up again on every request, as HTTP does: the policy an administrator changes while
      // this process runs applies at once, and a revoked or rotated token stops working.
      async refresh() {
        const current = await resolvePrincipal(deps, token)
        if (current) runtime.usage.record(current.connection_id, runtime.clock())
        return current
      },
    }),
  )
  const stop = async () => {
    await handle.close()
    await runtime.close()
  }
  process.stdin.once('end', () => void stop())
  process.once('SIGTERM', () => void stop())
  process.once('SIGINT', () => void stop())
}
