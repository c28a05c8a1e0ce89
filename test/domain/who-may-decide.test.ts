/**
 * The who-may-decide rule, exhaustively: every combination of (is the person the requester, the
 * assigned approver, an administrator; does the request have an approver). The expected column is
 * written from the seed and PRODUCT.md, not from the code.
 */
import { describe, expect, it } from 'vitest'
import type { OdooPerson } from '../../src/domain/approval-request.js'
import { mayDecide, mayView } from '../../src/domain/who-may-decide.js'

const requester: OdooPerson = { uid: 6, login: 'demo', name: 'Marc Demo' }
const approver: OdooPerson = { uid: 2, login: 'admin', name: 'Mitchell Admin' }

type Expect = 'approver' | 'administrator' | 'requester_cannot_decide' | 'not_visible'

// [person is requester, person is approver, person is admin, request has approver] → may view, decision
const table: Array<[boolean, boolean, boolean, boolean, boolean, Expect]> = [
  // a stranger
  [false, false, false, true, false, 'not_visible'],
  [false, false, false, false, false, 'not_visible'],
  // an administrator who is neither party
  [false, false, true, true, true, 'administrator'],
  [false, false, true, false, true, 'administrator'],
  // the assigned approver
  [false, true, false, true, true, 'approver'],
  [false, true, true, true, true, 'approver'],
  // the requester, never
  [true, false, false, true, true, 'requester_cannot_decide'],
  [true, false, false, false, true, 'requester_cannot_decide'],
  [true, false, true, true, true, 'requester_cannot_decide'],
  [true, false, true, false, true, 'requester_cannot_decide'],
  // the requester who is also the assigned approver (an approver set to the connection's own user)
  [true, true, false, true, true, 'requester_cannot_decide'],
  [true, true, true, true, true, 'requester_cannot_decide'],
]

describe('who may decide', () => {
  it.each(table)(
    'requester=%s approver=%s admin=%s hasApprover=%s → view %s, %s',
    (isRequester, isApprover, isAdmin, hasApprover, view, decision) => {
      const assigned = hasApprover ? (isApprover && isRequester ? requester : approver) : null
      const uid = isRequester ? requester.uid : isApprover ? approver.uid : 99
      const request = { requester_uid: requester.uid, approver_uid: assigned?.uid ?? null }
      const person = { uid, is_admin: isAdmin }
      expect(mayView(request, person)).toBe(view)
      const right = mayDecide(request, person)
      expect(right.ok ? right.as : right.refusal).toBe(decision)
    },
  )

  it('lets another administrator decide when the requester is also the assigned approver', () => {
    const request = { requester_uid: requester.uid, approver_uid: requester.uid }
    expect(mayDecide(request, { uid: requester.uid, is_admin: true })).toEqual({
      ok: false,
      refusal: 'requester_cannot_decide',
    })
    expect(mayDecide(request, { uid: 7, is_admin: true })).toEqual({ ok: true, as: 'administrator' })
    expect(mayDecide(request, { uid: 7, is_admin: false })).toEqual({ ok: false, refusal: 'not_visible' })
  })
})
