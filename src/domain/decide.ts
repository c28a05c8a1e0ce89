/**
 * The decision rule of an approval request: who, from which status, until when. Returns the
 * outcome as data; the store then applies it as a compare-and-set on `pending` (the rule here is
 * checked on a snapshot, the database guard is what makes it race-free).
 */
import type { ApprovalRequest, ApprovalStatus } from './approval-request.js'
import { mayDecide, type Person } from './who-may-decide.js'

export type Verdict = 'approve' | 'reject'

export type DecideRefusal = 'not_visible' | 'requester_cannot_decide' | 'not_pending' | 'expired'

export type DecideOutcome =
  | {
      ok: true
      status: Extract<ApprovalStatus, 'approved' | 'rejected'>
      decided_at: Date
      as: 'approver' | 'administrator'
    }
  | { ok: false; refusal: DecideRefusal }

type Decidable = Pick<ApprovalRequest, 'requester_uid' | 'approver_uid' | 'status' | 'expires_at'>

export function decide(request: Decidable, person: Person, verdict: Verdict, now: Date): DecideOutcome {
  const right = mayDecide(request, person)
  if (!right.ok) return right
  if (request.status !== 'pending') return { ok: false, refusal: 'not_pending' }
  // Past expires_at nothing can be decided, even before the expiry job has flipped the status.
  if (isDue(request, now)) return { ok: false, refusal: 'expired' }
  return { ok: true, status: verdict === 'approve' ? 'approved' : 'rejected', decided_at: now, as: right.as }
}

/** A pending request whose time is up. */
export function isDue(request: Pick<ApprovalRequest, 'status' | 'expires_at'>, now: Date): boolean {
  return request.status === 'pending' && request.expires_at.getTime() <= now.getTime()
}

export function expiresAt(requested_at: Date, expiry_hours: number): Date {
  return new Date(requested_at.getTime() + Math.round(expiry_hours * 3_600_000))
}
