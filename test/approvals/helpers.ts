/**
 * What the approval acceptance tests share on top of test/helpers/deployment.ts: extra sandbox
 * users (a second MCP administrator), the Odoo activities open for a request, waiting for an
 * approved call to finish, the CLI environment of an Odoo user, and filing a request through MCP.
 * Asserts nothing itself.
 */
import type { Client } from '@modelcontextprotocol/client'
import { callTool, type Deployment, eventually } from '../helpers/deployment.js'

/** Groups of a second administrator: `base.group_system` makes them an MCP administrator. */
export const SECOND_ADMIN_GROUPS = ['base.group_user', 'base.group_system', 'base.group_partner_manager']

/** Adds a user to the sandbox (password = login) and returns their uid. */
export async function addSandboxUser(
  d: Deployment,
  login: string,
  name: string,
  groups: string[],
): Promise<number> {
  const response = await fetch(`${d.sandbox.url}/__sandbox/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, name, password: login, groups }),
  })
  if (response.status !== 201) throw new Error(`sandbox refused user ${login}: ${await response.text()}`)
  return ((await response.json()) as { uid: number }).uid
}

/** The mail.activity rows Countersign created for a request that are still open (not marked done). */
export function openActivities(
  d: Deployment,
  request_id: number,
): Promise<Array<{ id: number; user_id: [number, string] }>> {
  // The activity's summary is "Approve AI request #<id>: <tool>"; the colon keeps #1 from matching #12.
  return d.odooAdmin.call('mail.activity', 'search_read', {
    kwargs: { domain: [['summary', 'ilike', `request #${request_id}:`]], fields: ['user_id'] },
  })
}

/** Waits until no activity of the request is open any more (they are closed after the decision). */
export async function activitiesClosed(d: Deployment, request_id: number): Promise<void> {
  await eventually(
    async () => ((await openActivities(d, request_id)).length === 0 ? true : undefined),
    10_000,
    `the activities of request ${request_id} to be closed`,
  )
}

/** `user`'s AI on a write connection whose `tools` (comma-separated) wait for `approver`. */
export async function gatedAi(
  d: Deployment,
  user: string,
  tools: string,
  approver = 'admin',
): Promise<{ connection_id: number; ai: Client }> {
  const made = await d.connection(user, ['--write', '--approval-tools', tools, '--approver', approver])
  return { connection_id: made.connection_id, ai: await d.mcp(made.token) }
}

/** Files a gated call and returns its request_id; fails unless the answer is `pending_approval`. */
export async function file(ai: Client, tool: string, args: Record<string, unknown>): Promise<number> {
  const pending = await callTool(ai, tool, args)
  if (pending.status !== 'pending_approval')
    throw new Error(`expected pending_approval: ${JSON.stringify(pending)}`)
  return pending.request_id as number
}

/** check_approval_status, polled until the approved call has finished (success or error). */
export function executed(ai: Client, request_id: number, timeout_ms = 15_000): ReturnType<typeof callTool> {
  return eventually(
    async () => {
      const status = await callTool(ai, 'check_approval_status', { request_id })
      return status.execution_status === 'success' || status.execution_status === 'error' ? status : undefined
    },
    timeout_ms,
    `request ${request_id} to finish executing`,
  )
}

/** The environment of `countersign approvals …` as an Odoo user, against server `n`. */
export function cliEnv(d: Deployment, login: string, server = 0): Record<string, string> {
  return {
    ...d.env,
    COUNTERSIGN_URL: d.servers[server]?.url ?? '',
    COUNTERSIGN_LOGIN: login,
    COUNTERSIGN_PASSWORD: d.sandbox.user(login).api_key,
  }
}

/** The write counters of one `model.method`, received and applied (0 when never called). */
export function writesOf(d: Deployment, key: string): { received: number; applied: number } {
  const w = d.sandbox.writes()
  return { received: w.received[key] ?? 0, applied: w.applied[key] ?? 0 }
}
