/**
 * Queries on the `policy_profile` table, and the one mapping from its rows to `Profile` objects
 * (domain/profile.ts). Keeps at most one default (the partial unique index refuses a second;
 * `clearDefault` makes room first). Does not check who may change a profile, nor whether a change
 * loosens anything: connections/profiles.ts does.
 */
import type { Kysely, Selectable } from 'kysely'
import type { OdooPerson } from '../domain/approval-request.js'
import type { ConnectionPolicy } from '../domain/policy.js'
import type { Profile } from '../domain/profile.js'
import { effectKindsText, parseEffectKinds } from './connections.js'
import type { Database, PolicyProfileTable } from './tables.js'
import { bit, iso, parseStringList } from './values.js'

/** A stored profile: never the built-in one, so it always has an id. */
export type StoredProfile = Profile & { profile_id: number; created_at: Date; updated_at: Date }

export type NewProfile = Pick<Profile, 'name' | 'description' | 'policy' | 'odoo_groups' | 'is_default'>

export function profileFromRow(row: Selectable<PolicyProfileTable>): StoredProfile {
  return {
    profile_id: row.profile_id,
    name: row.name,
    description: row.description,
    policy: {
      write_access: row.write_access === 1,
      allowed_tools: parseStringList(row.allowed_tools, 'policy_profile.allowed_tools'),
      approval_tools: parseStringList(row.approval_tools, 'policy_profile.approval_tools'),
      approval_effects: parseEffectKinds(row.approval_effects, 'policy_profile.approval_effects'),
      approver: personOrNull(row.approver_uid, row.approver_login, row.approver_name),
      approval_expiry_hours: Number(row.approval_expiry_hours),
    },
    odoo_groups: parseStringList(row.odoo_groups, 'policy_profile.odoo_groups'),
    is_default: row.is_default === 1,
    created_at: new Date(row.created_at),
    updated_at: new Date(row.updated_at),
  }
}

function personOrNull(uid: number | null, login: string | null, name: string | null): OdooPerson | null {
  return uid === null ? null : { uid, login: login ?? '', name: name ?? '' }
}

function policyColumns(policy: ConnectionPolicy) {
  return {
    write_access: bit(policy.write_access),
    allowed_tools: JSON.stringify(policy.allowed_tools),
    approval_tools: JSON.stringify(policy.approval_tools),
    approval_effects: effectKindsText(policy.approval_effects),
    approver_uid: policy.approver?.uid ?? null,
    approver_login: policy.approver?.login ?? null,
    approver_name: policy.approver?.name ?? null,
    approval_expiry_hours: policy.approval_expiry_hours,
  }
}

/** Every profile, the default first, then by name. A deployment has a handful: no paging. */
export async function listProfiles(db: Kysely<Database>): Promise<StoredProfile[]> {
  const rows = await db
    .selectFrom('policy_profile')
    .selectAll()
    .orderBy('is_default', 'desc')
    .orderBy('name')
    .execute()
  return rows.map(profileFromRow)
}

export async function getProfile(
  db: Kysely<Database>,
  profile_id: number,
): Promise<StoredProfile | undefined> {
  const row = await db
    .selectFrom('policy_profile')
    .selectAll()
    .where('profile_id', '=', profile_id)
    .executeTakeFirst()
  return row && profileFromRow(row)
}

export async function getProfileByName(
  db: Kysely<Database>,
  name: string,
): Promise<StoredProfile | undefined> {
  const row = await db.selectFrom('policy_profile').selectAll().where('name', '=', name).executeTakeFirst()
  return row && profileFromRow(row)
}

/** No profile is the default any more (before another becomes it, in the same transaction). */
export async function clearDefault(db: Kysely<Database>, now: Date): Promise<void> {
  await db
    .updateTable('policy_profile')
    .set({ is_default: 0, updated_at: iso(now) })
    .where('is_default', '=', 1)
    .execute()
}

export async function insertProfile(
  db: Kysely<Database>,
  input: NewProfile,
  now: Date,
): Promise<StoredProfile> {
  const row = await db
    .insertInto('policy_profile')
    .values({
      name: input.name,
      description: input.description,
      ...policyColumns(input.policy),
      odoo_groups: JSON.stringify(input.odoo_groups),
      is_default: bit(input.is_default),
      created_at: iso(now),
      updated_at: iso(now),
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return profileFromRow(row)
}

/** Replaces a profile's fields; returns it as it now is, or undefined when there is none. */
export async function replaceProfile(
  db: Kysely<Database>,
  profile_id: number,
  input: NewProfile,
  now: Date,
): Promise<StoredProfile | undefined> {
  const row = await db
    .updateTable('policy_profile')
    .set({
      name: input.name,
      description: input.description,
      ...policyColumns(input.policy),
      odoo_groups: JSON.stringify(input.odoo_groups),
      is_default: bit(input.is_default),
      updated_at: iso(now),
    })
    .where('profile_id', '=', profile_id)
    .returningAll()
    .executeTakeFirst()
  return row && profileFromRow(row)
}

/** How many connections, active or revoked, take their policy from the profile. */
export async function connectionsOnProfile(db: Kysely<Database>, profile_id: number): Promise<number> {
  const row = await db
    .selectFrom('connection')
    .select((eb) => eb.fn.countAll<string | number>().as('count'))
    .where('profile_id', '=', profile_id)
    .executeTakeFirst()
  return Number(row?.count ?? 0)
}

/** Deletes a profile no connection uses; false when it does not exist or a connection uses it. */
export async function deleteProfile(db: Kysely<Database>, profile_id: number): Promise<boolean> {
  const result = await db
    .deleteFrom('policy_profile')
    .where('profile_id', '=', profile_id)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('connection').select('connection_id').where('profile_id', '=', profile_id))),
    )
    .executeTakeFirst()
  return result.numDeletedRows === 1n
}
