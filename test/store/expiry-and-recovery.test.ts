/**
 * The sweeps on both engines: `expireDue` flips exactly the due pending requests (and nothing else),
 * in bounded batches, disjointly when two replicas sweep at once, through the partial index;
 * `failStaleRunning` turns calls left in flight into errors and leaves everything else alone.
 */
import { type CompiledQuery, type Kysely, type KyselyPlugin, type RootOperationNode, sql } from 'kysely'
import { expect, it } from 'vitest'
import {
  type ApprovalRequest,
  getApprovalRequest,
  insertApprovalRequest,
} from '../../src/store/approval-requests.js'
import {
  claimExecution,
  decideRequest,
  expireDue,
  failStaleRunning,
} from '../../src/store/approval-transitions.js'
import { insertConnection } from '../../src/store/connections.js'
import type { Database } from '../../src/store/tables.js'
import { describeEachEngine } from '../helpers/databases.js'
import { hoursAfter, newConnectionInput, newRequestInput, T0 } from './fixtures.js'
import { runWorkers } from './threads.js'

const approve = (uid: number, at: Date) => ({
  status: 'approved' as const,
  decided_at: at,
  decided_by_uid: uid,
  decided_by_login: 'admin',
  decided_by_name: 'Mitchell Admin',
  approver_note: null,
})

async function fileAt(db: Kysely<Database>, connection_id: number, expires_at: Date): Promise<number> {
  return (await insertApprovalRequest(db, newRequestInput(connection_id, { expires_at }))).request_id
}

/** Captures the SQL a store function sends, without changing it. */
function captureSql(db: Kysely<Database>): { db: Kysely<Database>; queries: CompiledQuery[] } {
  const queries: CompiledQuery[] = []
  const plugin: KyselyPlugin = {
    transformQuery: ({ node, queryId }) => {
      queries.push(db.getExecutor().compileQuery(node as RootOperationNode, queryId))
      return node
    },
    transformResult: async ({ result }) => result,
  }
  return { db: db.withPlugin(plugin), queries }
}

describeEachEngine('expiry sweep', (engine, t) => {
  it('flips only due pending requests and leaves every other row as it was', async () => {
    const { connection_id } = await insertConnection(t.store.db, newConnectionInput(), T0)
    const now = hoursAfter(T0, 2)
    const due = await fileAt(t.store.db, connection_id, hoursAfter(T0, 1))
    const dueExactlyNow = await fileAt(t.store.db, connection_id, now)
    const notDue = await fileAt(t.store.db, connection_id, new Date(now.getTime() + 1))
    const approved = await fileAt(t.store.db, connection_id, hoursAfter(T0, 1))
    const rejected = await fileAt(t.store.db, connection_id, hoursAfter(T0, 1))
    await decideRequest(t.store.db, approved, approve(2, T0), T0)
    await decideRequest(t.store.db, rejected, { ...approve(2, T0), status: 'rejected' }, T0)
    const all = [due, dueExactlyNow, notDue, approved, rejected]
    const before = new Map<number, ApprovalRequest | undefined>()
    for (const id of all) before.set(id, await getApprovalRequest(t.store.db, id))

    expect(await expireDue(t.store.db, now)).toEqual([due, dueExactlyNow])
    for (const id of [due, dueExactlyNow])
      expect(await getApprovalRequest(t.store.db, id)).toEqual({ ...before.get(id), status: 'expired' })
    for (const id of [notDue, approved, rejected])
      expect(await getApprovalRequest(t.store.db, id)).toEqual(before.get(id))
    expect(await expireDue(t.store.db, now)).toEqual([])
  })

  it('works in batches of at most `limit`, oldest due first', async () => {
    const { connection_id } = await insertConnection(t.store.db, newConnectionInput(), T0)
    await expireDue(t.store.db, hoursAfter(T0, 10)) // whatever earlier tests left due
    const ids: number[] = []
    for (let i = 0; i < 5; i++) ids.push(await fileAt(t.store.db, connection_id, hoursAfter(T0, 15 - i)))
    ids.reverse()
    const now = hoursAfter(T0, 20)
    const batches = [
      await expireDue(t.store.db, now, 2),
      await expireDue(t.store.db, now, 2),
      await expireDue(t.store.db, now, 2),
    ]
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1])
    expect(batches[0]).toEqual(ids.slice(0, 2).sort((a, b) => a - b))
    expect(batches.flat().sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b))
    expect(await expireDue(t.store.db, now, 2)).toEqual([])
  })

  it('two replicas sweeping at once get disjoint batches that cover every due request', async () => {
    const { connection_id } = await insertConnection(t.store.db, newConnectionInput(), T0)
    const due: number[] = []
    for (let i = 0; i < 300; i++)
      due.push(await fileAt(t.store.db, connection_id, hoursAfter(T0, 30 + i / 100)))
    const later = await fileAt(t.store.db, connection_id, hoursAfter(T0, 50))
    const now = hoursAfter(T0, 40)
    let got: number[][]
    if (engine === 'postgres') {
      const other = await t.openAnother()
      const drain = async (db: Kysely<Database>) => {
        const ids: number[] = []
        for (let batch = await expireDue(db, now, 25); batch.length > 0; batch = await expireDue(db, now, 25))
          ids.push(...batch)
        return ids
      }
      got = await Promise.all([drain(t.store.db), drain(other.db)])
    } else {
      // 8 rounds × 25 × 2 threads can take 400: more than enough, and the last rounds find nothing.
      const plan = Array.from({ length: 8 }, () => ({
        op: 'expireDue' as const,
        now: now.toISOString(),
        limit: 25,
      }))
      got = (await runWorkers(t.config, [plan, plan])).map((batches) => (batches as number[][]).flat())
    }
    const [a, b] = got as [number[], number[]]
    expect(a.filter((id) => b.includes(id))).toEqual([])
    expect([...a, ...b].sort((x, y) => x - y)).toEqual(due)
    expect((await getApprovalRequest(t.store.db, later))?.status).toBe('pending')
  })
})

describeEachEngine('expiry sweep over a long history', (engine, t) => {
  it('reads pending rows only, through indexes: no scan of the history', async () => {
    // 3,000 decided or expired requests of the past, 20 pending of which 5 are due.
    const { connection_id } = await insertConnection(t.store.db, newConnectionInput(), T0)
    const past = newRequestInput(connection_id)
    const history = Array.from({ length: 3000 }, (_, i) => ({
      ...past,
      requested_at: past.requested_at.toISOString(),
      expires_at: hoursAfter(T0, -1000 + i / 10).toISOString(),
      status: (['approved', 'rejected', 'expired'] as const)[i % 3]!,
      execution_status: 'pending',
      activity_ids: '[]',
      result_truncated: 0,
    }))
    for (let i = 0; i < history.length; i += 500)
      await t.store.db
        .insertInto('approval_request')
        .values(history.slice(i, i + 500))
        .execute()
    for (let i = 0; i < 20; i++) await fileAt(t.store.db, connection_id, hoursAfter(T0, i < 5 ? 1 : 100))
    // PostgreSQL's autovacuum keeps statistics; SQLite runs without (nobody runs ANALYZE on it).
    if (engine === 'postgres') await sql`analyze approval_request`.execute(t.store.db)

    const { db, queries } = captureSql(t.store.db)
    const now = hoursAfter(T0, 2)
    const explain = async () => {
      const [update] = queries.splice(0)
      const prefix = engine === 'sqlite' ? 'explain query plan' : 'explain'
      const { rows } = await t.store.db.executeQuery({ ...update!, sql: `${prefix} ${update!.sql}` })
      return rows.map((r) =>
        String((r as Record<string, unknown>).detail ?? (r as Record<string, unknown>)['QUERY PLAN']),
      )
    }
    // EXPLAIN a capture of the very statement expireDue sends (run once, against nothing due yet).
    await expireDue(db, T0, 10)
    const plan = (await explain()).join('\n')
    expect(plan).toContain('approval_request_pending_expiry_idx')
    if (engine === 'postgres') expect(plan).not.toMatch(/Seq Scan/)
    else expect(plan).not.toMatch(/(^|\n)SCAN approval_request/)
    expect(await expireDue(t.store.db, now, 10)).toHaveLength(5)
  })
})

describeEachEngine('start-up recovery of calls left running', (_engine, t) => {
  it('turns every running execution into an error with the message, and nothing else', async () => {
    const { connection_id } = await insertConnection(t.store.db, newConnectionInput(), T0)
    const [runningOld, runningNew, approvedIdle, pending] = [
      await fileAt(t.store.db, connection_id, hoursAfter(T0, 4)),
      await fileAt(t.store.db, connection_id, hoursAfter(T0, 4)),
      await fileAt(t.store.db, connection_id, hoursAfter(T0, 4)),
      await fileAt(t.store.db, connection_id, hoursAfter(T0, 4)),
    ] as number[]
    for (const id of [runningOld!, runningNew!, approvedIdle!])
      await decideRequest(t.store.db, id, approve(2, T0), T0)
    await claimExecution(t.store.db, runningOld!, hoursAfter(T0, 1))
    await claimExecution(t.store.db, runningNew!, hoursAfter(T0, 3))
    const untouched = [
      await getApprovalRequest(t.store.db, approvedIdle!),
      await getApprovalRequest(t.store.db, pending!),
    ]
    const message = 'outcome unknown — check Odoo before re-filing'
    const now = hoursAfter(T0, 3.5)

    // A replica starting up with a grace period leaves a call another replica started recently.
    expect(await failStaleRunning(t.store.db, message, now, { started_before: hoursAfter(T0, 2) })).toEqual([
      runningOld,
    ])
    expect(await getApprovalRequest(t.store.db, runningNew!)).toMatchObject({ execution_status: 'running' })
    expect(await failStaleRunning(t.store.db, message, now)).toEqual([runningNew])
    for (const id of [runningOld!, runningNew!])
      expect(await getApprovalRequest(t.store.db, id)).toMatchObject({
        status: 'approved',
        execution_status: 'error',
        error: message,
        execution_finished_at: now,
        result: null,
      })
    expect([
      await getApprovalRequest(t.store.db, approvedIdle!),
      await getApprovalRequest(t.store.db, pending!),
    ]).toEqual(untouched)
    expect(await failStaleRunning(t.store.db, message, now)).toEqual([])
    // Never back to pending: the lost call cannot be claimed again.
    expect(await claimExecution(t.store.db, runningOld!, now)).toBe(false)
  })
})
