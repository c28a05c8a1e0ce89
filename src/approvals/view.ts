/**
 * Reading requests with visibility applied (seed "Approval lifecycle": visible to requester,
 * approver and administrators): one request, a page of them, and the shape `check_approval_status`
 * and the JSON API answer with. A request someone may not see is reported exactly like one that does
 * not exist. A pending request found past its expiry is expired on the spot, and a list expires
 * every due request before reading.
 */
import type { ApprovalRequest } from '../domain/approval-request.js'
import { isDue } from '../domain/decide.js'
import { statusMessage } from '../domain/status-message.js'
import { mayDecide, mayView } from '../domain/who-may-decide.js'
import {
  type ApprovalRequestFilter,
  getApprovalRequest,
  listApprovalRequests,
} from '../store/approval-requests.js'
import { expireOne } from '../store/approval-transitions.js'
import type { Page } from '../store/values.js'
import { closeActivities } from './decide-request.js'
import type { Actor, ApprovalsDeps } from './deps.js'
import { expirePending } from './expire.js'

export async function getVisibleRequest(
  deps: ApprovalsDeps,
  actor: Actor,
  request_id: number,
): Promise<ApprovalRequest | null> {
  let request = await getApprovalRequest(deps.db, request_id)
  if (!request || !mayView(request, actor)) return null
  const now = deps.clock()
  if (isDue(request, now) && (await expireOne(deps.db, request_id, now))) {
    await deps.audit({ at: now, event: 'request_expired', outcome: 'expired', request_id })
    void closeActivities(deps, request, 'Expired without a decision')
    request = (await getApprovalRequest(deps.db, request_id)) ?? request
  }
  return request
}

export async function listVisibleRequests(
  deps: ApprovalsDeps,
  actor: Actor,
  filter: Omit<ApprovalRequestFilter, 'visible_to_uid'>,
): Promise<Page<ApprovalRequest>> {
  // A list never shows as pending what can no longer be decided: due requests are expired first.
  // With nothing due this is one probe of the partial index on pending expiries.
  await expirePending(deps, { activities: 'background' })
  return listApprovalRequests(deps.db, actor.is_admin ? filter : { ...filter, visible_to_uid: actor.uid })
}

/** The request as check_approval_status and GET /api/approvals/:id show it. */
export function describeRequest(request: ApprovalRequest, actor?: Actor) {
  return {
    request_id: request.request_id,
    status: request.status,
    execution_status: request.execution_status,
    tool: request.tool,
    model: request.model,
    summary: request.summary,
    arguments: JSON.parse(request.arguments) as unknown,
    arguments_sha256: request.arguments_sha256,
    requester: { uid: request.requester_uid, login: request.requester_login, name: request.requester_name },
    approver:
      request.approver_uid === null
        ? null
        : { uid: request.approver_uid, login: request.approver_login, name: request.approver_name },
    connection_id: request.connection_id,
    requested_at: request.requested_at.toISOString(),
    expires_at: request.expires_at.toISOString(),
    decided_by:
      request.decided_by_uid === null
        ? null
        : { uid: request.decided_by_uid, login: request.decided_by_login, name: request.decided_by_name },
    decided_at: request.decided_at?.toISOString() ?? null,
    approver_note: request.approver_note,
    result: request.result === null ? null : (JSON.parse(request.result) as unknown),
    result_truncated: request.result_truncated,
    error: request.error,
    message: statusMessage(request),
    ...(actor ? { can_decide: request.status === 'pending' && mayDecide(request, actor).ok } : {}),
  }
}

/** The short form for lists. */
export function listItem(request: ApprovalRequest) {
  return {
    request_id: request.request_id,
    status: request.status,
    execution_status: request.execution_status,
    tool: request.tool,
    model: request.model,
    summary: request.summary,
    requester: request.requester_login,
    approver: request.approver_login,
    requested_at: request.requested_at.toISOString(),
    expires_at: request.expires_at.toISOString(),
  }
}
