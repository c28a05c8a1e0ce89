/**
 * `countersign profile create | list | show | update | delete`: the operator's way to manage policy
 * profiles (issue 13), straight on the store like `connection`. Naming an approver needs Odoo and
 * the service user (to find the login), so those commands start the whole runtime; the others touch
 * only the store. Everything printed goes through domain/terminal-text.ts.
 */
import { type Env, readLogLevel, readOdooConfig, readServerConfig, readStoreConfig } from '../config.js'
import type { Changer } from '../connections/manage.js'
import {
  createProfile,
  deleteProfile,
  findProfile,
  type ProfileDeps,
  updateProfile,
} from '../connections/profiles.js'
import { printable, printableJson } from '../domain/terminal-text.js'
import { createLogger } from '../logger.js'
import { createRuntime, openStoreAndSecrets } from '../runtime.js'
import { listConnections } from '../store/connections.js'
import { listProfiles, type StoredProfile } from '../store/profiles.js'
import { effectList, expiry, NO_ODOO, type PolicyOptions, toolList } from './connection.js'

const OPERATOR: Changer = { kind: 'operator' }

export interface ProfileOptions extends PolicyOptions {
  description?: string
  groups?: string
  default?: boolean
}

/**
 * The profile workflow's dependencies: the whole runtime when Odoo is needed (an approver to find,
 * pending requests whose activities follow a new approver), else the store alone.
 */
export async function withProfileDeps<T>(
  env: Env,
  needsOdoo: boolean,
  task: (deps: ProfileDeps) => Promise<T>,
): Promise<T> {
  const logger = createLogger({ level: readLogLevel(env) })
  if (needsOdoo) {
    const config = { odoo: readOdooConfig(env), store: readStoreConfig(env), server: readServerConfig(env) }
    const runtime = await createRuntime(config, logger)
    try {
      return await task({
        db: runtime.store.db,
        odoo: runtime.odoo,
        odoo_major: runtime.odoo_major,
        secrets: runtime.secrets,
        clock: runtime.clock,
        service: runtime.odoo_service,
        requestsReassigned: runtime.approvals.reassigned,
      })
    } finally {
      await runtime.close()
    }
  }
  const { store, secrets } = await openStoreAndSecrets(readStoreConfig(env), logger)
  try {
    return await task({
      db: store.db,
      odoo: NO_ODOO,
      odoo_major: 0,
      secrets,
      clock: () => new Date(),
      service: null,
    })
  } finally {
    await store.close()
  }
}

function describe(p: StoredProfile, used: number): string {
  const policy = p.policy
  return [
    `profile ${p.profile_id}: ${p.name}${p.is_default ? ' (default: everyone may use it)' : ''}`,
    ...(p.description ? [`  ${p.description}`] : []),
    `  odoo groups:      ${p.odoo_groups.length > 0 ? p.odoo_groups.join(', ') : p.is_default ? 'everyone' : 'none (nobody may choose it)'}`,
    `  write access:     ${policy.write_access ? 'on' : 'off'}`,
    `  allowed tools:    ${policy.allowed_tools.length > 0 ? policy.allowed_tools.join(', ') : 'all the write flag permits'}`,
    `  need approval:    ${policy.approval_tools.length > 0 ? policy.approval_tools.join(', ') : 'none'}`,
    `  approval effects: ${policy.approval_effects.length > 0 ? `${policy.approval_effects.join(', ')} (whatever the tool)` : 'none'}`,
    `  approver:         ${policy.approver ? `${policy.approver.login} (${policy.approver.name})` : 'nobody: any MCP administrator'}`,
    `  approval expiry:  ${policy.approval_expiry_hours} hour(s)`,
    `  connections:      ${used}`,
  ]
    .map(printable)
    .join('\n')
}

function groupList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined
  return value.trim().toLowerCase() === 'none' ? [] : toolList(value)
}

function inputOf(options: ProfileOptions) {
  return {
    ...(options.name !== undefined && { name: options.name }),
    ...(options.description !== undefined && { description: options.description }),
    ...(options.groups !== undefined && { odoo_groups: groupList(options.groups) }),
    ...(options.default !== undefined && { is_default: options.default }),
    ...(options.write !== undefined && { write_access: options.write }),
    ...(options.allowTools !== undefined && { allowed_tools: toolList(options.allowTools) }),
    ...(options.approvalTools !== undefined && { approval_tools: toolList(options.approvalTools) }),
    ...(options.approvalEffects !== undefined && { approval_effects: effectList(options.approvalEffects) }),
    ...(options.approver !== undefined && {
      approver_login: options.approver === false ? null : options.approver,
    }),
    ...(options.expiryHours !== undefined && { approval_expiry_hours: expiry(options.expiryHours) }),
  }
}

async function usedBy(deps: ProfileDeps, profile_id: number): Promise<number> {
  return (await listConnections(deps.db, { profile_id })).length
}

function print(p: StoredProfile, used: number, json: boolean | undefined): void {
  console.log(json ? printableJson({ ...p, connections: used }, 2) : describe(p, used))
}

export async function profileCreate(env: Env, options: ProfileOptions & { name: string }): Promise<void> {
  const raw = {
    write_access: false,
    allowed_tools: [],
    approval_tools: [],
    approval_effects: [],
    approver_login: null,
    approval_expiry_hours: 4,
    odoo_groups: [],
    ...inputOf(options),
  }
  const created = await withProfileDeps(env, typeof options.approver === 'string', (deps) =>
    createProfile(deps, raw, OPERATOR),
  )
  print(created, 0, options.json)
}

export async function profileList(env: Env, options: { json?: boolean }): Promise<void> {
  const rows = await withProfileDeps(env, false, async (deps) =>
    Promise.all(
      (await listProfiles(deps.db)).map(async (p) => ({ p, used: await usedBy(deps, p.profile_id) })),
    ),
  )
  if (options.json) {
    console.log(
      printableJson(
        rows.map(({ p, used }) => ({ ...p, connections: used })),
        2,
      ),
    )
    return
  }
  if (rows.length === 0)
    console.log(
      'no profiles: people’s own connections get the built-in default policy; create one with `countersign profile create`',
    )
  for (const { p, used } of rows) {
    const groups = p.is_default ? 'everyone' : p.odoo_groups.join(',') || 'nobody'
    console.log(
      printable(
        `${String(p.profile_id).padStart(4)}  ${p.policy.write_access ? 'write' : 'read '}  ${String(used).padStart(3)} conn.  ${p.name}  (${groups})`,
      ),
    )
  }
}

export async function profileShow(env: Env, name_or_id: string, options: { json?: boolean }): Promise<void> {
  const { p, used } = await withProfileDeps(env, false, async (deps) => {
    const p = await findProfile(deps.db, name_or_id)
    return { p, used: await usedBy(deps, p.profile_id) }
  })
  print(p, used, options.json)
}

export async function profileUpdate(env: Env, name_or_id: string, options: ProfileOptions): Promise<void> {
  const input = inputOf(options)
  if (Object.keys(input).length === 0)
    throw new Error('nothing to change: give at least one option (see --help)')
  const { p, used } = await withProfileDeps(env, options.approver !== undefined, async (deps) => {
    const found = await findProfile(deps.db, name_or_id)
    const p = await updateProfile(deps, found.profile_id, input, OPERATOR)
    return { p, used: await usedBy(deps, p.profile_id) }
  })
  print(p, used, options.json)
}

export async function profileDelete(env: Env, name_or_id: string): Promise<void> {
  const name = await withProfileDeps(env, false, async (deps) => {
    const found = await findProfile(deps.db, name_or_id)
    await deleteProfile(deps, found.profile_id, OPERATOR)
    return found.name
  })
  console.log(printable(`profile ${name} deleted`))
}
