/**
 * Which policy profiles a person may use (issue 13), asked of Odoo as that person, and the profile
 * of a new connection: for self-service connections and OAuth consent, and for an owner moving their
 * own connection (profiles.ts `chooseProfile`). Reads profiles; changes nothing.
 */
import type { Kysely } from 'kysely'
import { groupsNamed, type Profile, usableProfiles } from '../domain/profile.js'
import { isOdooError } from '../odoo/errors.js'
import type { OdooSession } from '../odoo/types.js'
import { connectionPolicyColumns, type NewConnection } from '../store/connections.js'
import { listProfiles } from '../store/profiles.js'
import type { Database } from '../store/tables.js'
import { ConnectionError } from './connection-error.js'

/** What reading a person's usable profiles needs: the store, and Odoo's version (has_group's shape). */
export interface UsableProfilesDeps {
  db: Kysely<Database>
  odoo_major: number
}

/**
 * The Odoo groups among `candidates` that the session's user is in, asked of Odoo as that user
 * (`res.users.has_group`, which any internal user may call about themselves and which counts implied
 * groups on 17 and 19). A group Odoo does not know counts as not held.
 */
export async function groupsOf(
  session: OdooSession,
  odoo_major: number,
  candidates: readonly string[],
): Promise<string[]> {
  const held = await Promise.all(
    candidates.map(async (group) => {
      // 17.0: has_group is `@api.model`, checks the calling user and takes no ids (`[[uid], xmlid]`
      // is a TypeError there); 18+ made it a record method, called on the user. Named, so the call
      // has one shape over JSON-RPC and JSON-2 (which takes named parameters only).
      const params =
        odoo_major >= 18
          ? { ids: [session.uid], kwargs: { group_ext_id: group } }
          : { kwargs: { group_ext_id: group } }
      try {
        return (await session.call<boolean>('res.users', 'has_group', params)) === true
      } catch (error) {
        if (isOdooError(error) && error.kind !== 'network' && error.kind !== 'timeout') return false
        throw error
      }
    }),
  )
  return candidates.filter((_, i) => held[i])
}

/**
 * The profiles the session's user may use, the default first (domain/profile.ts `usableProfiles`):
 * what a person picks from when they make a connection or consent to a client. BUILT_IN_PROFILE
 * (profile_id null) when no profile is defined; a connection on it keeps that policy as its own.
 */
export async function profilesFor(deps: UsableProfilesDeps, session: OdooSession): Promise<Profile[]> {
  const profiles = await listProfiles(deps.db)
  const groups = await groupsOf(session, deps.odoo_major, groupsNamed(profiles))
  return usableProfiles(profiles, groups)
}

/**
 * The profile a person picks for a new connection (self-service, OAuth consent), checked server-side
 * against the profiles they may use: `profile_id` as chosen (null: the built-in default, offered only
 * when no profile is defined), or undefined for the first usable one (the default). Throws
 * ConnectionError when they may not use it, or may use none.
 */
export async function pickProfile(
  deps: UsableProfilesDeps,
  session: OdooSession,
  profile_id?: number | null,
): Promise<Profile> {
  const usable = await profilesFor(deps, session)
  const chosen = profile_id === undefined ? usable[0] : usable.find((p) => p.profile_id === profile_id)
  if (!chosen)
    throw new ConnectionError(
      usable.length === 0
        ? 'no policy profile is open to you (no default profile, and none of your Odoo groups has one): ask an MCP administrator'
        : 'you may not use this profile (none of your Odoo groups has it)',
    )
  return chosen
}

/**
 * The policy columns and profile of a new connection on `profile` (store/connections.ts
 * `insertConnection`): it follows a stored profile, or keeps the built-in default's policy as its own.
 */
export function newConnectionPolicy(
  profile: Profile,
): ReturnType<typeof connectionPolicyColumns> & Pick<NewConnection, 'profile_id'> {
  return { profile_id: profile.profile_id, ...connectionPolicyColumns(profile.policy) }
}
