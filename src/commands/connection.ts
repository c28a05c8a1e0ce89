/**
 * `countersign connection create | list | show | update | revoke | rotate`: the operator's way to
 * manage connections, straight on the store (no running server needed). The MCP token is printed
 * once, at create and rotate; it is never stored or shown again. Names come from Odoo and from
 * whoever made the connection, so everything printed goes through domain/terminal-text.ts.
 */

import { type Env, readLogLevel, readOdooConfig, readServerConfig, readStoreConfig } from '../config.js'
import {
  type Changer,
  ConnectionError,
  createConnection,
  type ManageDeps,
  revoke,
  rotate,
  updateConnection,
} from '../connections/manage.js'
import { findProfile, setProfile } from '../connections/profiles.js'
import { printable, printableJson } from '../domain/terminal-text.js'
import { createLogger } from '../logger.js'
import { createOdooClient, type OdooClient } from '../odoo/index.js'
import { createRuntime, openStoreAndSecrets } from '../runtime.js'
import { type Connection, getConnection, listConnections } from '../store/connections.js'
import { withProfileDeps } from './profile.js'

const OPERATOR: Changer = { kind: 'operator' }

/** For commands that only touch the store: any Odoo use is a bug, said plainly. */
export const NO_ODOO: OdooClient = {
  url: '',
  db: '',
  protocol: 'jsonrpc',
  version: () => Promise.reject(new Error('this command does not talk to Odoo')),
  ping: () => Promise.reject(new Error('this command does not talk to Odoo')),
  authenticate: () => Promise.reject(new Error('this command does not talk to Odoo')),
  withLogin: () => Promise.reject(new Error('this command does not talk to Odoo')),
  session: () => {
    throw new Error('this command does not talk to Odoo')
  },
  close: async () => {},
}

export interface PolicyOptions {
  name?: string
  write?: boolean
  allowTools?: string
  approvalTools?: string
  approvalEffects?: string
  approver?: string | false
  expiryHours?: string
  json?: boolean
  /** `connection update --profile <name|id>`; false: `--no-profile`, back to its own policy. */
  profile?: string | false
}

async function withDeps<T>(env: Env, needsOdoo: boolean, task: (deps: ManageDeps) => Promise<T>): Promise<T> {
  const logger = createLogger({ level: readLogLevel(env) })
  const odooConfig = needsOdoo ? readOdooConfig(env) : null
  const { store, secrets } = await openStoreAndSecrets(readStoreConfig(env), logger)
  const odoo = odooConfig ? createOdooClient(odooConfig) : NO_ODOO
  try {
    return await task({ db: store.db, odoo, secrets, clock: () => new Date() })
  } finally {
    await odoo.close()
    await store.close()
  }
}

/**
 * The whole runtime, as `serve` builds it: for a change of approver, whose pending requests move to
 * the new approver and whose Odoo activities follow (the service user of this environment, as for
 * `serve`; without one, each moved request says that no activity was created).
 */
async function withRuntime<T>(env: Env, task: (deps: ManageDeps) => Promise<T>): Promise<T> {
  const config = { odoo: readOdooConfig(env), store: readStoreConfig(env), server: readServerConfig(env) }
  const runtime = await createRuntime(config, createLogger({ level: readLogLevel(env) }))
  try {
    return await task({
      db: runtime.store.db,
      odoo: runtime.odoo,
      secrets: runtime.secrets,
      clock: runtime.clock,
      requestsReassigned: runtime.approvals.reassigned,
    })
  } finally {
    await runtime.close()
  }
}

export function toolList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined
  return value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
}

/**
 * `--approval-effects delete,archive` → the kinds as typed (manage.ts validates and names a wrong
 * one); `none` (or an empty value) → none.
 */
export function effectList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined
  if (value.trim().toLowerCase() === 'none') return []
  return toolList(value)
}

export function expiry(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isFinite(n))
    throw new ConnectionError(`--expiry-hours must be a number of hours, got '${value}'`)
  return n
}

function describe(c: Connection): string {
  return [
    `connection ${c.connection_id}: ${c.name} (${c.status})`,
    `  acts as:          ${c.odoo_login} (${c.odoo_user_name}, uid ${c.odoo_uid})`,
    `  token:            ${c.token_prefix}… (only its hash is stored)`,
    `  policy from:      ${c.profile_id === null ? 'its own policy' : `profile ${c.profile_name} (${c.profile_id})`}`,
    `  write access:     ${c.write_access ? 'on' : 'off'}`,
    `  allowed tools:    ${c.allowed_tools.length > 0 ? c.allowed_tools.join(', ') : 'all the write flag permits'}`,
    `  need approval:    ${c.approval_tools.length > 0 ? c.approval_tools.join(', ') : 'none'}`,
    `  approval effects: ${c.approval_effects.length > 0 ? `${c.approval_effects.join(', ')} (whatever the tool)` : 'none'}`,
    `  approver:         ${c.approver_login ? `${c.approver_login} (${c.approver_name})` : 'nobody: any MCP administrator'}`,
    `  approval expiry:  ${c.approval_expiry_hours} hour(s)`,
    `  AI client:        ${c.ai_client ?? 'not given'}`,
    `  created:          ${c.created_at.toISOString()} by ${c.created_by ? c.created_by.login : 'the operator (command line)'}`,
    `  Odoo API key:     ${c.odoo_key_name ? `made by Countersign in Odoo: ${c.odoo_key_name}` : 'given when it was made'}`,
    `  last used:        ${c.last_used_at?.toISOString() ?? 'never'} (${c.request_count} request(s))`,
  ]
    .map(printable)
    .join('\n')
}

/** What JSON output shows of a connection: everything but the encrypted secret and the token hash. */
export function connectionJson(c: Connection) {
  const { odoo_secret_enc: _secret, token_hash: _hash, ...shown } = c
  return shown
}

export async function connectionCreate(
  env: Env,
  options: PolicyOptions & { name: string; user: string; odooApiKey: string },
): Promise<void> {
  const odoo_secret = options.odooApiKey === '-' ? await secretFromStdin() : options.odooApiKey
  const { connection, token } = await withDeps(env, true, (deps) =>
    createConnection(
      deps,
      {
        name: options.name,
        odoo_login: options.user,
        odoo_secret,
        write_access: options.write ?? false,
        allowed_tools: toolList(options.allowTools) ?? [],
        approval_tools: toolList(options.approvalTools) ?? [],
        approval_effects: effectList(options.approvalEffects) ?? [],
        approver_login: options.approver || null,
        approval_expiry_hours: expiry(options.expiryHours) ?? 4,
      },
      OPERATOR,
    ),
  )
  if (options.json) {
    console.log(printableJson({ ...connectionJson(connection), token }, 2))
    return
  }
  console.log(describe(connection))
  console.log('\nMCP token — shown once, copy it now:')
  console.log(`  ${token}`)
}

/** The first line of stdin (`--odoo-api-key -`): a pipe or a prompt-less paste, never echoed back. */
async function secretFromStdin(): Promise<string> {
  let text = ''
  for await (const chunk of process.stdin) {
    text += String(chunk)
    if (text.includes('\n')) break
  }
  const secret = text.split(/\r?\n/)[0]?.trim() ?? ''
  if (!secret)
    throw new Error('--odoo-api-key -: stdin held no key (pipe it in, e.g. `printf %s "$KEY" | …`)')
  return secret
}

export async function connectionList(env: Env, options: { json?: boolean }): Promise<void> {
  const connections = await withDeps(env, false, (deps) => listConnections(deps.db))
  if (options.json) {
    console.log(printableJson(connections.map(connectionJson), 2))
    return
  }
  if (connections.length === 0)
    console.log('no connections yet: create one with `countersign connection create`')
  for (const c of connections) {
    console.log(
      printable(
        `${String(c.connection_id).padStart(4)}  ${c.status.padEnd(7)}  ${c.odoo_login.padEnd(16)}  ${c.write_access ? 'write' : 'read '}  ${c.name}`,
      ),
    )
  }
}

function idOf(value: string): number {
  const id = Number(value)
  if (!Number.isInteger(id) || id <= 0) throw new ConnectionError(`'${value}' is not a connection id`)
  return id
}

export async function connectionShow(env: Env, id: string, options: { json?: boolean }): Promise<void> {
  const connection = await withDeps(env, false, (deps) => getConnection(deps.db, idOf(id)))
  if (!connection) throw new ConnectionError(`no connection ${id}`)
  console.log(options.json ? printableJson(connectionJson(connection), 2) : describe(connection))
}

export async function connectionUpdate(env: Env, id: string, options: PolicyOptions): Promise<void> {
  const patch = {
    ...(options.name !== undefined && { name: options.name }),
    ...(options.write !== undefined && { write_access: options.write }),
    ...(options.allowTools !== undefined && { allowed_tools: toolList(options.allowTools) }),
    ...(options.approvalTools !== undefined && { approval_tools: toolList(options.approvalTools) }),
    ...(options.approvalEffects !== undefined && { approval_effects: effectList(options.approvalEffects) }),
    ...(options.approver !== undefined && {
      approver_login: options.approver === false ? null : options.approver,
    }),
    ...(options.expiryHours !== undefined && { approval_expiry_hours: expiry(options.expiryHours) }),
  }
  if (options.profile !== undefined) {
    const { name: _name, ...policy } = patch
    if (Object.keys(policy).length > 0)
      throw new ConnectionError('--profile sets the whole policy: give it without the other policy options')
    const profile = options.profile
    const updated = await withProfileDeps(env, true, async (deps) => {
      if (patch.name !== undefined) await updateConnection(deps, idOf(id), { name: patch.name }, OPERATOR)
      const profile_id = profile === false ? null : (await findProfile(deps.db, profile)).profile_id
      return setProfile(deps, idOf(id), profile_id, OPERATOR)
    })
    console.log(options.json ? printableJson(connectionJson(updated), 2) : describe(updated))
    return
  }
  if (Object.keys(patch).length === 0)
    throw new ConnectionError('nothing to change: give at least one option (see --help)')
  const change = (deps: ManageDeps) => updateConnection(deps, idOf(id), patch, OPERATOR)
  const updated = await (options.approver !== undefined
    ? withRuntime(env, change)
    : withDeps(env, false, change))
  console.log(options.json ? printableJson(connectionJson(updated), 2) : describe(updated))
}

export async function connectionRevoke(env: Env, id: string): Promise<void> {
  await withDeps(env, false, (deps) => revoke(deps, idOf(id), OPERATOR))
  console.log(`connection ${id} revoked: its token now gets 401`)
}

export async function connectionRotate(env: Env, id: string, options: { json?: boolean }): Promise<void> {
  // The operator holds the Odoo key behind every connection made here, so gets the new token; in the
  // console, rotating someone else's connection revokes it instead (connections/manage.ts).
  const rotation = await withDeps(env, false, (deps) => rotate(deps, idOf(id), OPERATOR))
  if (rotation.kind === 'revoked') {
    console.log(`connection ${id} revoked, no new token: its owner re-issues it from their console`)
    return
  }
  const { token } = rotation
  if (options.json) console.log(printableJson({ connection_id: idOf(id), token }))
  else console.log(`connection ${id}: the old token no longer works. New MCP token — shown once:\n  ${token}`)
}
