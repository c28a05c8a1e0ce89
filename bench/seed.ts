/**
 * Bulk rows for the large-table figures, written through the store's own Kysely handle with one
 * INSERT … SELECT over a generated series per call (a recursive CTE on SQLite, generate_series on
 * PostgreSQL): one statement, one transaction, about a second per 100,000 rows. Two kinds of rows,
 * both of the given connection: `due` (pending, past expires_at: what the expiry sweep flips; their
 * ids are returned) and `history` (70 % approved and executed, 20 % rejected, 10 % expired).
 * Does not run ANALYZE on SQLite (a real deployment never does); PostgreSQL's autovacuum would,
 * so it is run there.
 */
import { sql } from 'kysely'
import type { Store } from '../src/store/open-store.js'

export interface SeedOwner {
  connection_id: number
  requester: { uid: number; login: string; name: string }
  approver: { uid: number; login: string; name: string }
}

const HOUR = 3600

export async function seedRequests(
  store: Store,
  owner: SeedOwner,
  kind: 'due' | 'history',
  count: number,
  now: Date,
): Promise<number[]> {
  const nowS = Math.floor(now.getTime() / 1000)
  // due: filed between 2 days and 5 hours ago (expired 1 hour ago at the latest);
  // history: filed over the past year, up to 2 days ago.
  const [from, to] =
    kind === 'due' ? [nowS - 48 * HOUR, nowS - 5 * HOUR] : [nowS - 365 * 24 * HOUR, nowS - 48 * HOUR]
  const step = (to - from) / count
  const sqlite = store.kind === 'sqlite'
  const at = (seconds: ReturnType<typeof sql>) =>
    sqlite
      ? sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${seconds}, 'unixepoch')`
      : sql`to_char(to_timestamp(${seconds}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
  const filed = sql`(${sql.lit(from)} + i * ${sql.lit(step)})`
  const decidedS = sql`(${filed} + 600)`
  const status =
    kind === 'due'
      ? sql`'pending'`
      : sql`case when i % 10 < 7 then 'approved' when i % 10 < 9 then 'rejected' else 'expired' end`
  const approved = kind === 'due' ? sql`0 = 1` : sql`i % 10 < 7`
  const decided = kind === 'due' ? sql`0 = 1` : sql`i % 10 < 9`
  const text = (expression: ReturnType<typeof sql>) => (sqlite ? expression : sql`(${expression})::text`)
  const series = sqlite
    ? sql`with recursive series(i) as (select 1 union all select i + 1 from series where i < ${sql.lit(count)})`
    : sql``
  const source = sqlite ? sql`from series` : sql`from generate_series(1, ${sql.lit(count)}) as series(i)`
  const r = owner.requester
  const a = owner.approver
  await sql`
    ${series}
    insert into approval_request (
      connection_id, tool, model, arguments, arguments_sha256, summary,
      requester_uid, requester_login, requester_name, approver_uid, approver_login, approver_name,
      status, execution_status, requested_at, expires_at,
      decided_at, decided_by_uid, decided_by_login, decided_by_name,
      execution_started_at, execution_finished_at, result, result_truncated, activity_ids)
    select
      ${sql.lit(owner.connection_id)}, 'delete_record', 'sale.order',
      '{"id":' || ${text(sql`i`)} || ',"model":"sale.order"}',
      '0000000000000000000000000000000000000000000000000000000000000000',
      'Permanently delete 1 record on sale.order: S' || ${text(sql`i`)} || '.',
      ${sql.lit(r.uid)}, ${r.login}, ${r.name}, ${sql.lit(a.uid)}, ${a.login}, ${a.name},
      ${status},
      case when ${approved} then 'success' else 'pending' end,
      ${at(filed)},
      ${at(sql`(${filed} + ${sql.lit(4 * HOUR)})`)},
      case when ${decided} then ${at(decidedS)} end,
      case when ${decided} then ${sql.lit(a.uid)} end,
      case when ${decided} then ${a.login} end,
      case when ${decided} then ${a.name} end,
      case when ${approved} then ${at(sql`(${decidedS} + 1)`)} end,
      case when ${approved} then ${at(sql`(${decidedS} + 2)`)} end,
      case when ${approved} then '{"deleted_ids":[1]}' end,
      0, '[]'
    ${source}`.execute(store.db)
  if (!sqlite) await sql`analyze approval_request`.execute(store.db)
  if (kind === 'history') return []
  const due = await store.db
    .selectFrom('approval_request')
    .select('request_id')
    .where('status', '=', sql.lit('pending'))
    .where('expires_at', '<=', now.toISOString())
    .execute()
  return due.map((r) => r.request_id)
}

/** Puts requests the sweep expired back to pending, so the next sample has the same due rows. */
export async function reopen(store: Store, request_ids: readonly number[]): Promise<void> {
  for (let i = 0; i < request_ids.length; i += 500) {
    await store.db
      .updateTable('approval_request')
      .set({ status: 'pending' })
      .where('request_id', 'in', request_ids.slice(i, i + 500))
      .execute()
  }
}
