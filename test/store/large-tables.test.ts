/**
 * What keeps the store's cost independent of a long history (docs/performance.md), on both engines:
 * list counts stop at COUNT_LIMIT and say so (exact again on the last page), what one user may see
 * is paged in request_id order across the requests they filed and those assigned to them (each
 * once), audit entries are appended in bulk, the recovery look-up, the batch of requests with
 * activities to close, and the use of a token counted by the same statement that resolves it.
 */
import { beforeAll, expect, it } from 'vitest'
import {
  getApprovalRequest,
  insertApprovalRequest,
  listApprovalRequests,
  listUnclaimedApproved,
  requestsWithActivities,
} from '../../src/store/approval-requests.js'
import { decideRequest, setNotification } from '../../src/store/approval-transitions.js'
import { appendAuditEntries, listAudit } from '../../src/store/audit-log.js'
import { addConnectionUse, getConnection, insertConnection } from '../../src/store/connections.js'
import { COUNT_LIMIT } from '../../src/store/values.js'
import { describeEachEngine } from '../helpers/databases.js'
import { hoursAfter, newConnectionInput, newRequestInput, T0 } from './fixtures.js'

const OVER = COUNT_LIMIT + 5

describeEachEngine('large tables', (_engine, t) => {
  let connection_id = 0
  const newest: number[] = []

  // More requests than a list counts, by bulk insert (insertApprovalRequest would take seconds).
  beforeAll(async () => {
    ;({ connection_id } = await insertConnection(t.store.db, newConnectionInput(), T0))
    const row = newRequestInput(connection_id)
    const values = {
      ...row,
      status: 'pending',
      execution_status: 'pending',
      requested_at: row.requested_at.toISOString(),
      expires_at: row.expires_at.toISOString(),
      result_truncated: 0,
      activity_ids: '[]',
    }
    for (let i = 0; i < OVER; i += 500) {
      const batch = Array.from({ length: Math.min(500, OVER - i) }, () => values)
      await t.store.db.insertInto('approval_request').values(batch).execute()
    }
    const all = await listApprovalRequests(t.store.db, { page_size: 3 })
    newest.push(...all.items.map((r) => r.request_id))
  })

  it('counts at most COUNT_LIMIT matching requests and says the total is a lower bound', async () => {
    const first = await listApprovalRequests(t.store.db, { page_size: 50 })
    expect(first).toMatchObject({ total: COUNT_LIMIT, total_exact: false, page: 1, page_size: 50 })
    expect(first.items).toHaveLength(50)
    expect(first.items[0]?.request_id).toBe(newest[0])
    // Fewer matches than the limit: exact as before.
    expect(await listApprovalRequests(t.store.db, { status: 'rejected' })).toMatchObject({
      total: 0,
      total_exact: true,
    })
  })

  it('is exact again on the last page, and a lower bound past the end', async () => {
    const last = await listApprovalRequests(t.store.db, { page: 21, page_size: 500 })
    expect(last).toMatchObject({ total: OVER, total_exact: true })
    expect(last.items).toHaveLength(5)
    const beyond = await listApprovalRequests(t.store.db, { page: 22, page_size: 500 })
    expect(beyond).toMatchObject({ items: [], total: COUNT_LIMIT, total_exact: false })
    // A full page deep in the list: more exist, so the total is a lower bound covering this page.
    const deep = await listApprovalRequests(t.store.db, { page: 20, page_size: 500 })
    expect(deep).toMatchObject({ total: COUNT_LIMIT, total_exact: false })
    expect(deep.items).toHaveLength(500)
  })

  it('pages what one user may see in request_id order, each request once', async () => {
    // uid 7 files two (one assigned to themself) and is assigned one filed by uid 6.
    const mine = [
      await insertApprovalRequest(t.store.db, newRequestInput(connection_id, { requester_uid: 7 })),
      await insertApprovalRequest(t.store.db, newRequestInput(connection_id, { approver_uid: 7 })),
      await insertApprovalRequest(
        t.store.db,
        newRequestInput(connection_id, { requester_uid: 7, approver_uid: 7 }),
      ),
    ].map((r) => r.request_id)
    const seen = await listApprovalRequests(t.store.db, { visible_to_uid: 7, page_size: 2 })
    expect(seen).toMatchObject({ total: 3, total_exact: true })
    expect(seen.items.map((r) => r.request_id)).toEqual([mine[2], mine[1]])
    const next = await listApprovalRequests(t.store.db, { visible_to_uid: 7, page: 2, page_size: 2 })
    expect(next.items.map((r) => r.request_id)).toEqual([mine[0]])
    // Everything else was filed by 6 for approver 2: they see it all, counted up to the limit.
    expect(await listApprovalRequests(t.store.db, { visible_to_uid: 6, page_size: 1 })).toMatchObject({
      total: COUNT_LIMIT,
      total_exact: false,
    })
    expect(await listApprovalRequests(t.store.db, { visible_to_uid: 7, status: 'rejected' })).toMatchObject({
      items: [],
      total: 0,
      total_exact: true,
    })
  })

  it('appends audit entries in bulk, and counts them up to the limit too', async () => {
    const at = hoursAfter(T0, 1)
    await appendAuditEntries(
      t.store.db,
      Array.from({ length: OVER }, (_, i) => ({
        at,
        event: 'request_expired',
        outcome: 'expired',
        request_id: i,
      })),
    )
    expect(await listAudit(t.store.db, { event: 'request_expired', page_size: 10 })).toMatchObject({
      total: COUNT_LIMIT,
      total_exact: false,
    })
    const last = await listAudit(t.store.db, { event: 'request_expired', page: 21, page_size: 500 })
    expect(last).toMatchObject({ total: OVER, total_exact: true })
    expect(last.items.map((e) => e.request_id)).toEqual([4, 3, 2, 1, 0])
    await appendAuditEntries(t.store.db, [])
  })

  it('finds approved requests nobody claimed, and only those decided before the cutoff', async () => {
    const decision = {
      status: 'approved' as const,
      decided_at: hoursAfter(T0, 1),
      decided_by_uid: 2,
      decided_by_login: 'admin',
      decided_by_name: 'Mitchell Admin',
      approver_note: null,
    }
    const [early, late] = newest
    await decideRequest(t.store.db, early as number, decision, T0)
    await decideRequest(t.store.db, late as number, { ...decision, decided_at: hoursAfter(T0, 3) }, T0)
    expect(await listUnclaimedApproved(t.store.db, hoursAfter(T0, 2), 100)).toEqual([early])
    expect(await listUnclaimedApproved(t.store.db, hoursAfter(T0, 4), 100)).toEqual([early, late])
    expect(await listUnclaimedApproved(t.store.db, hoursAfter(T0, 4), 1)).toEqual([early])
  })

  it('reads, of a batch, only the requests that have activities to close', async () => {
    const [a, b, c] = newest as [number, number, number]
    await setNotification(t.store.db, b, { activity_ids: [41, 42], error: null })
    const found = await requestsWithActivities(t.store.db, [a, b, c])
    expect(found.map((r) => [r.request_id, r.activity_ids])).toEqual([[b, [41, 42]]])
    expect(await requestsWithActivities(t.store.db, [])).toEqual([])
    expect((await getApprovalRequest(t.store.db, a))?.activity_ids).toEqual([])
  })

  it('adds uses in batches: counts add up across concurrent writers, last_used_at only moves forward', async () => {
    const input = newConnectionInput()
    const created = await insertConnection(t.store.db, input, T0)
    const other = await t.openAnother()
    // Two replicas flushing their counters at the same time, with the later use flushed first.
    await Promise.all([
      addConnectionUse(t.store.db, created.connection_id, 3, hoursAfter(T0, 2)),
      addConnectionUse(other.db, created.connection_id, 4, hoursAfter(T0, 1)),
    ])
    expect(await getConnection(t.store.db, created.connection_id)).toMatchObject({
      request_count: 7,
      last_used_at: hoursAfter(T0, 2),
    })
  })
})
