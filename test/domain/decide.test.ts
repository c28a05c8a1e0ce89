import { describe, expect, it } from 'vitest'
import type { ApprovalStatus, OdooPerson } from '../../src/domain/approval-request.js'
import { decide, expiresAt, isDue } from '../../src/domain/decide.js'

const requester: OdooPerson = { uid: 6, login: 'demo', name: 'Marc Demo' }
const approver: OdooPerson = { uid: 2, login: 'admin', name: 'Mitchell Admin' }
const t0 = new Date('2026-11-24T10:00:00.000Z')

function request(status: ApprovalStatus = 'pending', expires_at = new Date('2026-11-24T14:00:00.000Z')) {
  return { requester_uid: requester.uid, approver_uid: approver.uid, status, expires_at }
}

describe('decide', () => {
  it('approves and rejects a pending request for the approver', () => {
    expect(decide(request(), { uid: 2, is_admin: false }, 'approve', t0)).toEqual({
      ok: true,
      status: 'approved',
      decided_at: t0,
      as: 'approver',
    })
    expect(decide(request(), { uid: 2, is_admin: false }, 'reject', t0)).toMatchObject({
      ok: true,
      status: 'rejected',
    })
  })

  it.each(['approved', 'rejected', 'expired'] as const)('refuses a %s request as not pending', (status) => {
    expect(decide(request(status), { uid: 2, is_admin: false }, 'approve', t0)).toEqual({
      ok: false,
      refusal: 'not_pending',
    })
  })

  it('refuses at and after expires_at, even while the status still says pending', () => {
    const at = new Date('2026-11-24T14:00:00.000Z')
    expect(
      decide(request(), { uid: 2, is_admin: false }, 'approve', new Date(at.getTime() - 1)),
    ).toMatchObject({ ok: true })
    expect(decide(request(), { uid: 2, is_admin: false }, 'approve', at)).toEqual({
      ok: false,
      refusal: 'expired',
    })
    expect(decide(request(), { uid: 2, is_admin: false }, 'reject', new Date(at.getTime() + 1))).toEqual({
      ok: false,
      refusal: 'expired',
    })
  })

  it('puts the rights check before the status: the requester learns nothing from a 409', () => {
    expect(decide(request('approved'), { uid: 6, is_admin: true }, 'approve', t0)).toEqual({
      ok: false,
      refusal: 'requester_cannot_decide',
    })
    expect(decide(request('expired'), { uid: 50, is_admin: false }, 'approve', t0)).toEqual({
      ok: false,
      refusal: 'not_visible',
    })
  })

  it('computes expiry from decimal hours and tells due requests', () => {
    expect(expiresAt(t0, 0.5).toISOString()).toBe('2026-11-24T10:30:00.000Z')
    expect(expiresAt(t0, 4).toISOString()).toBe('2026-11-24T14:00:00.000Z')
    expect(isDue({ status: 'pending', expires_at: t0 }, t0)).toBe(true)
    expect(isDue({ status: 'pending', expires_at: t0 }, new Date(t0.getTime() - 1))).toBe(false)
    expect(isDue({ status: 'approved', expires_at: t0 }, new Date(t0.getTime() + 1))).toBe(false)
  })
})
