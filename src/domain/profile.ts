/**
 * Policy profiles (issue 13): administrator-defined policies that people's connections take, offered
 * by Odoo group with one default. Which profiles a person may use, and whether moving a connection
 * from one profile to another gives up protection. Pure: the store keeps profiles
 * (store/profiles.ts), Odoo says which groups a person has (connections/profiles.ts `groupsOf`).
 * Does not decide who may edit a profile: administrators only, checked where the change comes in.
 */
import { type ConnectionPolicy, DEFAULT_OWN_POLICY, loosenings } from './policy.js'

export interface Profile {
  /** Null only for BUILT_IN_PROFILE, which is stored nowhere. */
  profile_id: number | null
  name: string
  description: string
  policy: ConnectionPolicy
  /**
   * Odoo groups (xml ids such as `sales_team.group_sale_salesman`) whose members may use this
   * profile. Empty: nobody, unless it is the default.
   */
  odoo_groups: string[]
  /** Everyone may use the default profile; at most one profile is the default. */
  is_default: boolean
}

/**
 * What applies when no administrator has defined a profile at all: DEFAULT_OWN_POLICY, which gates
 * everything risky behind someone else's approval. A connection on it keeps that policy as its own.
 */
export const BUILT_IN_PROFILE: Readonly<Profile> = Object.freeze({
  profile_id: null,
  name: 'Default',
  description:
    'Every tool; deleting, sending, state changes and unknown methods wait for an MCP administrator.',
  policy: DEFAULT_OWN_POLICY,
  odoo_groups: [],
  is_default: true,
})

/** `module.name`, as Odoo's `has_group` demands (a group's fully qualified xml id). */
export const XML_ID = /^[A-Za-z0-9_]+\.[A-Za-z0-9_]+$/

/**
 * The profiles a person with these Odoo groups may use: the default one always, then those naming
 * one of the groups, in the order given. With no profile defined, only BUILT_IN_PROFILE. Defined
 * profiles but none of them the default: only the group matches (possibly none).
 */
export function usableProfiles(profiles: readonly Profile[], groups: readonly string[]): Profile[] {
  if (profiles.length === 0) return [BUILT_IN_PROFILE]
  const held = new Set(groups)
  const defaults = profiles.filter((p) => p.is_default)
  const matching = profiles.filter((p) => !p.is_default && p.odoo_groups.some((g) => held.has(g)))
  return [...defaults, ...matching]
}

/** Every group any of these profiles names, once each: what to ask Odoo about a person. */
export function groupsNamed(profiles: readonly Profile[]): string[] {
  return [...new Set(profiles.flatMap((p) => p.odoo_groups))].sort()
}

export type ProfileChoice =
  | { ok: true; profile: Profile }
  | { ok: false; refusal: 'not_usable' | 'loosens'; message: string }

/**
 * Whether a person may move their own connection from `current` (its effective policy now) to
 * `chosen`: only to a profile they may use, and only when that gives up none of the protection they
 * have now — a person never loosens what applies to their own connection.
 */
export function chooseAmong(
  usable: readonly Profile[],
  current: ConnectionPolicy,
  chosen_id: number | null,
): ProfileChoice {
  const profile = usable.find((p) => p.profile_id === chosen_id)
  if (!profile)
    return {
      ok: false,
      refusal: 'not_usable',
      message: 'you may not use this profile (none of your Odoo groups has it)',
    }
  const loosened = loosenings(current, profile.policy)
  if (loosened.length > 0)
    return {
      ok: false,
      refusal: 'loosens',
      message: `profile ${profile.name} would loosen your connection (it ${loosened.join(', ')}); ask an MCP administrator`,
    }
  return { ok: true, profile }
}
