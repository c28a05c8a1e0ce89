/**
 * The state changes of an approval request, each one compare-and-set UPDATE whose guard sits in its
 * WHERE: whoever changes the row first wins, the others change nothing and are told so (by the
 * affected-row count, or by the ids returned). This is what makes "decided once, executed at most
 * once" hold across double clicks, rival approvers, several replicas and a crash. Does not decide
 * whether a caller *may* make the change (domain/ does), and never re-opens a request: there is no
 * way back to 'pending', and a lost 'running' becomes 'error', never 'pending' again. Every change
 * after which the call can no longer run (rejected, expired, finished, lost) also drops the sealed
 * secrets of its arguments (migration 0008): they are kept only for the run.
 */
import { type Kysely, sql } from 'kysely'
import type { ApprovalRequest, OdooPerson } from '../domain/approval-request.js'
import { approvalRequestFromRow } from './approval-requests.js'
import { engineOf } from './engine.js'
import type { Database } from './tables.js'
import { iso, isoOrNull } from './values.js'

// Spelled as literals, not parameters, so both engines can use the partial indexes of migration
// 0001 (approval_request_pending_expiry_idx, approval_request_running_idx).
const PENDING = sql.lit('pending')
const RUNNING = sql.lit('running')

export interface Decision {
  status: 'approved' | 'rejected'
  decided_at: Date
  decided_by_uid: number
  decided_by_login: string
  decided_by_name: string
  approver_note: string | null
}

/**
 * pending → approved | rejected, only while the request is pending and `expires_at > now`, and —
 * when `approver_uid` is given — its approver is still that one, the one the decision was judged
 * against: a request past expiry cannot be approved even before the expiry job has run, and one
 * reassigned meanwhile cannot be decided by its former approver. True when this call won.
 */
export async function decideRequest(
  db: Kysely<Database>,
  request_id: number,
  decision: Decision,
  now: Date,
  approver_uid?: number | null,
): Promise<boolean> {
  let update = db
    .updateTable('approval_request')
    .set({
      status: decision.status,
      decided_at: iso(decision.decided_at),
      decided_by_uid: decision.decided_by_uid,
      decided_by_login: decision.decided_by_login,
      decided_by_name: decision.decided_by_name,
      approver_note: decision.approver_note,
      // A rejected call never runs: the secrets its arguments hid are dropped with the decision.
      ...(decision.status === 'rejected' && { sealed_secrets: null }),
    })
    .where('request_id', '=', request_id)
    .where('status', '=', PENDING) // the guard: one decision per request
    .where('expires_at', '>', iso(now))
  if (approver_uid !== undefined)
    update = update.where('approver_uid', approver_uid === null ? 'is' : '=', approver_uid)
  const result = await update.executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/**
 * A connection's approver changed: its pending requests follow, so the former approver can no
 * longer see or decide them and the new one can. Returns each moved request as it was before (its
 * former approver, its activities to close); requests already with `approver` are left alone. Call
 * it in the transaction that changes the connection: on PostgreSQL the rows stay locked until then,
 * so a decision waits and is then judged against the new approver (`decideRequest`'s guard).
 */
export async function reassignPending(
  db: Kysely<Database>,
  connection_id: number,
  approver: OdooPerson | null,
): Promise<ApprovalRequest[]> {
  let pending = db
    .selectFrom('approval_request')
    .selectAll()
    .where('connection_id', '=', connection_id)
    .where('status', '=', PENDING)
  if (engineOf(db) === 'postgres') pending = pending.forUpdate()
  const moving = (await pending.orderBy('request_id').execute())
    .map(approvalRequestFromRow)
    .filter((r) => r.approver_uid !== (approver?.uid ?? null))
  if (moving.length === 0) return []
  await db
    .updateTable('approval_request')
    .set({
      approver_uid: approver?.uid ?? null,
      approver_login: approver?.login ?? null,
      approver_name: approver?.name ?? null,
    })
    .where(
      'request_id',
      'in',
      moving.map((r) => r.request_id),
    )
    .where('status', '=', PENDING)
    .execute()
  return moving
}

/**
 * Execution pending → running, only for an approved request: the single claim to run the call.
 * True when this caller won and must now run it, once, and then call `finishExecution`.
 */
export async function claimExecution(db: Kysely<Database>, request_id: number, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('approval_request')
    .set({ execution_status: 'running', execution_started_at: iso(now) })
    .where('request_id', '=', request_id)
    .where('status', '=', 'approved')
    .where('execution_status', '=', PENDING) // the guard: one claim per request
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export interface ExecutionOutcome {
  execution_status: 'success' | 'error'
  /** The tool result as JSON text (already bounded by the caller), or null on error. */
  result: string | null
  result_truncated: boolean
  error: string | null
  finished_at: Date
}

/**
 * Execution running → success | error with the cached result. False when the request is no longer
 * running, e.g. start-up recovery already declared its outcome unknown.
 */
export async function finishExecution(
  db: Kysely<Database>,
  request_id: number,
  outcome: ExecutionOutcome,
): Promise<boolean> {
  const result = await db
    .updateTable('approval_request')
    .set({
      execution_status: outcome.execution_status,
      result: outcome.result,
      result_truncated: outcome.result_truncated ? 1 : 0,
      error: outcome.error,
      execution_finished_at: iso(outcome.finished_at),
      sealed_secrets: null, // kept only for the run, which is over
    })
    .where('request_id', '=', request_id)
    .where('execution_status', '=', RUNNING)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/**
 * Flips up to `limit` pending requests whose `expires_at <= now` to 'expired' and returns their ids
 * (ascending), oldest due first. Its cost follows the pending rows, not the history: the due ids come
 * from the partial index on pending rows, and the UPDATE finds them again by an index (primary key or
 * that same partial index, as the planner prefers), never by scanning the table. Several replicas
 * may run it at once: on PostgreSQL each takes the due rows no one else has locked (SKIP LOCKED), so
 * every id is returned by exactly one caller. When it returns `limit` ids, more may be due: call again.
 */
export async function expireDue(db: Kysely<Database>, now: Date, limit = 500): Promise<number[]> {
  const n = Math.max(1, Math.trunc(limit))
  // Raw SQL, because the two engines need different shapes here:
  // - PostgreSQL: the ids are collected once into an array. Written as `request_id IN (SELECT … LIMIT
  //   n FOR UPDATE SKIP LOCKED)`, PostgreSQL 15 planned a nested-loop semi join that re-ran the
  //   subquery for every outer row; each re-run skipped the rows this statement had just locked and
  //   took the next ones, so one call expired every due row whatever the limit (caught by
  //   expiry-and-recovery.test.ts).
  // - SQLite: without statistics its planner preferred the (status, request_id) index, which reads
  //   every pending row; INDEXED BY pins the partial index, and fails loudly if it ever goes away.
  const query =
    engineOf(db) === 'postgres'
      ? sql<{ request_id: number }>`
          update approval_request set status = 'expired', sealed_secrets = null
          where request_id = any(array(
            select request_id from approval_request
            where status = 'pending' and expires_at <= ${iso(now)}
            order by expires_at limit ${n}
            for update skip locked))
          and status = 'pending'
          returning request_id`
      : sql<{ request_id: number }>`
          update approval_request set status = 'expired', sealed_secrets = null
          where request_id in (
            select request_id from approval_request indexed by approval_request_pending_expiry_idx
            where status = 'pending' and expires_at <= ${iso(now)}
            order by expires_at limit ${n})
          and status = 'pending'
          returning request_id`
  // The outer `status = 'pending'` re-checks each row itself: on PostgreSQL a decision may have
  // committed after the subquery's snapshot was taken.
  const { rows } = await query.execute(db)
  return rows.map((r) => r.request_id).sort((a, b) => a - b)
}

/** One pending request past expiry → expired (e.g. when someone tries to act on it). True if flipped. */
export async function expireOne(db: Kysely<Database>, request_id: number, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('approval_request')
    .set({ status: 'expired', sealed_secrets: null })
    .where('request_id', '=', request_id)
    .where('status', '=', PENDING)
    .where('expires_at', '<=', iso(now))
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/**
 * At start-up: every execution left 'running' by a crash becomes 'error' with `message` (e.g.
 * "outcome unknown — check Odoo before re-filing"); it is never retried. With several replicas,
 * pass `started_before` (now minus the longest call a replica may still be running) so a starting
 * replica does not declare a live call of another replica lost. Returns the ids, ascending.
 */
export async function failStaleRunning(
  db: Kysely<Database>,
  message: string,
  now: Date,
  options: { started_before?: Date } = {},
): Promise<number[]> {
  let update = db
    .updateTable('approval_request')
    .set({ execution_status: 'error', error: message, execution_finished_at: iso(now), sealed_secrets: null })
    .where('execution_status', '=', RUNNING)
  const before = isoOrNull(options.started_before)
  if (before !== null) update = update.where('execution_started_at', '<', before)
  const rows = await update.returning('request_id').execute()
  return rows.map((r) => r.request_id).sort((a, b) => a - b)
}

/**
 * Records how notifying the approvers of a request went: the mail.activity ids created in Odoo, and
 * why none was created (null when one was). True when the request exists.
 */
export async function setNotification(
  db: Kysely<Database>,
  request_id: number,
  notice: { activity_ids: number[]; error: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('approval_request')
    .set({ activity_ids: JSON.stringify(notice.activity_ids), notification_error: notice.error })
    .where('request_id', '=', request_id)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}
