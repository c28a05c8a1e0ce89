/**
 * Queries on the `approval_request` table that file and read requests, and the one mapping from its
 * rows to `ApprovalRequest` objects. The state changes (decide, claim, finish, expire) are
 * compare-and-set statements in approval-transitions.ts. Does not decide who may see or decide a
 * request: the caller passes the visibility it has worked out.
 */
import { type Kysely, type Selectable, sql } from 'kysely'
import type { ApprovalRequest, ApprovalStatus, ExecutionStatus } from '../domain/approval-request.js'
import { engineOf } from './engine.js'
import type { ApprovalRequestTable, Database } from './tables.js'
import {
  COUNT_LIMIT,
  cappedPage,
  containsText,
  countOf,
  iso,
  type Page,
  paging,
  parseNumberList,
  toDate,
  toDateOrNull,
} from './values.js'

// The domain owns the shape; the store maps rows to exactly it. Re-exported for store callers.
export type { ApprovalRequest, ApprovalStatus, ExecutionStatus }

/** What filing decides; ids, statuses, decision and execution fields start empty. */
export type NewApprovalRequest = Pick<
  ApprovalRequest,
  | 'connection_id'
  | 'tool'
  | 'model'
  | 'arguments'
  | 'arguments_sha256'
  | 'summary'
  | 'requester_uid'
  | 'requester_login'
  | 'requester_name'
  | 'approver_uid'
  | 'approver_login'
  | 'approver_name'
  | 'requested_at'
  | 'expires_at'
>

export function approvalRequestFromRow(row: Selectable<ApprovalRequestTable>): ApprovalRequest {
  return {
    request_id: row.request_id,
    connection_id: row.connection_id,
    tool: row.tool,
    model: row.model,
    arguments: row.arguments,
    arguments_sha256: row.arguments_sha256,
    summary: row.summary,
    requester_uid: row.requester_uid,
    requester_login: row.requester_login,
    requester_name: row.requester_name,
    approver_uid: row.approver_uid,
    approver_login: row.approver_login,
    approver_name: row.approver_name,
    status: row.status as ApprovalStatus,
    execution_status: row.execution_status as ExecutionStatus,
    requested_at: toDate(row.requested_at),
    expires_at: toDate(row.expires_at),
    decided_at: toDateOrNull(row.decided_at),
    decided_by_uid: row.decided_by_uid,
    decided_by_login: row.decided_by_login,
    decided_by_name: row.decided_by_name,
    approver_note: row.approver_note,
    execution_started_at: toDateOrNull(row.execution_started_at),
    execution_finished_at: toDateOrNull(row.execution_finished_at),
    result: row.result,
    result_truncated: row.result_truncated === 1,
    error: row.error,
    activity_ids: parseNumberList(row.activity_ids, 'approval_request.activity_ids'),
    notification_error: row.notification_error,
  }
}

/**
 * Files a request (status and execution_status 'pending'); returns it with its new request_id.
 * `sealed_secrets`: what its arguments hide, sealed (approvals/file-request.ts); never part of the
 * returned request, only `sealedSecretsOf` reads it back.
 */
export async function insertApprovalRequest(
  db: Kysely<Database>,
  input: NewApprovalRequest & { sealed_secrets?: string | null },
): Promise<ApprovalRequest> {
  const row = await db
    .insertInto('approval_request')
    .values({
      connection_id: input.connection_id,
      tool: input.tool,
      model: input.model,
      arguments: input.arguments,
      arguments_sha256: input.arguments_sha256,
      summary: input.summary,
      requester_uid: input.requester_uid,
      requester_login: input.requester_login,
      requester_name: input.requester_name,
      approver_uid: input.approver_uid,
      approver_login: input.approver_login,
      approver_name: input.approver_name,
      status: 'pending',
      execution_status: 'pending',
      requested_at: iso(input.requested_at),
      expires_at: iso(input.expires_at),
      result_truncated: 0,
      activity_ids: '[]',
      sealed_secrets: input.sealed_secrets ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return approvalRequestFromRow(row)
}

/** Stores the request's effect preview (JSON text), in the filing transaction. */
export async function insertRequestPreview(
  db: Kysely<Database>,
  request_id: number,
  preview: string,
): Promise<void> {
  await db.insertInto('approval_request_preview').values({ request_id, preview }).execute()
}

/** The request's effect preview as JSON text; null for a request filed before previews existed. */
export async function getRequestPreview(db: Kysely<Database>, request_id: number): Promise<string | null> {
  const row = await db
    .selectFrom('approval_request_preview')
    .select('preview')
    .where('request_id', '=', request_id)
    .executeTakeFirst()
  return row?.preview ?? null
}

export async function getApprovalRequest(
  db: Kysely<Database>,
  request_id: number,
): Promise<ApprovalRequest | undefined> {
  const row = await db
    .selectFrom('approval_request')
    .selectAll()
    .where('request_id', '=', request_id)
    .executeTakeFirst()
  return row && approvalRequestFromRow(row)
}

/** The sealed secrets of a request (null: its arguments hide nothing), for execution only. */
export async function sealedSecretsOf(db: Kysely<Database>, request_id: number): Promise<string | null> {
  const row = await db
    .selectFrom('approval_request')
    .select('sealed_secrets')
    .where('request_id', '=', request_id)
    .executeTakeFirst()
  return row?.sealed_secrets ?? null
}

/** Those of the given requests that have Odoo activities to close, in request_id order. */
export async function requestsWithActivities(
  db: Kysely<Database>,
  request_ids: readonly number[],
): Promise<ApprovalRequest[]> {
  if (request_ids.length === 0) return []
  const rows = await db
    .selectFrom('approval_request')
    .selectAll()
    .where('request_id', 'in', [...request_ids])
    .where('activity_ids', '<>', '[]')
    .orderBy('request_id')
    .execute()
  return rows.map(approvalRequestFromRow)
}

export interface ApprovalRequestFilter {
  /** One status or several; absent = every status. */
  status?: ApprovalStatus | ApprovalStatus[]
  /** Case-insensitive text contained in the tool, the model or the requester's login. */
  search?: string
  /** Only requests filed by this Odoo user (through any of their connections). */
  requester_uid?: number
  /** Only requests assigned to this Odoo user. */
  approver_uid?: number
  /** Only requests this Odoo user filed or is assigned to: what a non-administrator may see. */
  visible_to_uid?: number
  connection_id?: number
  /** 1-based; default 1. */
  page?: number
  /** Default 50, at most 500. */
  page_size?: number
}

/**
 * Requests matching every given filter, newest first (by request_id), one page plus how many match
 * (exact up to COUNT_LIMIT, see values.ts `cappedPage`).
 */
export async function listApprovalRequests(
  db: Kysely<Database>,
  filter: ApprovalRequestFilter = {},
): Promise<Page<ApprovalRequest>> {
  const { page, page_size, offset } = paging(filter.page, filter.page_size)
  let query = db.selectFrom('approval_request')
  const statuses = filter.status === undefined ? [] : [filter.status].flat()
  if (statuses.length > 0) query = query.where('status', 'in', statuses)
  if (filter.requester_uid !== undefined) query = query.where('requester_uid', '=', filter.requester_uid)
  if (filter.approver_uid !== undefined) query = query.where('approver_uid', '=', filter.approver_uid)
  if (filter.connection_id !== undefined) query = query.where('connection_id', '=', filter.connection_id)
  const search = filter.search?.trim()
  if (search)
    query = query.where((eb) =>
      eb.or([
        containsText(eb.ref('tool'), search),
        containsText(eb.ref('model'), search),
        containsText(eb.ref('requester_login'), search),
      ]),
    )
  const viewer = filter.visible_to_uid
  // What one user may see is what they filed or are assigned, newest first. Written as one
  // `requester_uid = v OR approver_uid = v`, both engines gathered and sorted every such row before
  // taking a page (1.3 s on SQLite for a requester with 1,000,000 requests); as two index range
  // scans, each in request_id order and stopping at the rows the page and the count need, it costs
  // the same whatever the history holds. `ordered`: the newest `limit` ids (for a page); otherwise
  // any `limit` of them, which is all a capped count needs (and spares a sort of every match).
  const matchingIds = (limit: number, ordered: boolean) => {
    const ids = ordered
      ? query.select('request_id').orderBy('request_id', 'desc')
      : query.select('request_id')
    if (viewer === undefined) return ids.limit(limit)
    const filed = ids.where('requester_uid', '=', viewer).limit(limit).as('filed')
    const assigned = ids.where('approver_uid', '=', viewer).limit(limit).as('assigned')
    return db
      .selectFrom(filed)
      .select('filed.request_id')
      .union(db.selectFrom(assigned).select('assigned.request_id'))
  }
  const rowsQuery =
    viewer === undefined
      ? query.selectAll()
      : db
          .selectFrom('approval_request')
          .selectAll()
          .where('request_id', 'in', matchingIds(offset + page_size + 1, true))
  const [rows, count] = await Promise.all([
    rowsQuery
      .orderBy('request_id', 'desc')
      .limit(page_size + 1)
      .offset(offset)
      .execute(),
    db
      .selectFrom(matchingIds(COUNT_LIMIT + 1, false).as('matching'))
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .executeTakeFirst(),
  ])
  return cappedPage(rows.map(approvalRequestFromRow), countOf(count), { page, page_size, offset })
}

/** How many pending requests with the same masked arguments are compared by their secrets. */
const TWIN_CANDIDATES = 20

/**
 * The newest request of this connection, for this tool and these exact arguments, still pending and
 * not yet past `expires_at` at `now`: the one an identical new call should point to instead of filing
 * a second. Reads only the partial index of migration 0003. The fingerprint covers the arguments with
 * their secrets hidden, so `sameSecrets` is asked about each candidate's sealed secrets (newest first,
 * at most TWIN_CANDIDATES): two calls differing only in a password are not the same call.
 */
export async function findPendingTwin(
  db: Kysely<Database>,
  twin: {
    connection_id: number
    tool: string
    arguments_sha256: string
    now: Date
    sameSecrets?: (candidate: ApprovalRequest, sealed_secrets: string | null) => boolean
  },
): Promise<ApprovalRequest | undefined> {
  const table =
    engineOf(db) === 'sqlite'
      ? sql`approval_request indexed by approval_request_pending_twin_idx`
      : sql`approval_request`
  const { rows } = await sql<Selectable<ApprovalRequestTable>>`
    select * from ${table}
    where status = 'pending' and arguments_sha256 = ${twin.arguments_sha256}
      and connection_id = ${twin.connection_id} and tool = ${twin.tool} and expires_at > ${iso(twin.now)}
    order by request_id desc limit ${twin.sameSecrets ? TWIN_CANDIDATES : 1}`.execute(db)
  const same = twin.sameSecrets
  const candidates = rows.map((row) => ({ request: approvalRequestFromRow(row), sealed: row.sealed_secrets }))
  return (same ? candidates.find((c) => same(c.request, c.sealed)) : candidates[0])?.request
}

/**
 * What the filing limits compare with their maximums, in one statement: how many requests of this
 * connection are pending and not yet past `expires_at` at `now`, and how many it filed after
 * `since` (whatever became of them). Each is counted no further than its limit, all a limit needs,
 * and reads only its index of migration 0005.
 */
export async function countFilingLoad(
  db: Kysely<Database>,
  connection_id: number,
  window: { now: Date; since: Date; pending_limit: number; filed_limit: number },
): Promise<{ pending: number; filed_since: number }> {
  const sqlite = engineOf(db) === 'sqlite'
  const pendingRows = sqlite
    ? sql`approval_request indexed by approval_request_pending_connection_idx`
    : sql`approval_request`
  const timedRows = sqlite
    ? sql`approval_request indexed by approval_request_connection_time_idx`
    : sql`approval_request`
  const limit = (n: number) => Math.max(1, Math.trunc(n))
  const { rows } = await sql<{ pending: number | string; filed_since: number | string }>`
    select
      (select count(*) from (
        select 1 from ${pendingRows}
        where status = 'pending' and connection_id = ${connection_id} and expires_at > ${iso(window.now)}
        limit ${limit(window.pending_limit)}
      ) as waiting) as pending,
      (select count(*) from (
        select 1 from ${timedRows}
        where connection_id = ${connection_id} and requested_at > ${iso(window.since)}
        limit ${limit(window.filed_limit)}
      ) as recent) as filed_since`.execute(db)
  return { pending: Number(rows[0]?.pending ?? 0), filed_since: Number(rows[0]?.filed_since ?? 0) }
}

/**
 * Approved requests whose execution nobody claimed, decided before `decided_before`, oldest first:
 * what recovery resumes after a process died between a decision and its claim. Reads only the
 * partial index of migration 0002, whatever the history holds.
 */
export async function listUnclaimedApproved(
  db: Kysely<Database>,
  decided_before: Date,
  limit: number,
): Promise<number[]> {
  // Without statistics SQLite's planner prefers the (status, request_id) index, which reads every
  // approved row; INDEXED BY pins the partial index (as expireDue does) and fails loudly if it goes.
  const table =
    engineOf(db) === 'sqlite'
      ? sql`approval_request indexed by approval_request_unclaimed_idx`
      : sql`approval_request`
  const { rows } = await sql<{ request_id: number }>`
    select request_id from ${table}
    where status = 'approved' and execution_status = 'pending' and decided_at < ${iso(decided_before)}
    order by decided_at limit ${Math.max(1, Math.trunc(limit))}`.execute(db)
  return rows.map((r) => r.request_id)
}
