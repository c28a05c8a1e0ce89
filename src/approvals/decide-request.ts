/**
 * A decision on a request (seed step 3), for every path — console, JSON API, CLI through the API:
 * the pure rule (domain/decide.ts) on the current row, then the compare-and-set on `pending`
 * together with its audit entry, then execution as the requester when approved. Every refused
 * attempt is audited too. Does not authenticate the actor (web/ did) nor pick HTTP statuses.
 */
import type { ApprovalRequest } from '../domain/approval-request.js'
import { type DecideRefusal, decide, type Verdict } from '../domain/decide.js'
import { getApprovalRequest } from '../store/approval-requests.js'
import { decideRequest, expireOne } from '../store/approval-transitions.js'
import { appendAudit } from '../store/audit-log.js'
import type { Actor, ApprovalsDeps } from './deps.js'
import { executeApproved } from './execute.js'

export type DecisionResult =
  | { ok: true; request: ApprovalRequest; execution: Promise<void> | null }
  | { ok: false; refusal: DecideRefusal | 'not_found'; request: ApprovalRequest | null }

export async function decideOnRequest(
  deps: ApprovalsDeps,
  actor: Actor,
  request_id: number,
  verdict: Verdict,
  note: string | null,
): Promise<DecisionResult> {
  return attempt(deps, actor, request_id, verdict, note, true)
}

async function attempt(
  deps: ApprovalsDeps,
  actor: Actor,
  request_id: number,
  verdict: Verdict,
  note: string | null,
  mayRetry: boolean,
): Promise<DecisionResult> {
  const now = deps.clock()
  const request = await getApprovalRequest(deps.db, request_id)
  const refuse = async (refusal: DecideRefusal | 'not_found'): Promise<DecisionResult> => {
    await deps.audit({
      at: now,
      event: 'decision_refused',
      outcome: 'refused',
      request_id,
      connection_id: request?.connection_id ?? null,
      actor_uid: actor.uid,
      actor_login: actor.login,
      tool: request?.tool ?? null,
      model: request?.model ?? null,
      detail: { verdict, reason: refusal },
    })
    return {
      ok: false,
      refusal,
      request: refusal === 'not_found' || refusal === 'not_visible' ? null : (request ?? null),
    }
  }
  if (!request) return refuse('not_found')

  const outcome = decide(request, actor, verdict, now)
  if (!outcome.ok) {
    if (outcome.refusal === 'expired') await expireNow(deps, request, now)
    return refuse(outcome.refusal)
  }

  const won = await deps.db.transaction().execute(async (trx) => {
    const changed = await decideRequest(
      trx,
      request_id,
      {
        status: outcome.status,
        decided_at: now,
        decided_by_uid: actor.uid,
        decided_by_login: actor.login,
        decided_by_name: actor.name,
        approver_note: note,
      },
      now,
      request.approver_uid,
    )
    if (changed) {
      await appendAudit(trx, {
        at: now,
        event: 'decision',
        outcome: outcome.status,
        request_id,
        connection_id: request.connection_id,
        actor_uid: actor.uid,
        actor_login: actor.login,
        tool: request.tool,
        model: request.model,
        detail: { as: outcome.as, approver_note: note },
      })
    }
    return changed
  })
  if (!won) {
    // Someone else decided first, or the request expired between our read and our update — or its
    // connection's approver changed meanwhile: then the rule is applied again to the new approver.
    const current = await getApprovalRequest(deps.db, request_id)
    if (mayRetry && current?.status === 'pending' && current.approver_uid !== request.approver_uid)
      return attempt(deps, actor, request_id, verdict, note, false)
    return refuse('not_pending')
  }

  const decided = (await getApprovalRequest(deps.db, request_id)) as ApprovalRequest
  void closeActivities(
    deps,
    decided,
    `${outcome.status === 'approved' ? 'Approved' : 'Rejected'} by ${actor.name}${note ? `: ${note}` : ''}`,
  )
  const execution = outcome.status === 'approved' ? executeApproved(deps, request_id) : null
  execution?.catch((error: unknown) => deps.logger.error({ err: error, request_id }, 'execution crashed'))
  return { ok: true, request: decided, execution }
}

async function expireNow(deps: ApprovalsDeps, request: ApprovalRequest, now: Date): Promise<void> {
  if (await expireOne(deps.db, request.request_id, now)) {
    await deps.audit({
      at: now,
      event: 'request_expired',
      outcome: 'expired',
      request_id: request.request_id,
      tool: request.tool,
    })
    void closeActivities(deps, request, 'Expired without a decision')
  }
}

export async function closeActivities(
  deps: ApprovalsDeps,
  request: ApprovalRequest,
  feedback: string,
): Promise<void> {
  try {
    await deps.notifier.requestClosed(request, feedback)
  } catch (error) {
    deps.logger.warn({ err: error, request_id: request.request_id }, 'could not close the Odoo activity')
  }
}
