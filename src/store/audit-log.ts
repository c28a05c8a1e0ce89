/**
 * The append-only audit log: one function appends, one lists; there is deliberately no way to
 * update or delete an entry through the store. Does not decide what is logged or redact anything:
 * callers pass facts without secrets, and payloads only when COUNTERSIGN_AUDIT_PAYLOADS is on.
 */
import type { Kysely, Selectable } from 'kysely'
import type { AuditLogTable, Database } from './tables.js'
import { COUNT_LIMIT, cappedPage, countOf, iso, type Page, paging, parseJson, toDate } from './values.js'

export interface AuditEntry {
  audit_id: number
  at: Date
  /** 'tool_call', 'request_filed', 'decision', 'decision_refused', 'execution_started', … */
  event: string
  connection_id: number | null
  request_id: number | null
  actor_uid: number | null
  actor_login: string | null
  tool: string | null
  model: string | null
  /** 'ok' | 'error' | 'refused' | 'pending_approval' | … */
  outcome: string
  duration_ms: number | null
  error: string | null
  /** Extra facts (a refusal's reason, a decision's note…); never secrets. */
  detail: Record<string, unknown> | null
  /** Tool arguments and result, only when payload auditing is on. */
  payload: unknown
}

/** An entry to append: `at`, `event` and `outcome` are required, every other fact is optional. */
export type NewAuditEntry = Pick<AuditEntry, 'at' | 'event' | 'outcome'> &
  Partial<Omit<AuditEntry, 'audit_id' | 'at' | 'event' | 'outcome'>>

export function auditEntryFromRow(row: Selectable<AuditLogTable>): AuditEntry {
  const detail = row.detail === null ? null : parseJson(row.detail, 'audit_log.detail')
  return {
    audit_id: row.audit_id,
    at: toDate(row.at),
    event: row.event,
    connection_id: row.connection_id,
    request_id: row.request_id,
    actor_uid: row.actor_uid,
    actor_login: row.actor_login,
    tool: row.tool,
    model: row.model,
    outcome: row.outcome,
    duration_ms: row.duration_ms,
    error: row.error,
    detail: detail as Record<string, unknown> | null,
    payload: row.payload === null ? null : parseJson(row.payload, 'audit_log.payload'),
  }
}

function auditRow(entry: NewAuditEntry) {
  return {
    at: iso(entry.at),
    event: entry.event,
    outcome: entry.outcome,
    connection_id: entry.connection_id ?? null,
    request_id: entry.request_id ?? null,
    actor_uid: entry.actor_uid ?? null,
    actor_login: entry.actor_login ?? null,
    tool: entry.tool ?? null,
    model: entry.model ?? null,
    // Whole milliseconds: the column is an integer on both engines.
    duration_ms: entry.duration_ms == null ? null : Math.round(entry.duration_ms),
    error: entry.error ?? null,
    detail: entry.detail == null ? null : JSON.stringify(entry.detail),
    payload: entry.payload === undefined || entry.payload === null ? null : JSON.stringify(entry.payload),
  }
}

/** Appends one entry and returns its audit_id. */
export async function appendAudit(db: Kysely<Database>, entry: NewAuditEntry): Promise<number> {
  const row = await db
    .insertInto('audit_log')
    .values(auditRow(entry))
    .returning('audit_id')
    .executeTakeFirstOrThrow()
  return row.audit_id
}

/** Appends several entries with one INSERT per 500 (e.g. a batch of expired requests). */
export async function appendAuditEntries(
  db: Kysely<Database>,
  entries: readonly NewAuditEntry[],
): Promise<void> {
  for (let i = 0; i < entries.length; i += 500) {
    await db
      .insertInto('audit_log')
      .values(entries.slice(i, i + 500).map(auditRow))
      .execute()
  }
}

export interface AuditFilter {
  event?: string | string[]
  connection_id?: number
  actor_login?: string
  request_id?: number
  /** Entries at or after this time. */
  since?: Date
  /** Entries strictly before this time. */
  until?: Date
  /** 1-based; default 1. */
  page?: number
  /** Default 50, at most 500. */
  page_size?: number
}

/** Entries matching every given filter, newest first, one page plus how many match (values.ts `cappedPage`). */
export async function listAudit(db: Kysely<Database>, filter: AuditFilter = {}): Promise<Page<AuditEntry>> {
  const { page, page_size, offset } = paging(filter.page, filter.page_size)
  let query = db.selectFrom('audit_log')
  const events = filter.event === undefined ? [] : [filter.event].flat()
  if (events.length > 0) query = query.where('event', 'in', events)
  if (filter.connection_id !== undefined) query = query.where('connection_id', '=', filter.connection_id)
  if (filter.actor_login !== undefined) query = query.where('actor_login', '=', filter.actor_login)
  if (filter.request_id !== undefined) query = query.where('request_id', '=', filter.request_id)
  if (filter.since !== undefined) query = query.where('at', '>=', iso(filter.since))
  if (filter.until !== undefined) query = query.where('at', '<', iso(filter.until))
  const [rows, count] = await Promise.all([
    query
      .selectAll()
      .orderBy('audit_id', 'desc')
      .limit(page_size + 1)
      .offset(offset)
      .execute(),
    db
      .selectFrom(
        query
          .select('audit_id')
          .limit(COUNT_LIMIT + 1)
          .as('matching'),
      )
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .executeTakeFirst(),
  ])
  return cappedPage(rows.map(auditEntryFromRow), countOf(count), { page, page_size, offset })
}
