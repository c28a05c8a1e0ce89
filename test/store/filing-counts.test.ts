/**
 * What the filing limits count, on both engines: a connection's requests awaiting approval
 * (pending and not yet past expires_at, up to the limit asked), its requests filed since a moment
 * (whatever became of them), and — on PostgreSQL, where replicas file at once — the connection's
 * filing lock, which holds a second filing back until the first one's transaction ends.
 */
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countFilingLoad, insertApprovalRequest } from '../../src/store/approval-requests.js'
import { decideRequest } from '../../src/store/approval-transitions.js'
import { insertConnection, lockConnectionForFiling } from '../../src/store/connections.js'
import {
  createTestStore,
  describeEachEngine,
  postgresAvailable,
  type TestStore,
} from '../helpers/databases.js'
import { hoursAfter, newConnectionInput, newRequestInput, T0 } from './fixtures.js'

const minutesAfter = (date: Date, minutes: number) => hoursAfter(date, minutes / 60)
const NONE = minutesAfter(T0, 60)

describeEachEngine('filing counts', (_engine, t) => {
  let connection_id: number
  let other: number

  const pending = async (connection: number, now: Date, limit: number) =>
    (
      await countFilingLoad(t.store.db, connection, {
        now,
        since: NONE,
        pending_limit: limit,
        filed_limit: 1,
      })
    ).pending
  const filedSince = async (connection: number, since: Date, limit: number) =>
    (
      await countFilingLoad(t.store.db, connection, {
        now: minutesAfter(T0, 5),
        since,
        pending_limit: 1,
        filed_limit: limit,
      })
    ).filed_since

  beforeAll(async () => {
    ;({ connection_id } = await insertConnection(t.store.db, newConnectionInput(), T0))
    ;({ connection_id: other } = await insertConnection(t.store.db, newConnectionInput(), T0))
    // One a minute from T0 to T0 + 4 min; each expires 4 hours after it was filed.
    for (let minute = 0; minute < 5; minute++)
      await insertApprovalRequest(
        t.store.db,
        newRequestInput(connection_id, { requested_at: minutesAfter(T0, minute) }),
      )
    await insertApprovalRequest(t.store.db, newRequestInput(other, { requested_at: minutesAfter(T0, 4) }))
  })

  it('counts the connection’s pending, unexpired requests, no further than the limit', async () => {
    const now = minutesAfter(T0, 5)
    expect(await pending(connection_id, now, 100)).toBe(5)
    expect(await pending(connection_id, now, 3)).toBe(3)
    expect(await pending(other, now, 100)).toBe(1)
    // Past the first one's expires_at (T0 + 4 h) it no longer waits, swept or not.
    expect(await pending(connection_id, hoursAfter(T0, 4), 100)).toBe(4)
    // A decided one no longer waits either.
    const [first] = (
      await sql<{
        request_id: number
      }>`select request_id from approval_request where connection_id = ${connection_id} order by request_id desc limit 1`.execute(
        t.store.db,
      )
    ).rows
    const decision = {
      status: 'rejected' as const,
      decided_at: now,
      decided_by_uid: 2,
      decided_by_login: 'admin',
      decided_by_name: 'Mitchell Admin',
      approver_note: null,
    }
    expect(await decideRequest(t.store.db, first!.request_id, decision, now)).toBe(true)
    expect(await pending(connection_id, now, 100)).toBe(4)
  })

  it('counts the connection’s requests filed after a moment, decided or not, no further than the limit', async () => {
    const since = minutesAfter(T0, 1.5) // after the 0th and 1st, before the 2nd
    expect(await filedSince(connection_id, since, 100)).toBe(3)
    expect(await filedSince(connection_id, since, 2)).toBe(2)
    expect(await filedSince(connection_id, minutesAfter(T0, 4), 100)).toBe(0)
    expect(await filedSince(other, since, 100)).toBe(1)
  })
})

// PostgreSQL only: on SQLite the lock is the database's one writer, and two handles in one thread
// cannot wait for each other (better-sqlite3 is synchronous). test/approvals/filing-limits.test.ts
// races two serve processes on each engine.
describe.skipIf(!postgresAvailable)('postgres: the filing lock', () => {
  let t: TestStore
  let connection_id: number
  let other: number

  beforeAll(async () => {
    t = await createTestStore('postgres')
    ;({ connection_id } = await insertConnection(t.store.db, newConnectionInput(), T0))
    ;({ connection_id: other } = await insertConnection(t.store.db, newConnectionInput(), T0))
  })
  afterAll(() => t.cleanup())

  it('a second filing of the same connection waits for the first one’s transaction; another connection does not', async () => {
    const second = await t.openAnother()
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let locked: () => void = () => {}
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve
    })
    const first = t.store.db.transaction().execute(async (trx) => {
      await lockConnectionForFiling(trx, connection_id)
      locked()
      await held
    })
    await lockTaken
    const order: string[] = []
    const waiting = second.db
      .transaction()
      .execute(async (trx) => {
        await lockConnectionForFiling(trx, connection_id)
      })
      .then(() => order.push('same connection'))
    await second.db.transaction().execute(async (trx) => {
      await lockConnectionForFiling(trx, other)
    })
    order.push('other connection')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(order).toEqual(['other connection'])
    release()
    await first
    await waiting
    expect(order).toEqual(['other connection', 'same connection'])
  })
})
