/**
 * Who the calling user is, security-wise: their groups (xml ids, implied groups included, as Odoo
 * stores them on `res.users.groups_id`) and `has_group`. Does not check any access right itself
 * (access-rights.ts, record-rules.ts do).
 */
import type { Env } from './env.js'

/** xml id → record id, for one model, from `ir.model.data`. */
export function xmlidMap(env: Env, model: string): Map<string, number> {
  const map = new Map<string, number>()
  for (const row of env.state.store.rows('ir.model.data')) {
    if (row.model === model) map.set(`${row.module}.${row.name}`, row.res_id as number)
  }
  return map
}

export function xmlidToResId(env: Env, xmlid: string): number | undefined {
  const [module, name] = splitXmlid(xmlid)
  for (const row of env.state.store.rows('ir.model.data')) {
    if (row.module === module && row.name === name) return row.res_id as number
  }
  return undefined
}

function splitXmlid(xmlid: string): [string, string] {
  const dot = xmlid.indexOf('.')
  return [xmlid.slice(0, dot), xmlid.slice(dot + 1)]
}

export function userGroups(env: Env, uid = env.uid): Set<string> {
  const user = env.state.store.get('res.users', uid)
  const ids = new Set((user?.groups_id as number[] | undefined) ?? [])
  const result = new Set<string>()
  for (const [xmlid, id] of xmlidMap(env, 'res.groups')) if (ids.has(id)) result.add(xmlid)
  return result
}

export function hasGroup(env: Env, xmlid: string, uid = env.uid): boolean {
  return userGroups(env, uid).has(xmlid)
}

/** The user's display name and partner, used in record-rule messages and as message author. */
export function userName(env: Env, uid = env.uid): string {
  return String(env.state.store.get('res.users', uid)?.name ?? '')
}
