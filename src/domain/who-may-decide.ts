/**
 * Who may see and who may decide an approval request. One pure rule, used by every path (MCP
 * tools, JSON API, console, CLI through the API):
 * - see: the requester, the assigned approver, MCP administrators;
 * - decide: the assigned approver or any MCP administrator (seed: "any MCP Administrator can also
 *   approve"), and never the requester — not even an administrator, not even when they are also
 *   the assigned approver; then only another administrator may decide.
 * Does not look anyone up: `is_admin` is computed by the caller from COUNTERSIGN_ADMINS and the
 * admin group in Odoo.
 */
import type { ApprovalRequest } from './approval-request.js'

export interface Person {
  uid: number
  is_admin: boolean
}

type Parties = Pick<ApprovalRequest, 'requester_uid' | 'approver_uid'>

export function mayView(request: Parties, person: Person): boolean {
  return person.is_admin || person.uid === request.requester_uid || person.uid === request.approver_uid
}

export type DecideRight =
  | { ok: true; as: 'approver' | 'administrator' }
  | { ok: false; refusal: 'not_visible' | 'requester_cannot_decide' }

export function mayDecide(request: Parties, person: Person): DecideRight {
  if (!mayView(request, person)) return { ok: false, refusal: 'not_visible' }
  if (person.uid === request.requester_uid) return { ok: false, refusal: 'requester_cannot_decide' }
  if (request.approver_uid !== null && person.uid === request.approver_uid)
    return { ok: true, as: 'approver' }
  if (person.is_admin) return { ok: true, as: 'administrator' }
  // Unreachable while mayView holds: a viewer who is neither requester, approver nor admin does not exist.
  return { ok: false, refusal: 'not_visible' }
}
