/**
 * The approval request as the domain sees it, and the words of its lifecycle (seed "Approval
 * lifecycle"). Plain data: no I/O, no clock. The store maps rows to this shape (store/approval-requests.ts).
 */

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired'] as const
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number]

/** `running` is ours, not the seed's: the approved call is in flight. */
export const EXECUTION_STATUSES = ['pending', 'running', 'success', 'error'] as const
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number]

export interface OdooPerson {
  uid: number
  login: string
  name: string
}

export interface ApprovalRequest {
  request_id: number
  connection_id: number
  tool: string
  model: string | null
  /** Canonical JSON text of the arguments, exactly as filed. */
  arguments: string
  arguments_sha256: string
  summary: string
  requester: OdooPerson
  /** Null: no approver assigned, so any MCP administrator may decide. */
  approver: OdooPerson | null
  status: ApprovalStatus
  execution_status: ExecutionStatus
  requested_at: Date
  expires_at: Date
  decided_at: Date | null
  decided_by: OdooPerson | null
  approver_note: string | null
  execution_started_at: Date | null
  execution_finished_at: Date | null
  /** The cached tool output (parsed JSON), when executed successfully. */
  result: unknown
  result_truncated: boolean
  error: string | null
  activity_ids: number[]
}

/** The message stored as the error when a process died while the call was in flight. */
export const OUTCOME_UNKNOWN = 'outcome unknown — check Odoo before re-filing'
