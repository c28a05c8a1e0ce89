/**
 * Creating and changing connections, for the CLI and the console alike: checks the owner's Odoo
 * credentials against Odoo, resolves the approver's login to an Odoo user, issues the MCP token
 * (returned once, stored only as a hash), encrypts the Odoo secret, and audits every change. A new
 * approver takes over the connection's pending requests in the same transaction (each move audited).
 * People also connect themselves (createOwnConnection: Countersign makes an Odoo API key for them
 * with their password, or takes a key they made, checked to be theirs). One rule is decided here
 * rather than by callers: rotation by anyone but the owner (or the operator) revokes the connection
 * and hands out no token, because a token for someone else's Odoo identity is that identity.
 * Does not decide who may see or change which connection (the console does; the CLI is the operator).
 */

import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { ApprovalRequest, OdooPerson } from '../domain/approval-request.js'
import { EFFECT_KINDS } from '../domain/effects/effect.js'
import { loosenings } from '../domain/policy.js'
import type { Profile } from '../domain/profile.js'
import { odooSecretContext, policyOf } from '../mcp/principal.js'
import { apiKeyName, type IssuedApiKey, issueApiKey, removeApiKeys } from '../odoo/api-keys.js'
import { OdooError } from '../odoo/errors.js'
import type { OdooClient, OdooSession } from '../odoo/types.js'
import { reassignPending } from '../store/approval-transitions.js'
import { appendAudit } from '../store/audit-log.js'
import {
  type Connection,
  type ConnectionPolicyPatch,
  connectionPolicyColumns,
  getActiveConnectionByGrant,
  getConnection,
  insertConnection,
  type NewConnection,
  revokeConnection,
  rotateConnectionToken,
  updateConnectionPolicy,
} from '../store/connections.js'
import { deleteOauthGrant } from '../store/oauth-records.js'
import type { SecretBox } from '../store/secret-box.js'
import type { Database } from '../store/tables.js'
import { hashToken, newConnectionToken, tokenPrefix } from '../store/tokens.js'
import { ODOO_TOOL_NAMES } from '../tools/catalog.js'
import { ConnectionError } from './connection-error.js'
import { newConnectionPolicy, pickProfile } from './usable-profiles.js'

export interface ManageDeps {
  db: Kysely<Database>
  odoo: OdooClient
  secrets: SecretBox
  clock: () => Date
  /**
   * Tells Odoo that pending requests changed approver (approvals/reassign.ts: the former approver's
   * activities done, the new approver's created), after the change is stored. Without it Odoo is not
   * told; the requests move all the same.
   */
  requestsReassigned?: (moved: ApprovalRequest[], by: string) => Promise<void>
}

/** Connecting oneself also reads which profiles one may use (has_group's shape differs by version). */
export type OwnDeps = ManageDeps & { odoo_major: number }

/** Who makes a change: an Odoo user in the console, or the operator at the command line. */
export type Changer = { kind: 'operator' } | { kind: 'user'; uid: number; login: string }

/** A person in the console, acting for themselves. */
export type Owner = { uid: number; login: string }

/** The AI clients the console offers by name; any other name may be typed. */
export const AI_CLIENTS: readonly string[] = Object.freeze([
  'Claude Desktop',
  'Claude Code',
  'Cursor',
  'claude.ai',
  'ChatGPT',
])

export { ConnectionError }

const toolName = z.enum(ODOO_TOOL_NAMES as [string, ...string[]])

const effectKind = z.enum(EFFECT_KINDS, {
  error: (issue) =>
    `'${String(issue.input).slice(0, 40)}' is not an effect kind: use ${EFFECT_KINDS.join(', ')}`,
})

/** Effect kinds, each at most once, kept in EFFECT_KINDS order so equal policies store equal text. */
const effectKinds = z
  .array(effectKind)
  .refine((kinds) => new Set(kinds).size === kinds.length, 'names an effect kind more than once')
  .transform((kinds) => EFFECT_KINDS.filter((k) => kinds.includes(k)))

export const policyInput = z
  .object({
    name: z.string().trim().min(1, 'give the connection a name').max(200),
    write_access: z.boolean(),
    allowed_tools: z.array(toolName).max(50),
    approval_tools: z.array(toolName).max(50),
    approval_effects: effectKinds,
    approver_login: z.string().trim().min(1).max(200).nullable(),
    approval_expiry_hours: z
      .number()
      .positive('must be a positive number of hours')
      .max(24 * 365),
  })
  .strict()

export type PolicyInput = z.infer<typeof policyInput>

export const createInput = policyInput.extend({
  odoo_login: z.string().trim().min(1, 'give the Odoo login the connection acts as').max(200),
  odoo_secret: z.string().min(1, 'give the Odoo API key (or password) of that user').max(1000),
})

/**
 * A connection someone makes for themselves: their password (Countersign makes an Odoo API key with
 * it and keeps only the key) or an Odoo API key they made (40 hex digits: a password there is
 * refused, so that none is ever stored), never both.
 */
export const ownInput = z
  .object({
    name: z.string().trim().min(1, 'give the connection a name').max(200),
    ai_client: z.string().trim().min(1, 'say which AI client it is for').max(100),
    password: z.string().max(1000).optional(),
    odoo_api_key: z
      .string()
      .trim()
      .max(1000)
      .optional()
      .refine((key) => !key || /^[0-9a-f]{40}$/i.test(key), {
        message:
          'paste an Odoo API key (40 characters from Preferences → Account Security), not a password; to use your password, choose that option instead',
      }),
    /** The profile picked; absent: the default profile of people like them. */
    profile_id: z.number().int().positive().optional(),
  })
  .strict()
  .refine((i) => Boolean(i.password) !== Boolean(i.odoo_api_key), {
    message: 'give either your Odoo password or an Odoo API key you made',
    path: ['password'],
  })

function invalid(error: z.ZodError): ConnectionError {
  return new ConnectionError(
    error.issues
      .map((i) => `${i.path.length > 0 ? z.core.toDotPath(i.path) : 'input'}: ${i.message}`)
      .join('; '),
  )
}

async function resolveUser(session: OdooSession, login: string): Promise<OdooPerson> {
  const [user] = await session.call<Array<{ id: number; login: string; name: string }>>(
    'res.users',
    'search_read',
    {
      kwargs: { domain: [['login', '=', login]], fields: ['login', 'name'], limit: 1 },
    },
  )
  if (!user) throw new ConnectionError(`unknown Odoo login '${login}' for the approver: no such active user`)
  return { uid: user.id, login: user.login, name: user.name }
}

export async function createConnection(
  deps: ManageDeps,
  raw: unknown,
  by: Changer,
): Promise<{ connection: Connection; token: string }> {
  const parsed = createInput.safeParse(raw)
  if (!parsed.success) throw invalid(parsed.error)
  const input = parsed.data
  // Refused here if wrong: a connection only ever holds credentials Odoo accepted.
  const session = await deps.odoo.authenticate({ login: input.odoo_login, secret: input.odoo_secret })
  const [owner] = await session.call<Array<{ name: string }>>('res.users', 'read', {
    ids: [session.uid],
    kwargs: { fields: ['name'] },
  })
  const approver = input.approver_login ? await resolveUser(session, input.approver_login) : null
  const token = newConnectionToken()
  const connection = await insertCreated(
    deps,
    {
      name: input.name,
      odoo_uid: session.uid,
      odoo_login: input.odoo_login,
      odoo_user_name: owner?.name ?? input.odoo_login,
      ...tokenColumns(token),
      odoo_secret_enc: deps.secrets.seal(input.odoo_secret, odooSecretContext(session.uid)),
      ...connectionPolicyColumns({ ...input, approver }),
      created_by: by.kind === 'user' ? { uid: by.uid, login: by.login } : null,
    },
    by,
    {},
  )
  return { connection, token }
}

/**
 * A connection `owner` makes for themselves, acting as themselves in Odoo with the policy
 * the profile they picked among those they may use (usable-profiles.ts; the default when they did
 * not pick). With their password, Countersign makes an Odoo API key named for
 * the AI client (odoo/api-keys.ts) and stores that key, encrypted; the password is used for that
 * alone. With a pasted key, Odoo must accept it for the owner's own login and uid. Audited.
 */
export async function createOwnConnection(
  deps: OwnDeps,
  raw: unknown,
  owner: Owner,
): Promise<{ connection: Connection; token: string }> {
  const parsed = ownInput.safeParse(raw)
  if (!parsed.success) throw invalid(parsed.error)
  const input = parsed.data
  let secret: string
  /** The key Countersign made in Odoo; null: the owner pasted one. */
  let made: MadeKey | null = null
  /** Takes back the key Countersign made when the connection is not made after all. */
  let takeBack = async () => {}
  if (input.password) {
    const password = input.password
    const issued = await issueApiKey(deps.odoo, {
      login: owner.login,
      password,
      key_name: apiKeyName(input.ai_client),
    })
    secret = issued.key
    made = issued
    takeBack = async () => {
      if (issued.id !== null)
        await removeApiKeys(deps.odoo, { login: owner.login, password, id: issued.id }).catch(() => 0)
    }
    if (issued.uid !== owner.uid) {
      // The login now names another Odoo user than the one logged in: keep nothing of theirs.
      await takeBack()
      throw new ConnectionError(`the Odoo login '${owner.login}' no longer names you in Odoo: log in again`)
    }
  } else {
    secret = input.odoo_api_key as string
  }
  try {
    return await storeOwnConnection(deps, { ...input, secret, made }, owner)
  } catch (error) {
    await takeBack()
    throw error
  }
}

async function storeOwnConnection(
  deps: OwnDeps,
  input: {
    name: string
    ai_client: string
    secret: string
    made: MadeKey | null
    profile_id?: number | undefined
  },
  owner: Owner,
): Promise<{ connection: Connection; token: string }> {
  const { secret, made } = input
  let session: OdooSession
  try {
    session = await deps.odoo.authenticate({ login: owner.login, secret })
  } catch (error) {
    if (error instanceof OdooError && error.kind === 'authentication_failed')
      throw new OdooError(
        'authentication_failed',
        `Odoo does not accept this API key for your login '${owner.login}': paste a key you made under your own Odoo user`,
        { cause: error },
      )
    throw error
  }
  if (session.uid !== owner.uid)
    throw new OdooError(
      'authentication_failed',
      `this API key belongs to another Odoo user than you ('${owner.login}'): paste a key of your own`,
    )
  const [me] = await session.call<Array<{ name: string }>>('res.users', 'read', {
    ids: [session.uid],
    kwargs: { fields: ['name'] },
  })
  // Picked here, with the session Odoo just opened: which profiles they may use is asked as them.
  const profile = await pickProfile(deps, session, input.profile_id)
  const token = newConnectionToken()
  const connection = await insertCreated(
    deps,
    {
      name: input.name,
      odoo_uid: owner.uid,
      odoo_login: owner.login,
      odoo_user_name: me?.name ?? owner.login,
      ...tokenColumns(token),
      odoo_secret_enc: deps.secrets.seal(secret, odooSecretContext(owner.uid)),
      ...newConnectionPolicy(profile),
      ai_client: input.ai_client,
      created_by: owner,
      ...madeKeyColumns(made),
    },
    { kind: 'user', ...owner },
    {
      ai_client: input.ai_client,
      odoo_key: made ? `made by Countersign: ${made.name}` : 'given by the owner',
    },
  )
  return { connection, token }
}

/**
 * The owner's new connection in place of one of theirs that was revoked (by them, by an
 * administrator, or by someone else's rotation): same name, client, policy and Odoo key, which Odoo
 * must still accept for them; a new token, shown to the owner. The revoked one stays revoked.
 */
export async function reissue(
  deps: ManageDeps,
  connection_id: number,
  owner: Owner,
): Promise<{ connection: Connection; token: string }> {
  const current = await getConnection(deps.db, connection_id)
  if (!current || current.odoo_uid !== owner.uid) throw new ConnectionError(`no connection ${connection_id}`)
  if (current.status !== 'revoked')
    throw new ConnectionError(`connection ${connection_id} is active: rotate its token instead`)
  const secret = deps.secrets.open(current.odoo_secret_enc, odooSecretContext(current.odoo_uid))
  const session = await deps.odoo.authenticate({ login: current.odoo_login, secret }).catch((error) => {
    if (error instanceof OdooError && error.kind === 'authentication_failed')
      throw new ConnectionError(
        'Odoo no longer accepts the API key of that connection (removed or expired in Odoo): connect again with your password or a new key',
      )
    throw error
  })
  if (session.uid !== owner.uid) throw new ConnectionError(`no connection ${connection_id}`)
  const token = newConnectionToken()
  const connection = await insertCreated(
    deps,
    {
      name: current.name,
      odoo_uid: current.odoo_uid,
      odoo_login: current.odoo_login,
      odoo_user_name: current.odoo_user_name,
      ...tokenColumns(token),
      odoo_secret_enc: current.odoo_secret_enc,
      ...connectionPolicyColumns(policyOf(current)),
      profile_id: current.profile_id,
      ai_client: current.ai_client,
      created_by: owner,
      odoo_key_name: current.odoo_key_name,
      odoo_key_id: current.odoo_key_id,
      odoo_key_expires_at: current.odoo_key_expires_at,
    },
    { kind: 'user', ...owner },
    { reissued_from: connection_id, ai_client: current.ai_client },
  )
  return { connection, token }
}

/**
 * Stores a new connection and its `connection_created` audit entry (what it is, who made it, its
 * policy, and `detail`) in one transaction.
 */
async function insertCreated(
  deps: Pick<ManageDeps, 'db' | 'clock'>,
  fields: NewConnection,
  by: Changer,
  detail: Record<string, unknown>,
): Promise<Connection> {
  const now = deps.clock()
  return deps.db.transaction().execute(async (trx) => {
    const created = await insertConnection(trx, fields, now)
    await appendAudit(trx, {
      at: now,
      event: 'connection_created',
      outcome: 'ok',
      connection_id: created.connection_id,
      ...changer(by),
      detail: { name: created.name, owner: created.odoo_login, ...detail, ...policyDetail(created) },
    })
    return created
  })
}

/** What a connection records of the Odoo API key Countersign made for it (odoo/api-keys.ts). */
export type MadeKey = Pick<IssuedApiKey, 'name' | 'id' | 'expires_at'>

/** That key as the connection's columns; all null when the owner gave the key. */
function madeKeyColumns(made: MadeKey | null) {
  return {
    odoo_key_name: made?.name ?? null,
    odoo_key_id: made?.id ?? null,
    odoo_key_expires_at: made?.expires_at ?? null,
  }
}

function tokenColumns(token: string) {
  return { token_hash: hashToken(token), token_prefix: tokenPrefix(token) }
}

/** A partial policy change; `approver_login: null` clears the approver. */
export async function updateConnection(
  deps: ManageDeps,
  connection_id: number,
  raw: unknown,
  by: Changer,
): Promise<Connection> {
  const parsed = policyInput.partial().safeParse(raw)
  if (!parsed.success) throw invalid(parsed.error)
  const input = parsed.data
  const current = await getConnection(deps.db, connection_id)
  if (!current) throw new ConnectionError(`no connection ${connection_id}`)
  const { name: _name, ...policyFields } = input
  if (current.profile_id !== null && Object.keys(policyFields).length > 0)
    throw new ConnectionError(
      `connection ${connection_id} takes its policy from profile ${current.profile_name}: change the profile, or put the connection on another one`,
    )
  const patch: ConnectionPolicyPatch = {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.write_access !== undefined && { write_access: input.write_access }),
    ...(input.allowed_tools !== undefined && { allowed_tools: input.allowed_tools }),
    ...(input.approval_tools !== undefined && { approval_tools: input.approval_tools }),
    ...(input.approval_effects !== undefined && { approval_effects: input.approval_effects }),
    ...(input.approval_expiry_hours !== undefined && { approval_expiry_hours: input.approval_expiry_hours }),
  }
  if (input.approver_login !== undefined) {
    if (input.approver_login === null) patch.approver = null
    else {
      const session = deps.odoo.session({
        login: current.odoo_login,
        uid: current.odoo_uid,
        secret: deps.secrets.open(current.odoo_secret_enc, odooSecretContext(current.odoo_uid)),
      })
      patch.approver = await resolveUser(session, input.approver_login)
    }
  }
  const after = { ...policyOf(current), ...patch }
  const loosened = loosenings(policyOf(current), {
    ...after,
    approver: patch.approver === undefined ? policyOf(current).approver : patch.approver,
  })
  // A requester may never loosen their own connection's policy, whatever else they are.
  if (by.kind === 'user' && by.uid === current.odoo_uid && loosened.length > 0) {
    throw new ConnectionError(
      `you cannot loosen the policy of your own connection (this change ${loosened.join(', ')}); ask another MCP administrator`,
    )
  }
  const now = deps.clock()
  const { updated, moved } = await deps.db.transaction().execute(async (trx) => {
    const updated = await updateConnectionPolicy(trx, connection_id, patch, now)
    if (!updated) throw new ConnectionError(`no connection ${connection_id}`)
    await appendAudit(trx, {
      at: now,
      event: 'connection_updated',
      outcome: 'ok',
      connection_id,
      ...changer(by),
      detail: { before: policyDetail(current), after: policyDetail(updated), loosened },
    })
    // Pending requests follow the connection's approver: the former one may no longer see or decide
    // them. Decided requests keep who was assigned when they were decided.
    const moved =
      patch.approver === undefined ? [] : await movePendingOf(trx, connection_id, patch.approver, by, now)
    return { updated, moved }
  })
  if (moved.length > 0) await deps.requestsReassigned?.(moved, changer(by).actor_login)
  return updated
}

/**
 * The connection an MCP client was authorised for over OAuth (oauth/consent-routes.ts), owned by the
 * person who consented and acting with the Odoo API key just made for them. Its bearer is an OAuth
 * access token of `oauth_grant_id`; its `token_hash` is that of a random value nobody ever sees.
 */
export async function createOAuthConnection(
  deps: Pick<ManageDeps, 'db' | 'secrets' | 'clock'>,
  input: {
    name: string
    owner: OdooPerson
    odoo_api_key: string
    /** The profile picked at consent (usable-profiles.ts pickProfile). */
    profile: Profile
    /** The Odoo API key made for it at consent. */
    made: MadeKey
    oauth_client_id: string
    oauth_grant_id: string
  },
): Promise<Connection> {
  const { owner } = input
  return insertCreated(
    deps,
    {
      name: input.name.slice(0, 200),
      odoo_uid: owner.uid,
      odoo_login: owner.login,
      odoo_user_name: owner.name,
      // Its bearer is an access token of its grant; this token is never handed to anyone.
      token_hash: hashToken(newConnectionToken()),
      token_prefix: 'oauth',
      odoo_secret_enc: deps.secrets.seal(input.odoo_api_key, odooSecretContext(owner.uid)),
      ...newConnectionPolicy(input.profile),
      ai_client: input.name.slice(0, 100),
      created_by: { uid: owner.uid, login: owner.login },
      ...madeKeyColumns(input.made),
      oauth_client_id: input.oauth_client_id,
      oauth_grant_id: input.oauth_grant_id,
    },
    { kind: 'user', uid: owner.uid, login: owner.login },
    { oauth_client_id: input.oauth_client_id },
  )
}

/**
 * Revokes the connection of an OAuth grant the client itself ended (oauth/provider.ts): nothing can
 * use it any more. Nothing happens when the connection is already revoked or there is none.
 */
export async function revokeForEndedGrant(
  deps: Pick<ManageDeps, 'db' | 'clock'>,
  oauth_grant_id: string,
): Promise<void> {
  const now = deps.clock()
  await deps.db.transaction().execute(async (trx) => {
    const connection = await getActiveConnectionByGrant(trx, oauth_grant_id)
    if (!connection || !(await revokeConnection(trx, connection.connection_id, now))) return
    await appendAudit(trx, {
      at: now,
      event: 'connection_revoked',
      outcome: 'ok',
      connection_id: connection.connection_id,
      actor_login: 'OAuth client',
      detail: { reason: 'the client revoked its authorisation', oauth_client_id: connection.oauth_client_id },
    })
  })
}

export async function revoke(
  deps: ManageDeps,
  connection_id: number,
  by: Changer,
  detail?: Record<string, unknown>,
): Promise<void> {
  const now = deps.clock()
  await deps.db.transaction().execute(async (trx) => {
    if (!(await revokeConnection(trx, connection_id, now))) {
      throw new ConnectionError(`no active connection ${connection_id} (unknown or already revoked)`)
    }
    // An OAuth connection's tokens go with it (the status check at /mcp refuses them anyway).
    const revoked = await getConnection(trx, connection_id)
    if (revoked?.oauth_grant_id) await deleteOauthGrant(trx, revoked.oauth_grant_id)
    await appendAudit(trx, {
      at: now,
      event: 'connection_revoked',
      outcome: 'ok',
      connection_id,
      ...changer(by),
      ...(detail && { detail }),
    })
  })
}

/**
 * What rotating gave: a new token (the owner, or the operator, who already holds the Odoo key), or
 * the connection revoked and no token (anyone else: the owner re-issues it from their console).
 */
export type Rotation = { kind: 'rotated'; token: string } | { kind: 'revoked' }

export async function rotate(deps: ManageDeps, connection_id: number, by: Changer): Promise<Rotation> {
  if (by.kind === 'user') {
    const current = await getConnection(deps.db, connection_id)
    if (!current) throw new ConnectionError(`no active connection ${connection_id} (unknown or revoked)`)
    if (current.odoo_uid !== by.uid) {
      await revoke(deps, connection_id, by, {
        reason: 'rotated by someone other than its owner: revoked, no new token; the owner re-issues it',
      })
      return { kind: 'revoked' }
    }
  }
  return { kind: 'rotated', token: await rotateToken(deps, connection_id, by) }
}

async function rotateToken(deps: ManageDeps, connection_id: number, by: Changer): Promise<string> {
  // A token for an OAuth connection would be a second, unexpiring way in beside its client's grant.
  if ((await getConnection(deps.db, connection_id))?.oauth_client_id)
    throw new ConnectionError(
      `connection ${connection_id} was authorised over OAuth and has no token to rotate: revoke it, and its client signs in again`,
    )
  const token = newConnectionToken()
  const now = deps.clock()
  await deps.db.transaction().execute(async (trx) => {
    const rotated = await rotateConnectionToken(trx, connection_id, tokenColumns(token), now)
    if (!rotated) throw new ConnectionError(`no active connection ${connection_id} (unknown or revoked)`)
    await appendAudit(trx, {
      at: now,
      event: 'connection_rotated',
      outcome: 'ok',
      connection_id,
      ...changer(by),
    })
  })
  return token
}

/**
 * Moves a connection's pending requests to `approver` (the former one may no longer see or decide
 * them), each move audited; the caller tells Odoo after the transaction (`requestsReassigned`).
 */
export async function movePendingOf(
  trx: Kysely<Database>,
  connection_id: number,
  approver: OdooPerson | null,
  by: Changer,
  now: Date,
): Promise<ApprovalRequest[]> {
  const moved = await reassignPending(trx, connection_id, approver)
  for (const request of moved) {
    await appendAudit(trx, {
      at: now,
      event: 'request_reassigned',
      outcome: 'ok',
      connection_id,
      request_id: request.request_id,
      ...changer(by),
      tool: request.tool,
      model: request.model,
      detail: { from: request.approver_login, to: approver?.login ?? null },
    })
  }
  return moved
}

/** The audit columns naming who made a change. */
export function changer(by: Changer) {
  return by.kind === 'user'
    ? { actor_uid: by.uid, actor_login: by.login }
    : { actor_login: 'operator (command line)' }
}

function policyDetail(c: Connection) {
  return {
    write_access: c.write_access,
    allowed_tools: c.allowed_tools,
    approval_tools: c.approval_tools,
    approval_effects: c.approval_effects,
    approver: c.approver_login,
    approval_expiry_hours: c.approval_expiry_hours,
  }
}
