/**
 * The approval request as the domain sees it, and the words of its lifecycle (seed "Approval
 * lifecycle"). Plain data: no I/O, no clock. The store maps rows to exactly this shape
 * (store/approval-requests.ts); people are kept as uid + login + name, as filed.
 */

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired'] as const
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number]

/** `running` is ours, not the seed's: the approved call is in flight. */
export const EXECUTION_STATUSES = ['pending', 'running', 'success', 'error'] as const
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number]

export interface ApprovalRequest {
  request_id: number
  connection_id: number
  tool: string
  model: string | null
  /**
   * The arguments exactly as filed: canonical JSON text. Kept as text, not parsed, so the executor
   * can re-hash these very bytes against `arguments_sha256` before running anything.
   */
  arguments: string
  arguments_sha256: string
  summary: string
  requester_uid: number
  requester_login: string
  requester_name: string
  /** Null: no approver assigned, so any MCP administrator may decide. */
  approver_uid: number | null
  approver_login: string | null
  approver_name: string | null
  status: ApprovalStatus
  execution_status: ExecutionStatus
  requested_at: Date
  expires_at: Date
  decided_at: Date | null
  decided_by_uid: number | null
  decided_by_login: string | null
  decided_by_name: string | null
  approver_note: string | null
  execution_started_at: Date | null
  execution_finished_at: Date | null
  /** The cached tool result as JSON text; when `result_truncated`, a bounded JSON stand-in. */
  result: string | null
  result_truncated: boolean
  error: string | null
  /** The mail.activity ids created in Odoo for this request. */
  activity_ids: number[]
  /**
   * Why the approvers got no Odoo activity for this request (Odoo refused it, no service user, nobody
   * to notify), in plain words for an administrator; null when they got one, or before filing ended.
   */
  notification_error: string | null
}

/** An Odoo user as filed on a request or a connection. */
export interface OdooPerson {
  uid: number
  login: string
  name: string
}

/** The error stored when a process died while the call was in flight. */
export const OUTCOME_UNKNOWN = 'outcome unknown — check Odoo before re-filing'
