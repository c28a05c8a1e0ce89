/**
 * The gate (seed step 1): instead of running a gated tool, work out the plain-English summary from
 * live Odoo facts read as the requester, store the request with its arguments frozen and
 * fingerprinted, notify the approver in Odoo, and answer `pending_approval`. Arguments were
 * validated before this runs (mcp/server.ts); if reading the facts or storing fails, nothing is
 * filed and the AI gets a tool error. Never runs the tool.
 */
import { fingerprint } from '../domain/canonical-json.js'
import { expiresAt } from '../domain/decide.js'
import { pendingMessage, reviewer } from '../domain/status-message.js'
import { summarize } from '../domain/summary.js'
import type { Principal } from '../mcp/principal.js'
import { type ApprovalRequest, insertApprovalRequest } from '../store/approval-requests.js'
import { setActivityIds } from '../store/approval-transitions.js'
import { appendAudit } from '../store/audit-log.js'
import { clip } from '../tools/facts.js'
import type { Tool, ToolContext, ToolOutput } from '../tools/tool.js'
import type { ApprovalsDeps } from './deps.js'

export function requestLink(public_url: string, request_id: number): string {
  return `${public_url}/approvals/${request_id}`
}

export async function fileRequest(
  deps: ApprovalsDeps,
  principal: Principal,
  tool: Tool,
  args: unknown,
  ctx: ToolContext,
): Promise<ToolOutput> {
  const facts = tool.describe ? await tool.describe(ctx, args) : null
  const summary = facts ? summarize(facts) : `Run ${tool.name} with ${clip(JSON.stringify(args), 300)}.`
  const frozen = fingerprint(args)
  const now = deps.clock()
  const approver = principal.policy.approver
  // The request and its audit entry land together or not at all.
  const filed = await deps.db.transaction().execute(async (trx) => {
    const request = await insertApprovalRequest(trx, {
      connection_id: principal.connection_id,
      tool: tool.name,
      model: tool.model(args),
      arguments: frozen.arguments,
      arguments_sha256: frozen.arguments_sha256,
      summary,
      requester_uid: principal.odoo.uid,
      requester_login: principal.odoo.login,
      requester_name: principal.user_name,
      approver_uid: approver?.uid ?? null,
      approver_login: approver?.login ?? null,
      approver_name: approver?.name ?? null,
      requested_at: now,
      expires_at: expiresAt(now, principal.policy.approval_expiry_hours),
    })
    await appendAudit(trx, {
      at: now,
      event: 'request_filed',
      outcome: 'pending',
      connection_id: principal.connection_id,
      request_id: request.request_id,
      actor_uid: principal.odoo.uid,
      actor_login: principal.odoo.login,
      tool: tool.name,
      model: request.model,
      detail: { summary, arguments_sha256: frozen.arguments_sha256, approver: approver?.login ?? null },
    })
    return request
  })

  try {
    await notifyFiled(deps, filed)
  } catch (error) {
    // Filed is filed: the activity is a courtesy, the console and the API list the request anyway.
    deps.logger.warn({ err: error, request_id: filed.request_id }, 'could not notify the approver')
  }

  const structured = {
    status: 'pending_approval',
    request_id: filed.request_id,
    summary,
    approver: reviewer(filed),
    expires_at: filed.expires_at.toISOString(),
    message: pendingMessage(filed),
  }
  return { structured, headline: `Awaiting approval (request ${filed.request_id}): ${summary}` }
}

/**
 * The approver — or every administrator except the requester when no approver is assigned, or when
 * the assigned approver is the requester: they may not decide (domain/who-may-decide.ts), so only
 * another administrator can, and without a word to them the request would wait unseen until it expires.
 */
async function notifyFiled(deps: ApprovalsDeps, request: ApprovalRequest): Promise<void> {
  const { request_id } = request
  const approverMayDecide = request.approver_uid !== null && request.approver_uid !== request.requester_uid
  const recipients = (
    approverMayDecide
      ? [
          {
            uid: request.approver_uid as number,
            login: request.approver_login ?? '',
            name: request.approver_name ?? '',
          },
        ]
      : await deps.admins.listAdmins().catch((error: unknown) => {
          deps.logger.warn({ err: error }, 'could not list the MCP administrators to notify')
          return []
        })
  ).filter((p) => p.uid !== request.requester_uid)
  const ids = await deps.notifier.requestFiled(request, recipients, requestLink(deps.public_url, request_id))
  if (ids.length > 0) await setActivityIds(deps.db, request_id, ids)
}
