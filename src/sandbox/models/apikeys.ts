/**
 * Odoo 17's API keys as a user makes them for themselves (odoo/addons/base/models/res_users.py):
 * `res.users.apikeys.description` (the wizard naming the key) whose `make_key` is guarded by
 * `check_identity`, the identity check wizard `res.users.identitycheck` (`run_check` with the
 * password written on it), and `res.users.apikeys`, the keys themselves, readable by their owner
 * (and by system administrators) and removable through `remove`, guarded the same way. The key
 * never reaches the store: auth.ts keeps it, tied to its `res.users.apikeys` row.
 *
 * `check_identity` reads the session of the request: a web login's session remembers a passed
 * check for 10 minutes; any other request has a session for that one call (env.ts).
 */
import { type Env, nowString, sudo } from '../env.js'
import { accessError, userError, valueError } from '../errors.js'
import type { ModelDef } from '../fields.js'
import { char, many2one } from '../fields.js'
import { checkRecordRules, read } from '../orm-read.js'
import { createRecords, unlinkRecords, writeRecords } from '../orm-write.js'
import { hasGroup } from '../security.js'

const IDENTITY_CHECK_SECONDS = 10 * 60

type Guarded = (env: Env, ids: number[]) => unknown

/** The methods `run_check` may call back: those decorated with `check_identity`. */
const GUARDED: Record<string, Record<string, Guarded>> = {
  'res.users.apikeys.description': { make_key: makeKey },
  'res.users.apikeys': { remove: removeKeys },
}

function seconds(env: Env): number {
  return env.state.now().getTime() / 1000
}

/** `check_identity`: runs `fn` when the session passed a check lately, else answers the wizard's action. */
function checkIdentity(env: Env, model: string, method: string, ids: number[]): unknown {
  const guarded = GUARDED[model]?.[method]
  if (!guarded) throw new Error(`sandbox: ${model}.${method} is not identity-checked`)
  if (env.request.identity_check_last > seconds(env) - IDENTITY_CHECK_SECONDS) return guarded(env, ids)
  const [wizard] = createRecords(sudo(env), 'res.users.identitycheck', [
    { request: JSON.stringify([env.context, model, ids, method]) },
  ])
  return {
    type: 'ir.actions.act_window',
    res_model: 'res.users.identitycheck',
    res_id: wizard,
    name: 'Security Control',
    target: 'new',
    views: [[false, 'form']],
  }
}

function singleton(model: string, ids: number[]): number {
  if (ids.length !== 1)
    throw valueError(`Expected singleton: ${model}(${ids.map((id) => `${id},`).join(' ')})`)
  return ids[0] as number
}

function makeKey(env: Env, ids: number[]): unknown {
  const id = singleton('res.users.apikeys.description', ids)
  if (!hasGroup(env, 'base.group_user')) throw accessError('Only internal users can create API keys')
  const description = env.state.store.get('res.users.apikeys.description', id)
  if (!description) throw valueError(`Expected singleton: res.users.apikeys.description()`)
  const row = env.state.store.insert('res.users.apikeys', {
    name: description.name,
    user_id: env.uid,
    scope: false,
    create_date: nowString(env),
  })
  const key = env.state.credentials.issueApiKey(row.id)
  unlinkRecords(sudo(env), 'res.users.apikeys.description', [id])
  return {
    type: 'ir.actions.act_window',
    res_model: 'res.users.apikeys.show',
    name: 'API Key Ready',
    views: [[false, 'form']],
    target: 'new',
    context: { default_key: key },
  }
}

function removeKeys(env: Env, ids: number[]): unknown {
  const rows = ids.map((id) => env.state.store.get('res.users.apikeys', id)).filter((r) => r !== undefined)
  if (rows.length === 0) return { type: 'ir.actions.act_window_close' }
  if (hasGroup(env, 'base.group_system') || rows.every((r) => r.user_id === env.uid)) {
    for (const row of rows) env.state.store.delete('res.users.apikeys', row.id)
    return { type: 'ir.actions.act_window_close' }
  }
  throw accessError("You can not remove API keys unless they're yours or you are a system user")
}

export const resUsersIdentitycheck: ModelDef = {
  name: 'res.users.identitycheck',
  description: 'Password Check Wizard',
  order: 'id',
  transient: true,
  fields: {
    request: char('Request', { readonly: true }),
    password: char('Password'),
  },
  methods: {
    run_check: {
      qualname: 'CheckIdentity.run_check',
      writes: true,
      params: [],
      run: (env, ids) => {
        const id = singleton('res.users.identitycheck', ids)
        const [wizard] = read(env, 'res.users.identitycheck', [id], ['password'], null) as Array<{
          password: unknown
        }>
        if (!env.state.credentials.checkPassword(env.uid, wizard?.password))
          throw userError('Incorrect Password, try again or click on Forgot Password to reset your password.')
        writeRecords(env, 'res.users.identitycheck', [id], { password: false })
        env.request.identity_check_last = seconds(env)
        const stored = env.state.store.get('res.users.identitycheck', id)?.request
        const [context, model, targetIds, method] = JSON.parse(String(stored)) as [
          Record<string, unknown>,
          string,
          number[],
          string,
        ]
        return checkIdentity({ ...env, context }, model, method, targetIds)
      },
    },
  },
}

export const resUsersApikeysDescription: ModelDef = {
  name: 'res.users.apikeys.description',
  description: 'API Key Description',
  order: 'id',
  transient: true,
  fields: { name: char('Description', { required: true }) },
  methods: {
    make_key: {
      qualname: 'APIKeyDescription.make_key',
      writes: true,
      params: [],
      run: (env, ids) => {
        checkRecordRules(env, 'res.users.apikeys.description', ids, 'read')
        return checkIdentity(env, 'res.users.apikeys.description', 'make_key', ids)
      },
    },
  },
}

export const resUsersApikeys: ModelDef = {
  name: 'res.users.apikeys',
  description: 'Users API Keys',
  order: 'id',
  fields: {
    name: char('Description', { required: true, readonly: true }),
    user_id: many2one('res.users', 'User', { required: true, readonly: true, ondelete: 'cascade' }),
    scope: char('Scope', { readonly: true }),
  },
  methods: {
    remove: {
      qualname: 'APIKeys.remove',
      writes: true,
      params: [],
      run: (env, ids) => {
        checkRecordRules(env, 'res.users.apikeys', ids, 'read')
        return checkIdentity(env, 'res.users.apikeys', 'remove', ids)
      },
    },
  },
}
