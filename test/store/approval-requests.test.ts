/**
 * Filing and reading approval requests on both engines: every column round-trips through a whole
 * lifecycle, and the console list filters, searches, pages and orders newest first.
 */
import { beforeAll, expect, it } from 'vitest'
import {
  type ApprovalRequest,
  getApprovalRequest,
  insertApprovalRequest,
  listApprovalRequests,
} from '../../src/store/approval-requests.js'
import {
  claimExecution,
  decideRequest,
  finishExecution,
  setNotification,
} from '../../src/store/approval-transitions.js'
import { insertConnection } from '../../src/store/connections.js'
import { describeEachEngine } from '../helpers/databases.js'
import { hoursAfter, newConnectionInput, newRequestInput, T0 } from './fixtures.js'

describeEachEngine('approval requests: filing and reading', (_engine, t) => {
  it('files a pending request and returns it with its id', async () => {
    const connection = await insertConnection(t.store.db, newConnectionInput(), T0)
    const input = newRequestInput(connection.connection_id)
    const filed = await insertApprovalRequest(t.store.db, input)
    expect(filed.request_id).toBeGreaterThan(0)
    expect(filed).toEqual({
      ...input,
      request_id: filed.request_id,
      status: 'pending',
      execution_status: 'pending',
      decided_at: null,
      decided_by_uid: null,
      decided_by_login: null,
      decided_by_name: null,
      approver_note: null,
      execution_started_at: null,
      execution_finished_at: null,
      result: null,
      result_truncated: false,
      error: null,
      activity_ids: [],
      notification_error: null,
    } satisfies ApprovalRequest)
    expect(await getApprovalRequest(t.store.db, filed.request_id)).toEqual(filed)
    const next = await insertApprovalRequest(t.store.db, input)
    expect(next.request_id).toBeGreaterThan(filed.request_id)
    expect(await getApprovalRequest(t.store.db, 999_999)).toBeUndefined()
  })

  it('every column round-trips through decision, execution and activities', async () => {
    const connection = await insertConnection(t.store.db, newConnectionInput(), T0)
    const input = newRequestInput(connection.connection_id, {
      model: null,
      approver_uid: null,
      approver_login: null,
      approver_name: null,
    })
    const { request_id } = await insertApprovalRequest(t.store.db, input)
    const decided_at = hoursAfter(T0, 1)
    const started = hoursAfter(T0, 1.001)
    const finished = hoursAfter(T0, 1.002)
    expect(await setNotification(t.store.db, request_id, { activity_ids: [41, 42], error: null })).toBe(true)
    expect(
      await decideRequest(
        t.store.db,
        request_id,
        {
          status: 'approved',
          decided_at,
          decided_by_uid: 2,
          decided_by_login: 'admin',
          decided_by_name: 'Mitchell Admin',
          approver_note: 'Approved after confirming with finance — ✓',
        },
        decided_at,
      ),
    ).toBe(true)
    expect(await claimExecution(t.store.db, request_id, started)).toBe(true)
    const result = JSON.stringify({ deleted: [12, 13], note: 'ünïcödé' })
    expect(
      await finishExecution(t.store.db, request_id, {
        execution_status: 'success',
        result,
        result_truncated: true,
        error: null,
        finished_at: finished,
      }),
    ).toBe(true)
    expect(await getApprovalRequest(t.store.db, request_id)).toEqual({
      ...input,
      request_id,
      status: 'approved',
      execution_status: 'success',
      decided_at,
      decided_by_uid: 2,
      decided_by_login: 'admin',
      decided_by_name: 'Mitchell Admin',
      approver_note: 'Approved after confirming with finance — ✓',
      execution_started_at: started,
      execution_finished_at: finished,
      result,
      result_truncated: true,
      error: null,
      activity_ids: [41, 42],
      notification_error: null,
    } satisfies ApprovalRequest)
  })

  it('keeps why the approvers got no Odoo activity', async () => {
    const connection = await insertConnection(t.store.db, newConnectionInput(), T0)
    const filed = await insertApprovalRequest(t.store.db, newRequestInput(connection.connection_id))
    const reason = "could not create the Odoo activity: You are not allowed to access 'Model Data' — ✓"
    expect(await setNotification(t.store.db, filed.request_id, { activity_ids: [], error: reason })).toBe(
      true,
    )
    expect(await getApprovalRequest(t.store.db, filed.request_id)).toMatchObject({
      activity_ids: [],
      notification_error: reason,
    })
    expect(await setNotification(t.store.db, 999_999, { activity_ids: [], error: reason })).toBe(false)
  })

  it('refuses a request for a connection that does not exist (foreign key)', async () => {
    await expect(insertApprovalRequest(t.store.db, newRequestInput(999_999))).rejects.toMatchObject({
      name: 'StoreError',
      kind: 'constraint',
    })
  })
})

describeEachEngine('approval requests: the list', (_engine, t) => {
  // 30 requests: alternating requesters 6 (demo) and 7 (ana); approver 2 on even, none on odd;
  // tools cycle through three; statuses set below.
  const ids: number[] = []
  beforeAll(async () => {
    const connection = await insertConnection(t.store.db, newConnectionInput(), T0)
    const tools = ['batch_delete', 'execute_method', 'send_test_email_template']
    for (let i = 0; i < 30; i++) {
      const filed = await insertApprovalRequest(
        t.store.db,
        newRequestInput(connection.connection_id, {
          tool: tools[i % 3]!,
          model: i % 3 === 2 ? 'mail.template' : 'sale.order',
          requester_uid: i % 2 === 0 ? 6 : 7,
          requester_login: i % 2 === 0 ? 'demo' : 'ana_100%_real',
          approver_uid: i % 2 === 0 ? 2 : null,
          requested_at: hoursAfter(T0, i),
        }),
      )
      ids.push(filed.request_id)
    }
    // Every fifth is rejected (6 of them); the rest stay pending.
    for (const [i, id] of ids.entries()) {
      if (i % 5 !== 0) continue
      const decision = {
        status: 'rejected' as const,
        decided_at: T0,
        decided_by_uid: 2,
        decided_by_login: 'admin',
        decided_by_name: 'Mitchell Admin',
        approver_note: null,
      }
      await decideRequest(t.store.db, id, decision, T0)
    }
  })
  const idsOf = (items: ApprovalRequest[]) => items.map((r) => r.request_id)

  it('lists newest first, paged, with the total', async () => {
    const first = await listApprovalRequests(t.store.db, { page_size: 7 })
    expect(first).toMatchObject({ total: 30, page: 1, page_size: 7 })
    expect(idsOf(first.items)).toEqual([...ids].reverse().slice(0, 7))
    const last = await listApprovalRequests(t.store.db, { page: 5, page_size: 7 })
    expect(idsOf(last.items)).toEqual([...ids].reverse().slice(28))
    const beyond = await listApprovalRequests(t.store.db, { page: 9, page_size: 7 })
    expect(beyond).toMatchObject({ items: [], total: 30 })
  })

  it('filters by one or several statuses', async () => {
    const rejected = await listApprovalRequests(t.store.db, { status: 'rejected' })
    expect(rejected.total).toBe(6)
    expect(rejected.items.every((r) => r.status === 'rejected')).toBe(true)
    expect((await listApprovalRequests(t.store.db, { status: 'pending' })).total).toBe(24)
    expect((await listApprovalRequests(t.store.db, { status: ['pending', 'rejected'] })).total).toBe(30)
    expect((await listApprovalRequests(t.store.db, { status: 'expired' })).total).toBe(0)
    expect((await listApprovalRequests(t.store.db, { status: [] })).total).toBe(30)
  })

  it('searches tool, model and requester login, case-insensitively and literally', async () => {
    expect((await listApprovalRequests(t.store.db, { search: 'EXECUTE' })).total).toBe(10)
    expect((await listApprovalRequests(t.store.db, { search: 'mail.templ' })).total).toBe(10)
    expect((await listApprovalRequests(t.store.db, { search: 'ANA' })).total).toBe(15)
    // `%` and `_` are the user's characters, not wildcards.
    expect((await listApprovalRequests(t.store.db, { search: '100%_r' })).total).toBe(15)
    expect((await listApprovalRequests(t.store.db, { search: '100_%' })).total).toBe(0)
    expect((await listApprovalRequests(t.store.db, { search: 'd%o' })).total).toBe(0)
    expect((await listApprovalRequests(t.store.db, { search: '  ' })).total).toBe(30)
    const both = await listApprovalRequests(t.store.db, {
      search: 'batch',
      status: 'pending',
      requester_uid: 6,
    })
    expect(
      both.items.every((r) => r.tool === 'batch_delete' && r.status === 'pending' && r.requester_uid === 6),
    ).toBe(true)
    expect(both.total).toBe(4) // i = 6, 12, 18, 24
  })

  it('filters by requester, approver, or what one user may see', async () => {
    expect((await listApprovalRequests(t.store.db, { requester_uid: 7 })).total).toBe(15)
    expect((await listApprovalRequests(t.store.db, { approver_uid: 2 })).total).toBe(15)
    // User 2 approves the even ones; user 7 filed the odd ones; together, everything.
    expect((await listApprovalRequests(t.store.db, { visible_to_uid: 2 })).total).toBe(15)
    expect((await listApprovalRequests(t.store.db, { visible_to_uid: 7 })).total).toBe(15)
    expect((await listApprovalRequests(t.store.db, { visible_to_uid: 99 })).total).toBe(0)
    const mine = await listApprovalRequests(t.store.db, {
      visible_to_uid: 6,
      status: 'pending',
      page_size: 500,
    })
    expect(mine.items.every((r) => r.requester_uid === 6 || r.approver_uid === 6)).toBe(true)
  })
})
