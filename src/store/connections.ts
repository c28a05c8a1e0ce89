/**
 * Queries on the `connection` table, and the one mapping from its rows to `Connection` objects.
 * A connection on a policy profile (migration 0010) is read with that profile's policy, joined in
 * the same query, so its policy fields are always the effective ones and an MCP call costs no extra
 * query. Stores only what it is given: hashing the token and encrypting the Odoo secret happen before
 * (tokens.ts, secret-box.ts), so neither exists here in clear. Does not check who may change a
 * connection's policy; the caller has.
 */
import { type Kysely, type Selectable, sql } from 'kysely'
import type { OdooPerson } from '../domain/approval-request.js'
import { type EffectKind, isEffectKind } from '../domain/effects/effect.js'
import type { ConnectionPolicy } from '../domain/policy.js'
import { engineOf } from './engine.js'
import { StoreError } from './store-error.js'
import type { ConnectionTable, Database } from './tables.js'
import { bit, iso, isoOrNull, parseStringList, toDate, toDateOrNull } from './values.js'

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
  /**
   * The policy profile the policy fields above come from (as that profile is now); null: the
   * connection's own policy.
   */
  profile_id: number | null
  profile_name: string | null
  /** The AI client as its owner named it; null when not given (the CLI, older connections). */
  ai_client: string | null
  /** Who created it in the console; null: the operator at the command line (or not recorded). */
  created_by: { uid: number; login: string } | null
  /** The name of the Odoo API key Countersign made in Odoo for it; null: the secret was given to Countersign. */
  odoo_key_name: string | null
  /** That key's `res.users.apikeys` id in Odoo, to delete exactly it; null: not known. */
  odoo_key_id: number | null
  /** When Odoo stops accepting that key (Odoo 18+ for non-administrators); null: never, or not known. */
  odoo_key_expires_at: Date | null
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
> & {
  /** A profile whose policy the connection takes instead of the fields above; default none. */
  profile_id?: number | null
} & Partial<
    Pick<
      Connection,
      | 'ai_client'
      | 'created_by'
      | 'odoo_key_name'
      | 'odoo_key_id'
      | 'odoo_key_expires_at'
      | 'oauth_client_id'
      | 'oauth_grant_id'
    >
  >

/** A policy as the columns of a new connection (lists copied, the approver spread out). */
export function connectionPolicyColumns(
  policy: Omit<ConnectionPolicy, 'approver'> & { approver: OdooPerson | null },
): Pick<
  NewConnection,
  | 'write_access'
  | 'allowed_tools'
  | 'approval_tools'
  | 'approval_effects'
  | 'approver_uid'
  | 'approver_login'
  | 'approver_name'
  | 'approval_expiry_hours'
> {
  return {
    write_access: policy.write_access,
    allowed_tools: [...policy.allowed_tools],
    approval_tools: [...policy.approval_tools],
    approval_effects: [...policy.approval_effects],
    approver_uid: policy.approver?.uid ?? null,
    approver_login: policy.approver?.login ?? null,
    approver_name: policy.approver?.name ?? null,
    approval_expiry_hours: policy.approval_expiry_hours,
  }
}

/**
 * The connection's approver now (null: nobody), read in the transaction that files a request. On
 * PostgreSQL the row stays share-locked until that transaction ends, so a change of approver (which
 * moves the pending requests in its own transaction, connections/manage.ts) waits for the filing,
 * or the filing for it: no request is ever filed for a former approver. SQLite has one writer.
 */
export async function approverOf(db: Kysely<Database>, connection_id: number): Promise<OdooPerson | null> {
  let query = db
    .selectFrom('connection')
    .select(['approver_uid', 'approver_login', 'approver_name', 'profile_id'])
    .where('connection_id', '=', connection_id)
  if (engineOf(db) === 'postgres') query = query.forShare()
  const row = await query.executeTakeFirst()
  if (!row) return null
  // The profile's approver in a statement of its own, after the lock: a change of that approver
  // locks every connection on the profile first (lockConnectionsOnProfile), so once this filing
  // holds the row, a fresh statement sees the profile as that change committed it.
  const person =
    row.profile_id === null
      ? row
      : await db
          .selectFrom('policy_profile')
          .select(['approver_uid', 'approver_login', 'approver_name'])
          .where('profile_id', '=', row.profile_id)
          .executeTakeFirst()
  if (!person || person.approver_uid === null) return null
  return { uid: person.approver_uid, login: person.approver_login ?? '', name: person.approver_name ?? '' }
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

/** The profile columns a connection row is read with (null without a profile). */
export interface ProfileColumnsOfConnection {
  profile_name: string | null
  profile_write_access: number | null
  profile_allowed_tools: string | null
  profile_approval_tools: string | null
  profile_approval_effects: string | null
  profile_approver_uid: number | null
  profile_approver_login: string | null
  profile_approver_name: string | null
  profile_approval_expiry_hours: number | null
}

/** The policy columns as stored, on a connection or on its profile. */
type PolicyColumns = Pick<
  Selectable<ConnectionTable>,
  | 'write_access'
  | 'allowed_tools'
  | 'approval_tools'
  | 'approval_effects'
  | 'approver_uid'
  | 'approver_login'
  | 'approver_name'
  | 'approval_expiry_hours'
>

/**
 * The policy columns that apply: the connection's own, or its profile's. A row on a profile read
 * without the profile's columns is a bug here, not something to read as the connection's own
 * (possibly looser) policy.
 */
function effectiveColumns(row: Selectable<ConnectionTable> & ProfileColumnsOfConnection): PolicyColumns {
  if (row.profile_id === null) return row
  if (
    row.profile_write_access === null ||
    row.profile_allowed_tools === null ||
    row.profile_approval_tools === null ||
    row.profile_approval_effects === null ||
    row.profile_approval_expiry_hours === null
  )
    throw new StoreError(
      'corrupt',
      `connection ${row.connection_id} names a profile that was not read with it`,
    )
  return {
    write_access: row.profile_write_access,
    allowed_tools: row.profile_allowed_tools,
    approval_tools: row.profile_approval_tools,
    approval_effects: row.profile_approval_effects,
    approver_uid: row.profile_approver_uid,
    approver_login: row.profile_approver_login,
    approver_name: row.profile_approver_name,
    approval_expiry_hours: row.profile_approval_expiry_hours,
  }
}

/** Maps a row read by `selectConnections`: with a profile, the policy fields are the profile's. */
export function connectionFromRow(row: Selectable<ConnectionTable> & ProfileColumnsOfConnection): Connection {
  const policy = effectiveColumns(row)
  const source = row.profile_id === null ? 'connection' : 'policy_profile'
  return {
    connection_id: row.connection_id,
    name: row.name,
    odoo_uid: row.odoo_uid,
    odoo_login: row.odoo_login,
    odoo_user_name: row.odoo_user_name,
    token_hash: row.token_hash,
    token_prefix: row.token_prefix,
    odoo_secret_enc: row.odoo_secret_enc,
    write_access: policy.write_access === 1,
    allowed_tools: parseStringList(policy.allowed_tools, `${source}.allowed_tools`),
    approval_tools: parseStringList(policy.approval_tools, `${source}.approval_tools`),
    approval_effects: parseEffectKinds(policy.approval_effects, `${source}.approval_effects`),
    approver_uid: policy.approver_uid,
    approver_login: policy.approver_login,
    approver_name: policy.approver_name,
    approval_expiry_hours: Number(policy.approval_expiry_hours),
    status: row.status as ConnectionStatus,
    created_at: toDate(row.created_at),
    updated_at: toDate(row.updated_at),
    revoked_at: toDateOrNull(row.revoked_at),
    last_used_at: toDateOrNull(row.last_used_at),
    request_count: row.request_count,
    profile_id: row.profile_id,
    profile_name: row.profile_name,
    ai_client: row.ai_client ?? null,
    created_by:
      row.created_by_uid === null || row.created_by_uid === undefined
        ? null
        : { uid: row.created_by_uid, login: row.created_by_login ?? '' },
    odoo_key_name: row.odoo_key_name ?? null,
    odoo_key_id: row.odoo_key_id ?? null,
    odoo_key_expires_at: toDateOrNull(row.odoo_key_expires_at ?? null),
    oauth_client_id: row.oauth_client_id,
    oauth_grant_id: row.oauth_grant_id,
  }
}

/** Connections with the policy of their profile, when they have one: one query, a left join. */
function selectConnections(db: Kysely<Database>) {
  return db
    .selectFrom('connection')
    .leftJoin('policy_profile as p', 'p.profile_id', 'connection.profile_id')
    .selectAll('connection')
    .select([
      'p.name as profile_name',
      'p.write_access as profile_write_access',
      'p.allowed_tools as profile_allowed_tools',
      'p.approval_tools as profile_approval_tools',
      'p.approval_effects as profile_approval_effects',
      'p.approver_uid as profile_approver_uid',
      'p.approver_login as profile_approver_login',
      'p.approver_name as profile_approver_name',
      'p.approval_expiry_hours as profile_approval_expiry_hours',
    ])
}

/**
 * A stored list of effect kinds. A kind this version does not know is a corrupt row, not something
 * to drop quietly: dropping it would gate less than the administrator chose.
 */
export function parseEffectKinds(text: string, column: string): EffectKind[] {
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
export function effectKindsText(kinds: readonly EffectKind[]): string {
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
      profile_id: input.profile_id ?? null,
      ai_client: input.ai_client ?? null,
      created_by_uid: input.created_by?.uid ?? null,
      created_by_login: input.created_by?.login ?? null,
      odoo_key_name: input.odoo_key_name ?? null,
      odoo_key_id: input.odoo_key_id ?? null,
      odoo_key_expires_at: isoOrNull(input.odoo_key_expires_at),
      oauth_client_id: input.oauth_client_id ?? null,
      oauth_grant_id: input.oauth_grant_id ?? null,
      status: 'active',
      created_at: iso(now),
      updated_at: iso(now),
    })
    .returning('connection_id')
    .executeTakeFirstOrThrow()
  return readBack(db, row.connection_id)
}

/** The row just written, read as every connection is read (with its profile's policy). */
async function readBack(db: Kysely<Database>, connection_id: number): Promise<Connection> {
  const connection = await getConnection(db, connection_id)
  if (!connection) throw new StoreError('failed', `connection ${connection_id} vanished after it was written`)
  return connection
}

export async function getConnection(
  db: Kysely<Database>,
  connection_id: number,
): Promise<Connection | undefined> {
  const row = await selectConnections(db)
    .where('connection.connection_id', '=', connection_id)
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
  let query = selectConnections(db).where('connection.token_hash', '=', token_hash)
  if (status !== 'any') query = query.where('connection.status', '=', status)
  const row = await query.executeTakeFirst()
  return row && connectionFromRow(row)
}

/** The active connection an OAuth grant acts as (src/oauth/bearer.ts); a revoked one finds nothing. */
export async function getActiveConnectionByGrant(
  db: Kysely<Database>,
  oauth_grant_id: string,
): Promise<Connection | undefined> {
  const row = await selectConnections(db)
    .where('connection.oauth_grant_id', '=', oauth_grant_id)
    .where('connection.status', '=', 'active')
    .executeTakeFirst()
  return row && connectionFromRow(row)
}

export interface ConnectionFilter {
  status?: ConnectionStatus
  /** Only connections acting as this Odoo user. */
  odoo_uid?: number
  /** Only connections on this policy profile. */
  profile_id?: number
}

/** Connections in creation order. A deployment has tens of them, so there is no paging. */
export async function listConnections(
  db: Kysely<Database>,
  filter: ConnectionFilter = {},
): Promise<Connection[]> {
  let query = selectConnections(db).orderBy('connection.connection_id')
  if (filter.status !== undefined) query = query.where('connection.status', '=', filter.status)
  if (filter.odoo_uid !== undefined) query = query.where('connection.odoo_uid', '=', filter.odoo_uid)
  if (filter.profile_id !== undefined) query = query.where('connection.profile_id', '=', filter.profile_id)
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
    .returning('connection_id')
    .executeTakeFirst()
  return row && readBack(db, row.connection_id)
}

/**
 * Puts a connection on a profile, or (`null`) back on its own policy, which becomes `own`: the
 * caller passes the policy the connection had on its profile, so leaving a profile loosens nothing.
 */
export async function setConnectionProfile(
  db: Kysely<Database>,
  connection_id: number,
  change: { profile_id: number } | { profile_id: null; own: ConnectionPolicy },
  now: Date,
): Promise<Connection | undefined> {
  const own = change.profile_id === null ? change.own : null
  const row = await db
    .updateTable('connection')
    .set({
      profile_id: change.profile_id,
      updated_at: iso(now),
      ...(own && {
        write_access: bit(own.write_access),
        allowed_tools: JSON.stringify(own.allowed_tools),
        approval_tools: JSON.stringify(own.approval_tools),
        approval_effects: effectKindsText(own.approval_effects),
        approver_uid: own.approver?.uid ?? null,
        approver_login: own.approver?.login ?? null,
        approver_name: own.approver?.name ?? null,
        approval_expiry_hours: own.approval_expiry_hours,
      }),
    })
    .where('connection_id', '=', connection_id)
    .returning('connection_id')
    .executeTakeFirst()
  return row && readBack(db, row.connection_id)
}

/**
 * Inside a transaction that changes a profile's approver: holds every connection on the profile
 * until it ends, so a filing (which share-locks its connection in `approverOf`) either ends before,
 * and its request is moved with the others, or starts after and reads the new approver. SQLite has
 * one writer, so the change's own writes already serialise it.
 */
export async function lockConnectionsOnProfile(trx: Kysely<Database>, profile_id: number): Promise<void> {
  if (engineOf(trx) === 'postgres')
    await sql`select connection_id from connection where profile_id = ${profile_id} for no key update`.execute(
      trx,
    )
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
