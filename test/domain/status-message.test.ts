import { describe, expect, it } from 'vitest'
import { OUTCOME_UNKNOWN } from '../../src/domain/approval-request.js'
import {
  alreadyPendingMessage,
  pendingMessage,
  reviewer,
  statusMessage,
} from '../../src/domain/status-message.js'

const request = {
  request_id: 42,
  tool: 'batch_delete',
  status: 'pending' as const,
  execution_status: 'pending' as const,
  requester_uid: 6,
  requester_name: 'Marc Demo',
  approver_uid: 2 as number | null,
  approver_name: 'Mitchell Admin' as string | null,
  decided_by_name: null,
  approver_note: null,
  error: null,
  expires_at: new Date('2026-11-24T14:00:00.000Z'),
}

describe('status messages for the AI', () => {
  it('tells the AI to wait, tell the user and not call the tool again', () => {
    const text = pendingMessage(request)
    expect(text).toContain('awaiting human approval by Mitchell Admin')
    expect(text).toContain('call check_approval_status with request_id 42')
    expect(text).toContain('Do not call batch_delete again.')
    expect(pendingMessage({ ...request, approver_uid: null, approver_name: null })).toContain(
      'by an MCP administrator (until',
    )
  })

  it('for an identical call, points to the request already waiting and says nothing new was filed', () => {
    const text = alreadyPendingMessage({ ...request, requested_at: new Date('2026-11-24T10:00:00.000Z') })
    expect(text).toMatch(/^An identical request \(request_id 42, filed 2026-11-24T10:00:00\.000Z\)/)
    expect(text).toContain('awaiting human approval by Mitchell Admin (until 2026-11-24T14:00:00.000Z)')
    expect(text).toContain('it was not filed again')
    expect(text).toContain('call check_approval_status with request_id 42')
    expect(text).toContain('Do not call batch_delete again.')
  })

  it('never names the requester as the one to approve, even when they are the assigned approver', () => {
    const own = { ...request, requester_uid: 2, requester_name: 'Mitchell Admin' }
    expect(reviewer(own)).toBe('any MCP administrator other than Mitchell Admin')
    expect(pendingMessage(own)).toContain(
      'awaiting human approval by an MCP administrator other than Mitchell Admin',
    )
    expect(statusMessage(own)).toContain(
      'awaiting approval by an MCP administrator other than Mitchell Admin',
    )
    expect(reviewer(request)).toBe('Mitchell Admin')
    expect(reviewer({ ...request, approver_uid: null, approver_name: null })).toBe('any MCP administrator')
  })

  it('says to surface the cached result and never re-run after success', () => {
    const text = statusMessage({
      ...request,
      status: 'approved',
      execution_status: 'success',
      decided_by_name: 'Mitchell Admin',
      approver_note: 'ok after checking',
    })
    expect(text).toContain('executed successfully')
    expect(text).toContain('Approver note: "ok after checking"')
    expect(text).toContain('Do not call batch_delete again: that would repeat the action.')
  })

  it('passes the rejection note and forbids retrying', () => {
    const text = statusMessage({
      ...request,
      status: 'rejected',
      decided_by_name: 'Mitchell Admin',
      approver_note: 'not these',
    })
    expect(text).toContain('rejected by Mitchell Admin')
    expect(text).toContain('"not these"')
    expect(text).toContain('Do not call batch_delete again unless the user asks')
  })

  it('invites re-filing only after expiry, and only if the user still wants it', () => {
    expect(statusMessage({ ...request, status: 'expired' })).toContain(
      'If the user still wants it, call batch_delete again to file a fresh request.',
    )
  })

  it('reports execution errors, and an unknown outcome after a crash, without retrying', () => {
    const failed = statusMessage({
      ...request,
      status: 'approved',
      execution_status: 'error',
      error: 'Access denied: no',
    })
    expect(failed).toContain('executing it in Odoo failed: Access denied: no')
    expect(failed).toContain('Do not retry automatically')
    const lost = statusMessage({
      ...request,
      status: 'approved',
      execution_status: 'error',
      error: OUTCOME_UNKNOWN,
    })
    expect(lost).toContain('check Odoo before re-filing')
    expect(lost).toContain('do not re-file until someone has checked Odoo')
  })
})
