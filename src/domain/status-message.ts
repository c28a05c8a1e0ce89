/**
 * What Countersign tells the AI about a request: the `message` of the `pending_approval` result
 * and of `check_approval_status` (seed step 4). Written for a model: what happened, what to tell
 * the user, and what not to do (never re-run an approved tool; re-file after expiry only if the
 * user still wants it). Pure wording over request data.
 */
import { type ApprovalRequest, OUTCOME_UNKNOWN } from './approval-request.js'

type Reviewed = Pick<ApprovalRequest, 'approver_uid' | 'approver_name' | 'requester_uid' | 'requester_name'>

type Described = Reviewed &
  Pick<
    ApprovalRequest,
    | 'request_id'
    | 'tool'
    | 'status'
    | 'execution_status'
    | 'decided_by_name'
    | 'approver_note'
    | 'error'
    | 'expires_at'
  >

/**
 * Who can actually decide, as the `approver` of `pending_approval` and in the messages: the assigned
 * approver; an administrator when none is assigned; and when the assigned approver filed the request
 * themselves (their own connection names them), an administrator other than them — the requester
 * may never decide (who-may-decide.ts), so naming them would send the user to a refusal.
 */
export function reviewer(request: Reviewed, article: 'any' | 'an' = 'any'): string {
  if (request.approver_uid === null) return `${article} MCP administrator`
  if (request.approver_uid === request.requester_uid)
    return `${article} MCP administrator other than ${request.requester_name}`
  return request.approver_name ?? 'the assigned approver'
}

function who(request: Reviewed): string {
  return reviewer(request, 'an')
}

/** Ends a quoted message with exactly one full stop. */
function sentence(text: string): string {
  const trimmed = text.trim()
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`
}

function note(request: Pick<ApprovalRequest, 'approver_note'>): string {
  return request.approver_note ? ` Approver note: "${request.approver_note}".` : ''
}

export function pendingMessage(
  request: Reviewed & Pick<ApprovalRequest, 'request_id' | 'tool' | 'expires_at'>,
): string {
  return (
    `This action is awaiting human approval by ${who(request)} (until ${request.expires_at.toISOString()}). ` +
    `Tell the user; call check_approval_status with request_id ${request.request_id} when they ask. ` +
    `Do not call ${request.tool} again.`
  )
}

/** For a call identical to a request that is still pending: nothing new was filed. */
export function alreadyPendingMessage(
  request: Reviewed & Pick<ApprovalRequest, 'request_id' | 'tool' | 'expires_at' | 'requested_at'>,
): string {
  return (
    `An identical request (request_id ${request.request_id}, filed ${request.requested_at.toISOString()}) is already ` +
    `awaiting human approval by ${who(request)} (until ${request.expires_at.toISOString()}); it was not filed again. ` +
    `Tell the user; call check_approval_status with request_id ${request.request_id} when they ask. ` +
    `Do not call ${request.tool} again.`
  )
}

export function statusMessage(request: Described): string {
  const id = request.request_id
  const decider = request.decided_by_name ?? 'the approver'
  switch (request.status) {
    case 'pending':
      return `Request ${id} is still awaiting approval by ${who(request)}. Tell the user it is pending; check again when they ask. Do not call ${request.tool} again.`
    case 'rejected':
      return `Request ${id} was rejected by ${decider}; the action was not performed.${note(request)} Tell the user. Do not call ${request.tool} again unless the user asks for a new request.`
    case 'expired':
      return `Request ${id} expired without a decision; the action was not performed. If the user still wants it, call ${request.tool} again to file a fresh request.`
    case 'approved':
      switch (request.execution_status) {
        case 'pending':
        case 'running':
          return `Request ${id} was approved by ${decider} and is being executed now.${note(request)} Check again in a moment. Do not call ${request.tool} again.`
        case 'success':
          return `Request ${id} was approved by ${decider} and executed successfully.${note(request)} Show the user the cached result below. Do not call ${request.tool} again: that would repeat the action.`
        case 'error':
          if (request.error === OUTCOME_UNKNOWN)
            return `Request ${id} was approved by ${decider}, but the server stopped while executing it: the ${OUTCOME_UNKNOWN}. Tell the user; do not re-file until someone has checked Odoo.`
          return `Request ${id} was approved by ${decider}, but executing it in Odoo failed: ${sentence(request.error ?? 'unknown error')}${note(request)} Tell the user. Do not retry automatically; file a new request only if the user asks after fixing the cause.`
      }
  }
}

/** Why a gated call was not filed: one of the caps on what one connection may file (config.ts). */
export type FilingRefusal =
  | { limit: 'argument_size'; bytes: number; max_bytes: number }
  | { limit: 'pending'; max: number }
  | { limit: 'per_minute'; max: number }

const kilobytes = (bytes: number) => Math.ceil(bytes / 1024).toLocaleString('en-US')

/**
 * The tool error for a call that was not filed because of a cap: what the limit is, that nothing
 * happened, and to wait for the approver rather than retry — an AI that retries at once only meets
 * the same limit.
 */
export function filingRefusedMessage(
  tool: string,
  refusal: FilingRefusal,
  reviewed: Pick<ApprovalRequest, 'approver_uid' | 'approver_name' | 'requester_uid' | 'requester_name'>,
): string {
  const nothing = 'Nothing was filed and nothing was done.'
  switch (refusal.limit) {
    case 'argument_size':
      return (
        `Not filed for approval: the arguments of this ${tool} call take ${kilobytes(refusal.bytes)} KB, more than ` +
        `the ${kilobytes(refusal.max_bytes)} KB one request may hold. ${nothing} Make the change in smaller calls ` +
        '(fewer records or shorter values each), or tell the user it is too large to file.'
      )
    case 'pending':
      return (
        `Not filed for approval: this connection already has ${refusal.max} requests awaiting approval by ` +
        `${who(reviewed)}, the most it may have at once. ${nothing} Tell the user, and wait until the approver ` +
        'has decided some of them (list_my_approval_requests shows them) before filing more. Do not retry now.'
      )
    case 'per_minute':
      return (
        `Not filed for approval: this connection has filed ${refusal.max} requests in the last minute, the most ` +
        `it may. ${nothing} Tell the user, and wait for ${who(reviewed)} to catch up before filing more; do not ` +
        'retry at once. Where one call can cover several records (e.g. batch_delete), use it instead of many.'
      )
  }
}
