/**
 * Who the MCP administrators are: Odoo logins listed in COUNTERSIGN_ADMINS, and members of the Odoo
 * group COUNTERSIGN_ADMIN_GROUP (default base.group_system). Membership is asked of Odoo as the
 * person themselves (`res.users.has_group`) and remembered for a minute, so reading pages does not
 * cost an extra round trip each time; a decision asks afresh. Listing every administrator (for
 * notifications) and looking a person's account up between logins (console sessions) need the
 * service user. Does not decide what administrators may do: domain/who-may-decide.ts does.
 */
import type { OdooPerson } from '../domain/approval-request.js'
import type { OdooAccount } from '../domain/odoo-account.js'
import { isOdooError } from '../odoo/errors.js'
import type { OdooSession } from '../odoo/types.js'

export interface AdminDirectory {
  /** `fresh`: ask Odoo now, not the minute-old answer (before a decision). */
  isAdmin(session: OdooSession, options?: { fresh?: boolean }): Promise<boolean>
  /** Every administrator as an Odoo user; empty without a service session. */
  listAdmins(): Promise<OdooPerson[]>
  /** Whether `account` can answer: only with a service user. */
  readonly can_look_up: boolean
  /**
   * A user's account as the service user reads it now, archived users included; null when Odoo has
   * no such user. Throws without a service user, and when Odoo does not answer or refuses.
   */
  account(uid: number): Promise<OdooAccount | null>
}

/** An account look-up waits this long at most: console pages wait for it. */
const ACCOUNT_TIMEOUT_MS = 10_000

export interface AdminDirectoryOptions {
  logins: string[]
  group: string
  odoo_major: number
  service: OdooSession | null
  now?: () => number
  ttl_ms?: number
}

export function createAdminDirectory(options: AdminDirectoryOptions): AdminDirectory {
  const now = options.now ?? Date.now
  const ttl = options.ttl_ms ?? 60_000
  const cache = new Map<number, { admin: boolean; at: number }>()

  async function inGroup(session: OdooSession): Promise<boolean> {
    if (!options.group) return false
    // 17.0: has_group is @api.model, checks the calling user and takes the xml-id positionally
    // (`[[uid], xmlid]` is a TypeError there); 18+ it is a record method, called on the user.
    const params =
      options.odoo_major >= 18
        ? { ids: [session.uid], kwargs: { group_ext_id: options.group } }
        : { args: [options.group] }
    try {
      return (await session.call<boolean>('res.users', 'has_group', params)) === true
    } catch (error) {
      if (isOdooError(error) && error.kind !== 'network' && error.kind !== 'timeout') return false
      throw error
    }
  }

  // The admin group's id, once Odoo named it: the xml-id of an installed group does not move.
  let groupId: number | null = null
  async function adminGroupId(service: OdooSession): Promise<number | null> {
    if (!options.group || groupId !== null) return groupId
    const [module, name] = splitXmlId(options.group)
    try {
      // Any internal user may call check_object_reference, unlike reading ir.model.data.
      const [, id] = await service.call<[string, number | false]>('ir.model.data', 'check_object_reference', {
        kwargs: { module, xml_id: name },
        timeout_ms: ACCOUNT_TIMEOUT_MS,
      })
      if (typeof id === 'number') groupId = id
      return groupId
    } catch (error) {
      // No such group (ValueError), as `has_group` answers false for it at login.
      if (isOdooError(error) && error.kind !== 'network' && error.kind !== 'timeout') return null
      throw error
    }
  }

  return {
    async isAdmin(session, { fresh = false } = {}) {
      if (options.logins.includes(session.login)) return true
      const hit = cache.get(session.uid)
      if (!fresh && hit && now() - hit.at < ttl) return hit.admin
      const admin = await inGroup(session)
      cache.set(session.uid, { admin, at: now() })
      return admin
    },
    can_look_up: options.service !== null,
    async account(uid) {
      const service = options.service
      if (!service) throw new Error('looking an Odoo user up needs the service user')
      // 19 renamed groups_id (which in 17 already holds implied groups) to group_ids/all_group_ids.
      const groupsField = options.odoo_major >= 19 ? 'all_group_ids' : 'groups_id'
      const [[user], group] = await Promise.all([
        service.call<Array<{ login: string; active: boolean; write_date: string } & Record<string, unknown>>>(
          'res.users',
          'search_read',
          {
            kwargs: { domain: [['id', '=', uid]], fields: ['login', 'active', 'write_date', groupsField] },
            context: { active_test: false },
            timeout_ms: ACCOUNT_TIMEOUT_MS,
          },
        ),
        adminGroupId(service),
      ])
      if (!user) return null
      const groups = Array.isArray(user[groupsField]) ? (user[groupsField] as number[]) : []
      return {
        uid,
        login: user.login,
        active: user.active,
        write_date: user.write_date,
        is_admin: options.logins.includes(user.login) || (group !== null && groups.includes(group)),
      }
    },
    async listAdmins() {
      const service = options.service
      if (!service) return []
      const found = new Map<number, OdooPerson>()
      const add = (rows: Array<{ id: number; login: string; name: string }>) => {
        for (const r of rows) found.set(r.id, { uid: r.id, login: r.login, name: r.name })
      }
      if (options.logins.length > 0) {
        add(
          await service.call('res.users', 'search_read', {
            kwargs: { domain: [['login', 'in', options.logins]], fields: ['login', 'name'] },
          }),
        )
      }
      if (options.group) {
        const [module, name] = splitXmlId(options.group)
        const [ref] = await service.call<Array<{ res_id: number }>>('ir.model.data', 'search_read', {
          kwargs: {
            domain: [
              ['module', '=', module],
              ['name', '=', name],
              ['model', '=', 'res.groups'],
            ],
            fields: ['res_id'],
          },
        })
        if (ref) {
          // 19 renamed groups_id (which in 17 already holds implied groups) to group_ids/all_group_ids.
          const field = options.odoo_major >= 19 ? 'all_group_ids' : 'groups_id'
          add(
            await service.call('res.users', 'search_read', {
              kwargs: {
                domain: [
                  [field, 'in', [ref.res_id]],
                  ['share', '=', false],
                ],
                fields: ['login', 'name'],
              },
            }),
          )
        }
      }
      return [...found.values()]
    },
  }
}

export function splitXmlId(xmlid: string): [string, string] {
  const dot = xmlid.indexOf('.')
  return [xmlid.slice(0, dot), xmlid.slice(dot + 1)]
}
