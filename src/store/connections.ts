/**
 * Queries on the `connection` table, and the one mapping from its rows to `Connection` objects.
 * Stores only what it is given: hashing the token and encrypting the Odoo secret happen before
 * (tokens.ts, secret-box.ts), so neither exists here in clear. Does not check who may change a
 * connection's policy; the caller has.
 */
import { type Kysely, type Selectable, sql } from 'kysely'
import type { OdooPerson } from '../domain/approval-request.js'
import { type EffectKind, isEffectKind } from '../domain/effects/effect.js'
import { engineOf } from './engine.js'
import { StoreError } from './store-error.js'
import type { ConnectionTable, Database } from './tables.js'
import { bit, iso, parseStringList, toDate, toDateOrNull } from './values.js'

export type ConnectionStatus = 'active' | 'revoked'

export interface Connection {
  connection_id: number
  name: string
  odoo_uid: number
  odoo_login: string
  odoo_user_name: string
  token_hash: string
  token_prefix: string
  /** The Odoo password or API key, encrypted (secret-box.ts). Never render it. */
  odoo_secret_enc: string
  write_access: boolean
  allowed_tools: string[]
  approval_tools: string[]
  /** Effect kinds that need approval whatever tool carries them; in EFFECT_KINDS order. */
  approval_effects: EffectKind[]
  approver_uid: number | null
  approver_login: string | null
  approver_name: string | null
  approval_expiry_hours: number
  status: ConnectionStatus
  created_at: Date
  updated_at: Date
  revoked_at: Date | null
  last_used_at: Date | null
  request_count: number
  /** The OAuth client an MCP client was authorised as (src/oauth/); null for a token connection. */
  oauth_client_id: string | null
  /** The oidc-provider grant whose access tokens act as this connection; null for a token connection. */
  oauth_grant_id: string | null
}

/** What the caller decides at creation; ids, times, status and counters are the store's. */
export type NewConnection = Pick<
  Connection,
  | 'name'
  | 'odoo_uid'
  | 'odoo_login'
  | 'odoo_user_name'
  | 'token_hash'
  | 'token_prefix'
  | 'odoo_secret_enc'
  | 'write_access'
  | 'allowed_tools'
  | 'approval_tools'
  | 'approval_effects'
  | 'approver_uid'
  | 'approver_login'
  | 'approver_name'
  | 'approval_expiry_hours'
> &
  Partial<Pick<Connection, 'oauth_client_id' | 'oauth_grant_id'>>

/**
 * The connection's approver now (null: nobody), read in the transaction that files a request. On
 * PostgreSQL the row stays share-locked until that transaction ends, so a change of approver (which
 * moves the pending requests in its own transaction, connections/manage.ts) waits for the filing,
 * or the filing for it: no request is ever filed for a former approver. SQLite has one writer.
 */
export async function approverOf(db: Kysely<Database>, connection_id: number): Promise<OdooPerson | null> {
  let query = db
    .selectFrom('connection')
    .select(['approver_uid', 'approver_login', 'approver_name'])
    .where('connection_id', '=', connection_id)
  if (engineOf(db) === 'postgres') query = query.forShare()
  const row = await query.executeTakeFirst()
  if (!row || row.approver_uid === null) return null
  return { uid: row.approver_uid, login: row.approver_login ?? '', name: row.approver_name ?? '' }
}

/**
 * The fields an MCP administrator may change; absent = unchanged. The approver is set or cleared as
 * one person (`null` = nobody), so its uid, login and name cannot disagree.
 */
export interface ConnectionPolicyPatch {
  name?: string
  write_access?: boolean
  allowed_tools?: string[]
  approval_tools?: string[]
  approval_effects?: EffectKind[]
  approver?: OdooPerson | null
  approval_expiry_hours?: number
}

export function connectionFromRow(row: Selectable<ConnectionTable>): Connection {
  return {
    connection_id: row.connection_id,
    name: row.name,
    odoo_uid: row.odoo_uid,
    odoo_login: row.odoo_login,
    odoo_user_name: row.odoo_user_name,
    token_hash: row.token_hash,
    token_prefix: row.token_prefix,
    odoo_secret_enc: row.odoo_secret_enc,
    write_access: row.write_access === 1,
    allowed_tools: parseStringList(row.allowed_tools, 'connection.allowed_tools'),
    approval_tools: parseStringList(row.approval_tools, 'connection.approval_tools'),
    approval_effects: parseEffectKinds(row.approval_effects, 'connection.approval_effects'),
    approver_uid: row.approver_uid,
    approver_login: row.approver_login,
    approver_name: row.approver_name,
    approval_expiry_hours: Number(row.approval_expiry_hours),
    status: row.status as ConnectionStatus,
    created_at: toDate(row.created_at),
    updated_at: toDate(row.updated_at),
    revoked_at: toDateOrNull(row.revoked_at),
    last_used_at: toDateOrNull(row.last_used_at),
    request_count: row.request_count,
    oauth_client_id: row.oauth_client_id,
    oauth_grant_id: row.oauth_grant_id,
  }
}

/**
 * A stored list of effect kinds. A kind this version does not know is a corrupt row, not something
 * to drop quietly: dropping it would gate less than the administrator chose.
 */
function parseEffectKinds(text: string, column: string): EffectKind[] {
  const list = parseStringList(text, column)
  const unknown = list.filter((k) => !isEffectKind(k))
  if (unknown.length > 0)
    throw new StoreError('corrupt', `column ${column} holds unknown effect kinds: ${JSON.stringify(unknown)}`)
  return list as EffectKind[]
}

/**
 * The text stored for a list of effect kinds. Refuses, like a CHECK constraint would, a kind that
 * would not read back (callers validate first; this catches their bugs before a row is written).
 */
function effectKindsText(kinds: readonly EffectKind[]): string {
  const unknown = kinds.filter((k) => !isEffectKind(k))
  if (unknown.length > 0)
    throw new StoreError('constraint', `cannot store unknown effect kinds: ${JSON.stringify(unknown)}`)
  return JSON.stringify(kinds)
}

export async function insertConnection(
  db: Kysely<Database>,
  input: NewConnection,
  now: Date,
): Promise<Connection> {
  const row = await db
    .insertInto('connection')
    .values({
      name: input.name,
      odoo_uid: input.odoo_uid,
      odoo_login: input.odoo_login,
      odoo_user_name: input.odoo_user_name,
      token_hash: input.token_hash,
      token_prefix: input.token_prefix,
      odoo_secret_enc: input.odoo_secret_enc,
      write_access: bit(input.write_access),
      allowed_tools: JSON.stringify(input.allowed_tools),
      approval_tools: JSON.stringify(input.approval_tools),
      approval_effects: effectKindsText(input.approval_effects),
      approver_uid: input.approver_uid,
      approver_login: input.approver_login,
      approver_name: input.approver_name,
      approval_expiry_hours: input.approval_expiry_hours,
      oauth_client_id: input.oauth_client_id ?? null,
      oauth_grant_id: input.oauth_grant_id ?? null,
      status: 'active',
      created_at: iso(now),
      updated_at: iso(now),
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return connectionFromRow(row)
}

export async function getConnection(
  db: Kysely<Database>,
  connection_id: number,
): Promise<Connection | undefined> {
  const row = await db
    .selectFrom('connection')
    .selectAll()
    .where('connection_id', '=', connection_id)
    .executeTakeFirst()
  return row && connectionFromRow(row)
}

/**
 * The connection a bearer token belongs to, by the token's hash. Active connections only unless
 * `status` says otherwise, so a revoked token finds nothing.
 */
export async function getConnectionByTokenHash(
  db: Kysely<Database>,
  token_hash: string,
  status: ConnectionStatus | 'any' = 'active',
): Promise<Connection | undefined> {
  let query = db.selectFrom('connection').selectAll().where('token_hash', '=', token_hash)
  if (status !== 'any') query = query.where('status', '=', status)
  const row = await query.executeTakeFirst()
  return row && connectionFromRow(row)
}

/** The active connection an OAuth grant acts as (src/oauth/bearer.ts); a revoked one finds nothing. */
export async function getActiveConnectionByGrant(
  db: Kysely<Database>,
  oauth_grant_id: string,
): Promise<Connection | undefined> {
  const row = await db
    .selectFrom('connection')
    .selectAll()
    .where('oauth_grant_id', '=', oauth_grant_id)
    .where('status', '=', 'active')
    .executeTakeFirst()
  return row && connectionFromRow(row)
}

export interface ConnectionFilter {
  status?: ConnectionStatus
  /** Only connections acting as this Odoo user. */
  odoo_uid?: number
}

/** Connections in creation order. A deployment has tens of them, so there is no paging. */
export async function listConnections(
  db: Kysely<Database>,
  filter: ConnectionFilter = {},
): Promise<Connection[]> {
  let query = db.selectFrom('connection').selectAll().orderBy('connection_id')
  if (filter.status !== undefined) query = query.where('status', '=', filter.status)
  if (filter.odoo_uid !== undefined) query = query.where('odoo_uid', '=', filter.odoo_uid)
  return (await query.execute()).map(connectionFromRow)
}

/** Applies a policy patch; returns the connection as it now is, or undefined when there is none. */
export async function updateConnectionPolicy(
  db: Kysely<Database>,
  connection_id: number,
  patch: ConnectionPolicyPatch,
  now: Date,
): Promise<Connection | undefined> {
  const row = await db
    .updateTable('connection')
    .set({
      updated_at: iso(now),
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.write_access !== undefined && { write_access: bit(patch.write_access) }),
      ...(patch.allowed_tools !== undefined && { allowed_tools: JSON.stringify(patch.allowed_tools) }),
      ...(patch.approval_tools !== undefined && { approval_tools: JSON.stringify(patch.approval_tools) }),
      ...(patch.approval_effects !== undefined && {
        approval_effects: effectKindsText(patch.approval_effects),
      }),
      ...(patch.approval_expiry_hours !== undefined && {
        approval_expiry_hours: patch.approval_expiry_hours,
      }),
      ...(patch.approver !== undefined && {
        approver_uid: patch.approver?.uid ?? null,
        approver_login: patch.approver?.login ?? null,
        approver_name: patch.approver?.name ?? null,
      }),
    })
    .where('connection_id', '=', connection_id)
    .returningAll()
    .executeTakeFirst()
  return row && connectionFromRow(row)
}

/** Revokes an active connection; false when it was already revoked or does not exist. */
export async function revokeConnection(
  db: Kysely<Database>,
  connection_id: number,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('connection')
    .set({ status: 'revoked', revoked_at: iso(now), updated_at: iso(now) })
    .where('connection_id', '=', connection_id)
    .where('status', '=', 'active')
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/**
 * Replaces an active connection's token: the old hash stops matching in the same statement.
 * False when the connection is revoked or does not exist (a revoked connection stays revoked).
 */
export async function rotateConnectionToken(
  db: Kysely<Database>,
  connection_id: number,
  token: { token_hash: string; token_prefix: string },
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('connection')
    .set({ token_hash: token.token_hash, token_prefix: token.token_prefix, updated_at: iso(now) })
    .where('connection_id', '=', connection_id)
    .where('status', '=', 'active')
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** Records one use: one UPDATE incrementing in SQL, so concurrent requests each count. */
export async function touchConnection(db: Kysely<Database>, connection_id: number, now: Date): Promise<void> {
  await db
    .updateTable('connection')
    .set((eb) => ({ last_used_at: iso(now), request_count: eb('request_count', '+', 1) }))
    .where('connection_id', '=', connection_id)
    .execute()
}

/**
 * Adds `count` uses at once (the MCP usage counter's flush): one UPDATE adding in SQL, so replicas
 * flushing at the same time each count; `last_used_at` only moves forward.
 */
export async function addConnectionUse(
  db: Kysely<Database>,
  connection_id: number,
  count: number,
  last_used_at: Date,
): Promise<void> {
  const at = iso(last_used_at)
  await db
    .updateTable('connection')
    .set((eb) => ({
      request_count: eb('request_count', '+', count),
      last_used_at: eb
        .case()
        .when(eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
        .then(at)
        .else(eb.ref('last_used_at'))
        .end(),
    }))
    .where('connection_id', '=', connection_id)
    .execute()
}

/**
 * Inside a transaction: makes every other filing of this connection, in any process or replica,
 * wait until this transaction ends, so what filing counts and checks (its limits, an identical
 * pending request) cannot change before it inserts. PostgreSQL: the connection's row lock (NO KEY UPDATE,
 * so foreign-key checks and readers are not held up). SQLite has one writer per database: a write
 * first takes that lock now, so another process's filing waits here (busy_timeout) and then reads
 * what this one wrote, instead of failing when it writes later. The write changes nothing.
 */
export async function lockConnectionForFiling(trx: Kysely<Database>, connection_id: number): Promise<void> {
  if (engineOf(trx) === 'postgres')
    await sql`select connection_id from connection where connection_id = ${connection_id} for no key update`.execute(
      trx,
    )
  else
    await sql`update connection set request_count = request_count where connection_id = ${connection_id}`.execute(
      trx,
    )
}
