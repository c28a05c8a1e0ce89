/**
 * The compare-and-set transitions on both engines, raced for real: on PostgreSQL from separate
 * pools (separate server sessions), on SQLite from separate worker threads (separate file handles
 * running in parallel). Each race asserts that exactly one contender won and that the row holds the
 * winner's values; each sweep asserts what it changed and what it left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getApprovalRequest, insertApprovalRequest } from '../../src/store/approval-requests.js'
import {
  claimExecution,
  type Decision,
  decideRequest,
  expireOne,
  finishExecution,
  reassignPending,
} from '../../src/store/approval-transitions.js'
import { approverOf, insertConnection, updateConnectionPolicy } from '../../src/store/connections.js'
import type { Store } from '../../src/store/open-store.js'
import {
  createTestStore,
  describeEachEngine,
  type EngineContext,
  postgresAvailable,
  type TestStore,
} from '../helpers/databases.js'
import { hoursAfter, newConnectionInput, newRequestInput, T0 } from './fixtures.js'
import { runWorkers, type WorkerStep } from './threads.js'

const ROUNDS = 50
const NOW = hoursAfter(T0, 1) // requests expire at T0 + 4h

function decision(status: Decision['status'], uid: number, now = NOW): Decision {
  return {
    status,
    decided_at: now,
    decided_by_uid: uid,
    decided_by_login: `user${uid}`,
    decided_by_name: `User ${uid}`,
    approver_note: `${status} by ${uid}`,
  }
}

async function fileRequests(store: Store, count: number, expires_at = hoursAfter(T0, 4)): Promise<number[]> {
  const { connection_id } = await insertConnection(store.db, newConnectionInput(), T0)
  const ids: number[] = []
  for (let i = 0; i < count; i++)
    ids.push(
      (await insertApprovalRequest(store.db, newRequestInput(connection_id, { expires_at }))).request_id,
    )
  return ids
}

/**
 * Runs `contenders[k](request_id)` for every id, all contenders at once, each from its own pool
 * (PostgreSQL) or thread (SQLite). Returns, per round, which contenders won.
 */
async function race(
  engine: string,
  t: EngineContext,
  ids: number[],
  contenders: { pg: (db: Store['db'], id: number) => Promise<boolean>; worker: (id: number) => WorkerStep }[],
): Promise<boolean[][]> {
  if (engine === 'postgres') {
    const stores = [t.store]
    while (stores.length < contenders.length) stores.push(await t.openAnother())
    const rounds: boolean[][] = []
    // 1. every contender sends its UPDATE on its own connection; 2. the server serialises them on the row lock.
    for (const id of ids) rounds.push(await Promise.all(contenders.map((c, k) => c.pg(stores[k]!.db, id))))
    return rounds
  }
  const byWorker = await runWorkers(
    t.config,
    contenders.map((c) => ids.map((id) => c.worker(id))),
  )
  return ids.map((_, round) => byWorker.map((results) => results[round] as boolean))
}

const serialized = (d: Decision) => ({ ...d, decided_at: d.decided_at.toISOString() })

describeEachEngine('approval transitions: decide and claim', (engine, t) => {
  it(`rival decisions (approve, approve, reject) at once: exactly one wins, ${ROUNDS} rounds`, async () => {
    const ids = await fileRequests(t.store, ROUNDS)
    const rivals = [decision('approved', 2), decision('approved', 3), decision('rejected', 4)]
    const rounds = await race(
      engine,
      t,
      ids,
      rivals.map((d) => ({
        pg: (db, id) => decideRequest(db, id, d, NOW),
        worker: (id) => ({ op: 'decide', request_id: id, decision: serialized(d), now: NOW.toISOString() }),
      })),
    )
    const wins = [0, 0, 0]
    for (const [round, won] of rounds.entries()) {
      expect(won.filter(Boolean)).toHaveLength(1)
      const winner = won.indexOf(true)
      wins[winner]! += 1
      // The row holds the winner's decision, whole: status, who, when and note together.
      const row = await getApprovalRequest(t.store.db, ids[round]!)
      const { status, decided_by_uid, approver_note } = rivals[winner]!
      expect(row).toMatchObject({
        status,
        decided_by_uid,
        approver_note,
        decided_at: NOW,
        execution_status: 'pending',
      })
    }
    expect(wins.reduce((a, b) => a + b)).toBe(ROUNDS)
  })

  it(`two claims to execute at once: exactly one wins, ${ROUNDS} rounds`, async () => {
    const ids = await fileRequests(t.store, ROUNDS)
    for (const id of ids) expect(await decideRequest(t.store.db, id, decision('approved', 2), NOW)).toBe(true)
    const claim = {
      pg: (db: Store['db'], id: number) => claimExecution(db, id, NOW),
      worker: (id: number): WorkerStep => ({ op: 'claim', request_id: id, now: NOW.toISOString() }),
    }
    const rounds = await race(engine, t, ids, [claim, claim])
    for (const won of rounds) expect(won.filter(Boolean)).toHaveLength(1)
    for (const id of ids)
      expect(await getApprovalRequest(t.store.db, id)).toMatchObject({
        execution_status: 'running',
        execution_started_at: NOW,
      })
  })

  it('a decision and an expiry at once: exactly one changes the row', async () => {
    const expires_at = hoursAfter(T0, 2)
    const ids = await fileRequests(t.store, 20, expires_at)
    const other = await t.openAnother()
    const justBefore = new Date(expires_at.getTime() - 1)
    const justAfter = new Date(expires_at.getTime() + 1)
    for (const id of ids) {
      const [decided, expired] = await Promise.all([
        decideRequest(t.store.db, id, decision('approved', 2, justBefore), justBefore),
        expireOne(other.db, id, justAfter),
      ])
      expect(decided !== expired).toBe(true)
      expect((await getApprovalRequest(t.store.db, id))?.status).toBe(decided ? 'approved' : 'expired')
    }
  })

  it('a request past expiry cannot be decided, even before the sweep runs', async () => {
    const expires_at = hoursAfter(T0, 2)
    const [late, edge, inTime] = await fileRequests(t.store, 3, expires_at)
    const before = await getApprovalRequest(t.store.db, late!)
    expect(await decideRequest(t.store.db, late!, decision('approved', 2), hoursAfter(T0, 3))).toBe(false)
    expect(await getApprovalRequest(t.store.db, late!)).toEqual(before)
    // At exactly expires_at it is already too late; a millisecond before, it is not.
    expect(await decideRequest(t.store.db, edge!, decision('approved', 2), expires_at)).toBe(false)
    const oneMsBefore = new Date(expires_at.getTime() - 1)
    expect(await decideRequest(t.store.db, inTime!, decision('approved', 2), oneMsBefore)).toBe(true)
    // Expire-on-read: only the one past expiry flips, once.
    expect(await expireOne(t.store.db, late!, hoursAfter(T0, 3))).toBe(true)
    expect(await expireOne(t.store.db, late!, hoursAfter(T0, 3))).toBe(false)
    expect(await expireOne(t.store.db, inTime!, hoursAfter(T0, 3))).toBe(false)
    expect((await getApprovalRequest(t.store.db, late!))?.status).toBe('expired')
    expect(await decideRequest(t.store.db, late!, decision('rejected', 2), oneMsBefore)).toBe(false)
  })

  it('a decided request keeps its first decision', async () => {
    const [id] = await fileRequests(t.store, 1)
    expect(await decideRequest(t.store.db, id!, decision('rejected', 2), NOW)).toBe(true)
    expect(await decideRequest(t.store.db, id!, decision('approved', 3), NOW)).toBe(false)
    expect(await getApprovalRequest(t.store.db, id!)).toMatchObject({
      status: 'rejected',
      decided_by_uid: 2,
      approver_note: 'rejected by 2',
    })
  })

  it('execution is claimed only for an approved request, once, and finished only while running', async () => {
    const [pending, rejected, approved] = await fileRequests(t.store, 3)
    await decideRequest(t.store.db, rejected!, decision('rejected', 2), NOW)
    await decideRequest(t.store.db, approved!, decision('approved', 2), NOW)
    const outcome = {
      execution_status: 'success' as const,
      result: '{"ok":true}',
      result_truncated: false,
      error: null,
      finished_at: NOW,
    }
    expect(await claimExecution(t.store.db, pending!, NOW)).toBe(false)
    expect(await claimExecution(t.store.db, rejected!, NOW)).toBe(false)
    expect(await finishExecution(t.store.db, approved!, outcome)).toBe(false) // not running yet
    expect(await claimExecution(t.store.db, approved!, NOW)).toBe(true)
    expect(await claimExecution(t.store.db, approved!, NOW)).toBe(false)
    expect(await finishExecution(t.store.db, approved!, outcome)).toBe(true)
    expect(
      await finishExecution(t.store.db, approved!, { ...outcome, execution_status: 'error', error: 'late' }),
    ).toBe(false)
    expect(await getApprovalRequest(t.store.db, approved!)).toMatchObject({
      execution_status: 'success',
      result: '{"ok":true}',
      error: null,
    })
    for (const id of [pending!, rejected!])
      expect((await getApprovalRequest(t.store.db, id))?.execution_status).toBe('pending')
  })

  it('the schema itself refuses to run a request that is not approved', async () => {
    const [id] = await fileRequests(t.store, 1)
    await expect(
      t.store.db
        .updateTable('approval_request')
        .set({ execution_status: 'running' })
        .where('request_id', '=', id!)
        .execute(),
    ).rejects.toMatchObject({ name: 'StoreError', kind: 'constraint' })
  })
})

describeEachEngine('approval transitions: a new approver', (_engine, t) => {
  const ivy = { uid: 9, login: 'ivy', name: 'Ivy Approver' }

  it('moves the connection’s pending requests only, and returns them as they were', async () => {
    const [waiting, decided, other] = await fileRequests(t.store, 3)
    const { connection_id } = (await getApprovalRequest(t.store.db, waiting!))!
    const elsewhere = await insertConnection(t.store.db, newConnectionInput(), T0)
    const foreign = (await insertApprovalRequest(t.store.db, newRequestInput(elsewhere.connection_id)))
      .request_id
    expect(await decideRequest(t.store.db, decided!, decision('approved', 2), NOW)).toBe(true)
    const moved = await reassignPending(t.store.db, connection_id, ivy)
    expect(moved.map((r) => [r.request_id, r.approver_login])).toEqual([
      [waiting, 'admin'],
      [other, 'admin'],
    ])
    for (const id of [waiting!, other!])
      expect(await getApprovalRequest(t.store.db, id)).toMatchObject({
        approver_uid: 9,
        approver_login: 'ivy',
        approver_name: 'Ivy Approver',
      })
    expect((await getApprovalRequest(t.store.db, decided!))?.approver_login).toBe('admin')
    expect((await getApprovalRequest(t.store.db, foreign))?.approver_login).toBe('admin')
    // Already with that approver: nothing to move.
    expect(await reassignPending(t.store.db, connection_id, ivy)).toEqual([])
    // Nobody: any administrator.
    expect((await reassignPending(t.store.db, connection_id, null)).map((r) => r.approver_login)).toEqual([
      'ivy',
      'ivy',
    ])
    expect((await getApprovalRequest(t.store.db, waiting!))?.approver_uid).toBeNull()
  })

  it('a decision judged against the former approver loses once the request moved', async () => {
    const [id] = await fileRequests(t.store, 1)
    const { connection_id } = (await getApprovalRequest(t.store.db, id!))!
    await reassignPending(t.store.db, connection_id, ivy)
    expect(await decideRequest(t.store.db, id!, decision('approved', 2), NOW, 2)).toBe(false)
    expect((await getApprovalRequest(t.store.db, id!))?.status).toBe('pending')
    expect(await decideRequest(t.store.db, id!, decision('approved', 9), NOW, 9)).toBe(true)
  })

  it('a decision judged against "no approver" holds only while there is none', async () => {
    const [id] = await fileRequests(t.store, 1)
    const { connection_id } = (await getApprovalRequest(t.store.db, id!))!
    await reassignPending(t.store.db, connection_id, null)
    expect(await decideRequest(t.store.db, id!, decision('rejected', 2), NOW, 2)).toBe(false)
    expect(await decideRequest(t.store.db, id!, decision('rejected', 2), NOW, null)).toBe(true)
  })

  it('filing reads the connection’s approver of now, inside its transaction', async () => {
    const { connection_id } = await insertConnection(t.store.db, newConnectionInput(), T0)
    expect(await approverOf(t.store.db, connection_id)).toEqual({
      uid: 2,
      login: 'admin',
      name: 'Mitchell Admin',
    })
    const nobody = await insertConnection(
      t.store.db,
      newConnectionInput({ approver_uid: null, approver_login: null, approver_name: null }),
      T0,
    )
    expect(await t.store.db.transaction().execute((trx) => approverOf(trx, nobody.connection_id))).toBeNull()
  })
})

// SQLite runs one writer at a time in one process (better-sqlite3 is synchronous): only PostgreSQL
// has a change in flight for filing to wait for.
describe.skipIf(!postgresAvailable)('postgres: a new approver in flight', () => {
  const ivy = { uid: 9, login: 'ivy', name: 'Ivy Approver' }
  let t: TestStore
  beforeAll(async () => {
    t = await createTestStore('postgres')
  })
  afterAll(() => t.cleanup())

  it('filing waits for a change of approver in flight, then reads the new one', async () => {
    const other = await t.openAnother()
    const { connection_id } = await insertConnection(t.store.db, newConnectionInput(), T0)
    let release = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let updated = () => {}
    const updating = new Promise<void>((resolve) => {
      updated = resolve
    })
    const changing = t.store.db.transaction().execute(async (trx) => {
      await updateConnectionPolicy(trx, connection_id, { approver: ivy }, NOW)
      updated()
      await held
    })
    await updating
    const reading = other.db.transaction().execute((trx) => approverOf(trx, connection_id))
    const first = await Promise.race([
      reading.then(() => 'read'),
      new Promise((resolve) => setTimeout(() => resolve('waiting'), 300)),
    ])
    expect(first).toBe('waiting')
    release()
    await changing
    expect(await reading).toEqual(ivy)
  })
})
