/**
 * The approval workflow as one object for app.ts to hand out: the MCP gate (filing + the two
 * approval tools), decisions, views, the expiry sweep, crash recovery and telling Odoo of requests
 * that changed approver. Composition only; each
 * step lives in its own module.
 */
import type { ApprovalRequest } from '../domain/approval-request.js'
import type { Verdict } from '../domain/decide.js'
import type { ApprovalGate } from '../mcp/server.js'
import type { ApprovalRequestFilter } from '../store/approval-requests.js'
import { decideOnRequest } from './decide-request.js'
import type { Actor, ApprovalsDeps } from './deps.js'
import { recoverStale } from './execute.js'
import { expirePending } from './expire.js'
import { pendingApprovalOutput } from './file-request.js'
import { gateCall } from './gate-call.js'
import { notifyReassigned } from './reassign.js'
import { checkApprovalStatusTool, listMyApprovalRequestsTool } from './tools.js'
import { getVisibleRequest, listVisibleRequests } from './view.js'

export function createApprovals(deps: ApprovalsDeps) {
  const gate: ApprovalGate = {
    check: (principal, tool, args, ctx) => gateCall(deps, principal, tool, args, ctx),
    tools: [checkApprovalStatusTool(deps), listMyApprovalRequestsTool(deps)],
    pending: pendingApprovalOutput,
  }
  return {
    deps,
    gate,
    decide: (actor: Actor, request_id: number, verdict: Verdict, note: string | null) =>
      decideOnRequest(deps, actor, request_id, verdict, note),
    get: (actor: Actor, request_id: number) => getVisibleRequest(deps, actor, request_id),
    list: (actor: Actor, filter: Omit<ApprovalRequestFilter, 'visible_to_uid'>) =>
      listVisibleRequests(deps, actor, filter),
    expire: () => expirePending(deps),
    /** Pending requests moved to a connection's new approver: Odoo's activities follow. */
    reassigned: (moved: ApprovalRequest[], by: string) => notifyReassigned(deps, moved, by),
    recover: () => recoverStale(deps),
  }
}

export type Approvals = ReturnType<typeof createApprovals>
