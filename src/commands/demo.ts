/**
 * `countersign demo`: the whole product on one machine with nothing to set up — the sandbox Odoo
 * (simulated, in memory, demo data), Countersign serving against it on a fresh SQLite database, and
 * two connections for Marc Demo (one that may write, with risky tools and effects gated behind
 * approval by Mitchell Admin, and one read-only). Prints where everything is, the logins, the MCP tokens and
 * ready-to-paste client snippets. Never touches a real Odoo; everything is gone when it stops.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Env } from '../config.js'
import { clientSnippets } from '../connections/client-snippets.js'
import { createConnection } from '../connections/manage.js'
import { RECOMMENDED_APPROVAL_EFFECTS, RISKY_TOOLS } from '../domain/policy.js'
import { createLogger } from '../logger.js'
import { startSandboxOdoo } from '../sandbox/index.js'
import { freePort, startCountersign } from './serve.js'

/** The tools PRODUCT.md and the seed call risky: they wait for the approver on the demo connection. */
export const DEMO_APPROVAL_TOOLS = [...RISKY_TOOLS]

/** The port asked for, or any free one when it is taken (a second demo, or a real Odoo on 8069). */
async function portOr(wanted: number, host: string): Promise<number> {
  const { createServer } = await import('node:net')
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(freePort(host)))
    probe.listen(wanted, host, () => probe.close(() => resolve(wanted)))
  })
}

export async function demoCommand(env: Env): Promise<void> {
  const host = env.COUNTERSIGN_HOST || '127.0.0.1'
  const logger = createLogger({ level: env.COUNTERSIGN_LOG_LEVEL || 'warn' })
  const sandbox = await startSandboxOdoo({
    host,
    port: await portOr(Number(env.COUNTERSIGN_SANDBOX_PORT || 8069), host),
  })
  const admin = sandbox.user('admin')
  const demo = sandbox.user('demo')
  const folder = env.COUNTERSIGN_DATABASE ? null : mkdtempSync(join(tmpdir(), 'countersign-demo-'))
  const running = await startCountersign(
    {
      ...env,
      ODOO_URL: sandbox.url,
      ODOO_DB: sandbox.db,
      ODOO_PROTOCOL: 'jsonrpc',
      COUNTERSIGN_HOST: host,
      COUNTERSIGN_PORT: String(await portOr(Number(env.COUNTERSIGN_PORT || 8080), host)),
      COUNTERSIGN_DATABASE: env.COUNTERSIGN_DATABASE || `sqlite:${join(folder as string, 'countersign.db')}`,
      COUNTERSIGN_ODOO_SERVICE_LOGIN: 'admin',
      COUNTERSIGN_ODOO_SERVICE_KEY: admin.api_key,
    },
    logger,
  )
  const manage = {
    db: running.runtime.store.db,
    odoo: running.runtime.odoo,
    secrets: running.runtime.secrets,
    clock: running.runtime.clock,
  }
  const operator = { kind: 'operator' } as const
  const writer = await createConnection(
    manage,
    {
      name: 'Marc Demo — AI with approvals',
      odoo_login: 'demo',
      odoo_secret: demo.api_key,
      write_access: true,
      allowed_tools: [],
      approval_tools: DEMO_APPROVAL_TOOLS,
      approval_effects: RECOMMENDED_APPROVAL_EFFECTS,
      approver_login: 'admin',
      approval_expiry_hours: 4,
    },
    operator,
  )
  const reader = await createConnection(
    manage,
    {
      name: 'Marc Demo — read-only AI',
      odoo_login: 'demo',
      odoo_secret: demo.api_key,
      write_access: false,
      allowed_tools: [],
      approval_tools: [],
      approval_effects: [],
      approver_login: null,
      approval_expiry_hours: 4,
    },
    operator,
  )

  const mcp_url = `${running.public_url}/mcp`
  const rule = '═'.repeat(78)
  const lines = [
    rule,
    ' Countersign demo — running against the SANDBOX Odoo: a simulated Odoo 17 with demo data,',
    ' in memory. Nothing here touches a real Odoo; everything is gone when you stop it (Ctrl+C).',
    rule,
    '',
    ` Approver console   ${running.public_url}/`,
    `   log in as admin / admin        Mitchell Admin, the approver (an MCP administrator)`,
    `   or as     demo / demo          Marc Demo, whose AI files the requests`,
    '',
    ` MCP endpoint       ${mcp_url}`,
    `   token, may write (risky tools wait for admin's approval):`,
    `     ${writer.token}`,
    `   token, read-only:`,
    `     ${reader.token}`,
    `   tools that need approval: ${DEMO_APPROVAL_TOOLS.join(', ')}`,
    `   effects that need approval, whatever the tool: ${RECOMMENDED_APPROVAL_EFFECTS.join(', ')}`,
    '',
    ` Sandbox Odoo       ${sandbox.url}  (database ${sandbox.db})`,
    ...sandbox.users.map(
      (u) => `   ${u.login.padEnd(11)} password ${u.password.padEnd(11)} API key ${u.api_key}`,
    ),
    '',
    ' Connect an AI client with the write token:',
    ...clientSnippets(mcp_url, writer.token).flatMap((s) => [
      '',
      ` ${s.client} — ${s.where}:`,
      indent(s.text),
    ]),
    '',
    ' Then ask your AI, e.g.: "Delete Marc Demo\'s draft quotations." It will file a request;',
    ` approve it in the console, or: COUNTERSIGN_URL=${running.public_url} COUNTERSIGN_LOGIN=admin \\`,
    '   COUNTERSIGN_PASSWORD=admin npm start --silent -- approvals list --status pending',
    rule,
  ]
  console.log(lines.join('\n'))

  const stop = async () => {
    await running.stop()
    await sandbox.close()
    if (folder) rmSync(folder, { recursive: true, force: true })
  }
  process.once('SIGINT', () => void stop())
  process.once('SIGTERM', () => void stop())
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `   ${line}`)
    .join('\n')
}
