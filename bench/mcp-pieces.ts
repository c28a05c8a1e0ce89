/**
 * Figure 1, continued: Countersign's own work on every MCP tools/call, each piece timed alone in
 * this process with the product's functions (no HTTP, no SDK, no Odoo): resolving the bearer token
 * and counting its use, decrypting the owner's key into a principal, building the per-request MCP
 * server, validating the arguments, and the tool_call audit row. Their sum against the measured
 * overhead tells how much of it is ours.
 */

import { resolvePrincipal } from '../src/mcp/principal.js'
import { createMcpServer } from '../src/mcp/server.js'
import type { Runtime } from '../src/runtime.js'
import { appendAudit } from '../src/store/audit-log.js'
import { searchRead } from '../src/tools/read-tools.js'
import type { Deployment } from './deployment.js'
import type { Row } from './report.js'
import { measure } from './stats.js'

export async function mcpPieces(
  d: Deployment,
  runtime: Runtime,
  options: { quick: boolean },
): Promise<Row[]> {
  const section = `1b. Countersign's own work in each MCP tools/call, in process (${d.engine})`
  const deps = { db: runtime.store.db, odoo: runtime.odoo, secrets: runtime.secrets }
  const principal = await resolvePrincipal(deps, d.plain.token)
  if (!principal) throw new Error('the bench connection token does not resolve')
  const count = options.quick ? 500 : 3000
  const piece = (op: () => unknown) => measure(async () => op(), { warmup: 300, count, concurrency: 1 })
  const args = { model: 'res.partner', limit: 20 }
  const figures = {
    resolve: await piece(() => resolvePrincipal(deps, d.plain.token)),
    server: await piece(() => createMcpServer(runtime.mcp, principal)),
    validate: await piece(() => searchRead.input.safeParse(args)),
    audit: await piece(() =>
      appendAudit(runtime.store.db, {
        at: new Date(),
        event: 'tool_call',
        outcome: 'ok',
        connection_id: principal.connection_id,
        actor_uid: principal.odoo.uid,
        actor_login: principal.odoo.login,
        tool: 'search_read',
        model: 'res.partner',
        duration_ms: 1,
      }),
    ),
  }
  const sum = Object.values(figures).reduce((total, s) => total + s.median_ms, 0)
  return [
    { section, name: 'piece: token → principal (1 SELECT; use counted apart)', summary: figures.resolve },
    { section, name: 'piece: per-request MCP server', summary: figures.server },
    { section, name: 'piece: validate arguments (zod)', summary: figures.validate },
    { section, name: 'piece: tool_call audit row', summary: figures.audit },
    { section, name: 'sum of the pieces (medians)', value: { amount: sum, unit: 'ms' } },
  ]
}
