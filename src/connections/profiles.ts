/**
 * Policy profiles (issue 13), for the CLI and the console alike: administrators create, change and
 * delete profiles; a connection is put on a profile by an administrator (`setProfile`) or, among the
 * profiles its owner may use and never loosening, by its owner (`chooseProfile`; which profiles a
 * person may use: usable-profiles.ts). Every change is audited; a profile's new approver takes over
 * the pending requests of every connection on it, as a connection's does (manage.ts). Does not decide who is an
 * administrator: callers check that before `createProfile`, `updateProfile`, `deleteProfile` and
 * `setProfile`.
 */
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { ApprovalRequest, OdooPerson } from '../domain/approval-request.js'
import { loosenings } from '../domain/policy.js'
import { chooseAmong, type Profile, XML_ID } from '../domain/profile.js'
import { odooSecretContext, policyOf } from '../mcp/principal.js'
import type { OdooClient, OdooSession } from '../odoo/types.js'
import { appendAudit } from '../store/audit-log.js'
import {
  type Connection,
  getConnection,
  listConnections,
  lockConnectionsOnProfile,
  setConnectionProfile,
} from '../store/connections.js'
import {
  clearDefault,
  connectionsOnProfile,
  deleteProfile as deleteProfileRow,
  getProfile,
  getProfileByName,
  insertProfile,
  type NewProfile,
  replaceProfile,
  type StoredProfile,
} from '../store/profiles.js'
import type { SecretBox } from '../store/secret-box.js'
import type { Database } from '../store/tables.js'
import { type Changer, ConnectionError, changer, movePendingOf, policyInput } from './manage.js'
import { profilesFor } from './usable-profiles.js'

export interface ProfileDeps {
  db: Kysely<Database>
  odoo: OdooClient
  odoo_major: number
  secrets: SecretBox
  clock: () => Date
  /** Resolves a profile's approver login to an Odoo user; without it a profile names no approver. */
  service: OdooSession | null
  /** As ManageDeps.requestsReassigned: tells Odoo, after the change is stored. */
  requestsReassigned?: (moved: ApprovalRequest[], by: string) => Promise<void>
}

const xmlId = z
  .string()
  .trim()
  .regex(XML_ID, 'an Odoo group is named by its xml id, module.name (e.g. sales_team.group_sale_salesman)')

const profileFields = policyInput
  .omit({ name: true })
  .extend({
    name: z.string().trim().min(1, 'give the profile a name').max(200),
    description: z.string().trim().max(2000),
    odoo_groups: z
      .array(xmlId)
      .max(50)
      .transform((groups) => [...new Set(groups)].sort()),
    is_default: z.boolean(),
  })
  .strict()

/** A new profile: no description, no group and not the default unless said. */
export const profileInput = profileFields.extend({
  description: profileFields.shape.description.default(''),
  odoo_groups: profileFields.shape.odoo_groups.default([]),
  is_default: z.boolean().default(false),
})

/** A change: only what is given (no defaults, which would quietly reset the rest). */
const profileChange = profileFields.partial()

export type ProfileInput = z.input<typeof profileInput>

function invalid(error: z.ZodError): ConnectionError {
  return new ConnectionError(
    error.issues
      .map((i) => `${i.path.length > 0 ? z.core.toDotPath(i.path) : 'input'}: ${i.message}`)
      .join('; '),
  )
}

async function resolveApprover(deps: ProfileDeps, login: string | null): Promise<OdooPerson | null> {
  if (login === null) return null
  if (!deps.service)
    throw new ConnectionError(
      'naming an approver on a profile needs the service user (COUNTERSIGN_ODOO_SERVICE_LOGIN and COUNTERSIGN_ODOO_SERVICE_KEY), to find that login in Odoo',
    )
  const [user] = await deps.service.call<Array<{ id: number; login: string; name: string }>>(
    'res.users',
    'search_read',
    { kwargs: { domain: [['login', '=', login]], fields: ['login', 'name'], limit: 1 } },
  )
  if (!user) throw new ConnectionError(`unknown Odoo login '${login}' for the approver: no such active user`)
  return { uid: user.id, login: user.login, name: user.name }
}

function detailOf(p: Profile) {
  return {
    name: p.name,
    odoo_groups: p.odoo_groups,
    is_default: p.is_default,
    write_access: p.policy.write_access,
    allowed_tools: p.policy.allowed_tools,
    approval_tools: p.policy.approval_tools,
    approval_effects: p.policy.approval_effects,
    approver: p.policy.approver?.login ?? null,
    approval_expiry_hours: p.policy.approval_expiry_hours,
  }
}

async function nameIsFree(db: Kysely<Database>, name: string, except?: number): Promise<void> {
  const other = await getProfileByName(db, name)
  if (other && other.profile_id !== except)
    throw new ConnectionError(`a profile named '${name}' exists already`)
}

/** Creates a profile; `is_default` takes the default from whichever profile had it. */
export async function createProfile(deps: ProfileDeps, raw: unknown, by: Changer): Promise<StoredProfile> {
  const parsed = profileInput.safeParse(raw)
  if (!parsed.success) throw invalid(parsed.error)
  const { approver_login, name, description, odoo_groups, is_default, ...policy } = parsed.data
  await nameIsFree(deps.db, name)
  const approver = await resolveApprover(deps, approver_login)
  const now = deps.clock()
  return deps.db.transaction().execute(async (trx) => {
    if (is_default) await clearDefault(trx, now)
    const created = await insertProfile(
      trx,
      { name, description, odoo_groups, is_default, policy: { ...policy, approver } },
      now,
    )
    await appendAudit(trx, {
      at: now,
      event: 'profile_created',
      outcome: 'ok',
      ...changer(by),
      detail: { profile_id: created.profile_id, ...detailOf(created) },
    })
    return created
  })
}

/**
 * Changes a profile (absent fields unchanged; `approver_login: null` clears the approver). Every
 * connection on it takes the new policy at once; a new approver takes over their pending requests.
 */
export async function updateProfile(
  deps: ProfileDeps,
  profile_id: number,
  raw: unknown,
  by: Changer,
): Promise<StoredProfile> {
  const parsed = profileChange.safeParse(raw)
  if (!parsed.success) throw invalid(parsed.error)
  const input = parsed.data
  const current = await getProfile(deps.db, profile_id)
  if (!current) throw new ConnectionError(`no profile ${profile_id}`)
  if (input.name !== undefined) await nameIsFree(deps.db, input.name, profile_id)
  const approver =
    input.approver_login === undefined
      ? current.policy.approver
      : input.approver_login === current.policy.approver?.login
        ? current.policy.approver
        : await resolveApprover(deps, input.approver_login)
  const next: NewProfile = {
    name: input.name ?? current.name,
    description: input.description ?? current.description,
    odoo_groups: input.odoo_groups ?? current.odoo_groups,
    is_default: input.is_default ?? current.is_default,
    policy: {
      write_access: input.write_access ?? current.policy.write_access,
      allowed_tools: input.allowed_tools ?? current.policy.allowed_tools,
      approval_tools: input.approval_tools ?? current.policy.approval_tools,
      approval_effects: input.approval_effects ?? current.policy.approval_effects,
      approver,
      approval_expiry_hours: input.approval_expiry_hours ?? current.policy.approval_expiry_hours,
    },
  }
  const approverChanged = (approver?.uid ?? null) !== (current.policy.approver?.uid ?? null)
  const now = deps.clock()
  const { updated, moved } = await deps.db.transaction().execute(async (trx) => {
    if (approverChanged) await lockConnectionsOnProfile(trx, profile_id)
    if (next.is_default && !current.is_default) await clearDefault(trx, now)
    const updated = await replaceProfile(trx, profile_id, next, now)
    if (!updated) throw new ConnectionError(`no profile ${profile_id}`)
    await appendAudit(trx, {
      at: now,
      event: 'profile_updated',
      outcome: 'ok',
      ...changer(by),
      detail: {
        profile_id,
        before: detailOf(current),
        after: detailOf(updated),
        loosened: loosenings(current.policy, updated.policy),
      },
    })
    const moved = approverChanged ? await moveRequests(trx, profile_id, approver, by, now) : []
    return { updated, moved }
  })
  if (moved.length > 0) await deps.requestsReassigned?.(moved, changer(by).actor_login)
  return updated
}

/** Every pending request of the connections on the profile goes to its new approver (audited). */
async function moveRequests(
  trx: Kysely<Database>,
  profile_id: number,
  approver: OdooPerson | null,
  by: Changer,
  now: Date,
): Promise<ApprovalRequest[]> {
  const moved: ApprovalRequest[] = []
  for (const c of await listConnections(trx, { profile_id })) {
    moved.push(...(await movePendingOf(trx, c.connection_id, approver, by, now)))
  }
  return moved
}

/** Deletes a profile no connection uses; refuses, naming how many use it, otherwise. */
export async function deleteProfile(deps: ProfileDeps, profile_id: number, by: Changer): Promise<void> {
  const now = deps.clock()
  await deps.db.transaction().execute(async (trx) => {
    const current = await getProfile(trx, profile_id)
    if (!current) throw new ConnectionError(`no profile ${profile_id}`)
    if (!(await deleteProfileRow(trx, profile_id))) {
      const used = await connectionsOnProfile(trx, profile_id)
      throw new ConnectionError(
        `profile ${current.name} is used by ${used} connection(s) (revoked ones count): put them on another profile first`,
      )
    }
    await appendAudit(trx, {
      at: now,
      event: 'profile_deleted',
      outcome: 'ok',
      ...changer(by),
      detail: { profile_id, ...detailOf(current) },
    })
  })
}

/** A profile by id or by name (the CLI's `--profile <name|id>`). */
export async function findProfile(db: Kysely<Database>, name_or_id: string): Promise<StoredProfile> {
  const byName = await getProfileByName(db, name_or_id)
  if (byName) return byName
  const id = /^\d+$/.test(name_or_id) ? Number(name_or_id) : Number.NaN
  const byId = Number.isSafeInteger(id) ? await getProfile(db, id) : undefined
  if (!byId) throw new ConnectionError(`no profile named or numbered '${name_or_id}'`)
  return byId
}

/**
 * An administrator (or the operator) puts a connection on a profile, or back on its own policy
 * (`null`: it keeps the policy it had on the profile). Nobody loosens their own connection this way
 * either, administrator or not.
 */
export async function setProfile(
  deps: ProfileDeps,
  connection_id: number,
  profile_id: number | null,
  by: Changer,
): Promise<Connection> {
  const current = await getConnection(deps.db, connection_id)
  if (!current) throw new ConnectionError(`no connection ${connection_id}`)
  const profile = profile_id === null ? null : await getProfile(deps.db, profile_id)
  if (profile === undefined) throw new ConnectionError(`no profile ${profile_id}`)
  if (profile && by.kind === 'user' && by.uid === current.odoo_uid) {
    const loosened = loosenings(policyOf(current), profile.policy)
    if (loosened.length > 0)
      throw new ConnectionError(
        `you cannot loosen the policy of your own connection (profile ${profile.name} ${loosened.join(', ')}); ask another MCP administrator`,
      )
  }
  return moveToProfile(deps, current, profile, by)
}

/**
 * The owner of a connection moves it to another profile they may use (their Odoo groups, asked of
 * Odoo with the connection's own credentials) that gives up nothing of the protection it has now.
 * Anyone else is refused as if the connection did not exist.
 */
export async function chooseProfile(
  deps: ProfileDeps,
  connection_id: number,
  profile_id: number,
  by: { uid: number; login: string },
): Promise<Connection> {
  const current = await getConnection(deps.db, connection_id)
  if (!current || current.odoo_uid !== by.uid || current.status !== 'active')
    throw new ConnectionError(`no active connection ${connection_id} of yours`)
  const session = deps.odoo.session({
    login: current.odoo_login,
    uid: current.odoo_uid,
    secret: deps.secrets.open(current.odoo_secret_enc, odooSecretContext(current.odoo_uid)),
  })
  const usable = await profilesFor(deps, session)
  const choice = chooseAmong(usable, policyOf(current), profile_id)
  if (!choice.ok) throw new ConnectionError(choice.message)
  const profile = await getProfile(deps.db, profile_id)
  if (!profile) throw new ConnectionError(`no profile ${profile_id}`)
  return moveToProfile(deps, current, profile, { kind: 'user', ...by })
}

async function moveToProfile(
  deps: ProfileDeps,
  current: Connection,
  profile: StoredProfile | null,
  by: Changer,
): Promise<Connection> {
  const before = policyOf(current)
  const after = profile ? profile.policy : before
  const approverChanged = (before.approver?.uid ?? null) !== (after.approver?.uid ?? null)
  const now = deps.clock()
  const { updated, moved } = await deps.db.transaction().execute(async (trx) => {
    const updated = await setConnectionProfile(
      trx,
      current.connection_id,
      profile ? { profile_id: profile.profile_id } : { profile_id: null, own: before },
      now,
    )
    if (!updated) throw new ConnectionError(`no connection ${current.connection_id}`)
    await appendAudit(trx, {
      at: now,
      event: 'connection_updated',
      outcome: 'ok',
      connection_id: current.connection_id,
      ...changer(by),
      detail: {
        profile: { from: current.profile_name, to: profile?.name ?? null },
        loosened: loosenings(before, after),
      },
    })
    const moved = approverChanged
      ? await movePendingOf(trx, current.connection_id, after.approver, by, now)
      : []
    return { updated, moved }
  })
  if (moved.length > 0) await deps.requestsReassigned?.(moved, changer(by).actor_login)
  return updated
}
