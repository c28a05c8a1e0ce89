/**
 * `countersign approvals list | show | approve | reject`: a thin client of a running server's JSON
 * API (COUNTERSIGN_URL), as the Odoo user COUNTERSIGN_LOGIN with COUNTERSIGN_PASSWORD (password or
 * API key). The server decides everything; a refusal prints its message and exits non-zero.
 * Everything printed comes from Odoo or the store, so it goes through domain/terminal-text.ts.
 */

import type { Review } from '../approvals/review.js'
import { type Env, readClientConfig } from '../config.js'
import { previewLines } from '../domain/effects/preview.js'
import { printable, printableJson } from '../domain/terminal-text.js'

class ApiRefusal extends Error {
  override name = 'ApiRefusal'
}

async function callApi(env: Env, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const config = readClientConfig(env)
  const authorization = `Basic ${Buffer.from(`${config.login}:${config.password}`).toString('base64')}`
  let response: Response
  try {
    response = await fetch(`${config.url}/api${path}`, {
      method,
      headers: {
        authorization,
        accept: 'application/json',
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    })
  } catch (error) {
    throw new ApiRefusal(
      `cannot reach Countersign at ${config.url}: ${(error as Error).cause ?? (error as Error).message}`,
    )
  }
  const text = await response.text()
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new ApiRefusal(`${config.url} did not answer like Countersign (HTTP ${response.status})`)
  }
  if (!response.ok) {
    const message = (parsed as { message?: string }).message ?? text
    throw new ApiRefusal(`refused (HTTP ${response.status}): ${message}`)
  }
  return parsed
}

interface Described {
  request_id: number
  status: string
  execution_status: string
  tool: string
  summary: string
  requester: { login: string; name: string }
  approver: { login: string; name: string } | null
  requested_at: string
  expires_at: string
  decided_by: { login: string; name: string } | null
  decided_at: string | null
  approver_note: string | null
  arguments: unknown
  arguments_sha256: string
  result: unknown
  error: string | null
  will_not_run?: string | null
  notification_error?: string | null
  effects?: Review['effects']
  drift?: Review['drift']
}

function show(r: Described): string {
  const lines = [
    `request ${r.request_id}: ${r.summary}`,
    ...(r.will_not_run ? [`  WARNING: approving it will run nothing: ${r.will_not_run}`] : []),
    ...(r.notification_error
      ? [`  WARNING: the approver was not notified in Odoo: ${r.notification_error}`]
      : []),
    ...driftLines(r.drift ?? null),
    `  tool:             ${r.tool}`,
    `  status:           ${r.status} (execution ${r.execution_status})`,
    `  requester:        ${r.requester.login} (${r.requester.name})`,
    `  approver:         ${r.approver ? `${r.approver.login} (${r.approver.name})` : 'any MCP administrator'}`,
    `  requested at:     ${r.requested_at}`,
    `  expires at:       ${r.expires_at}`,
  ]
  if (r.decided_by) lines.push(`  decided by:       ${r.decided_by.login} at ${r.decided_at}`)
  if (r.approver_note) lines.push(`  approver note:    ${r.approver_note}`)
  if (r.effects) {
    lines.push('  what it will do:')
    lines.push(
      ...previewLines({ effects: r.effects.items, more_effects: r.effects.more, fingerprint: [] }).map(
        (l) => `    ${l}`,
      ),
    )
  }
  lines.push(`  arguments sha256: ${r.arguments_sha256}`, `  arguments:        ${printableJson(r.arguments)}`)
  if (r.result !== null) lines.push(`  result:           ${printableJson(r.result)}`)
  if (r.error) lines.push(`  error:            ${r.error}`)
  // Each line on its own: a newline inside a name or a note must not start a line of its own.
  return lines.map(printable).join('\n')
}

/** Whether the records changed since filing: said first, since approving would then run nothing. */
function driftLines(drift: Review['drift']): string[] {
  if (!drift) return []
  if (drift.changed === null)
    return [`  NOTE: could not check whether the records changed since filing: ${drift.error}`]
  if (!drift.changed) return [`  unchanged since filing (checked ${drift.checked_at})`]
  return [`  WARNING: the records changed since filing; approving will run nothing: ${drift.text}`]
}

export async function approvalsList(
  env: Env,
  options: { status?: string; json?: boolean; page?: string },
): Promise<void> {
  const query = new URLSearchParams()
  if (options.status) query.set('status', options.status)
  if (options.page) query.set('page', options.page)
  const page = (await callApi(env, 'GET', `/approvals?${query}`)) as {
    items: Array<{
      request_id: number
      status: string
      execution_status: string
      requester: string
      summary: string
    }>
    total: number
    total_exact?: boolean
  }
  if (options.json) return void console.log(printableJson(page, 2))
  if (page.items.length === 0) return void console.log('no approval requests')
  for (const r of page.items) {
    console.log(
      printable(
        `${String(r.request_id).padStart(6)}  ${r.status.padEnd(8)}  ${r.execution_status.padEnd(7)}  ${r.requester.padEnd(12)}  ${r.summary}`,
      ),
    )
  }
  console.log(`(${page.items.length} of ${page.total_exact === false ? 'more than ' : ''}${page.total})`)
}

export async function approvalsShow(env: Env, id: string, options: { json?: boolean }): Promise<void> {
  const request = (await callApi(env, 'GET', `/approvals/${encodeURIComponent(id)}`)) as Described
  console.log(options.json ? printableJson(request, 2) : show(request))
}

export async function approvalsDecide(
  env: Env,
  verdict: 'approve' | 'reject',
  id: string,
  options: { note?: string; json?: boolean },
): Promise<void> {
  const request = (await callApi(env, 'POST', `/approvals/${encodeURIComponent(id)}/${verdict}`, {
    ...(options.note !== undefined && { note: options.note }),
  })) as Described
  if (options.json) return void console.log(printableJson(request, 2))
  console.log(show(request))
  if (request.execution_status === 'error') process.exitCode = 2
}
