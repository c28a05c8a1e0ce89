/**
 * Credentials of the sandbox's users: login passwords and API keys (40 hex characters, random at
 * each start, like Odoo's `res.users.apikeys._generate`). Mirrors Odoo 17's rules: an API key is
 * accepted wherever a password is (`common.authenticate`, `execute_kw`), but only for its own
 * user; JSON-2 bearer tokens must be API keys; an archived user is refused everything. A user with a
 * second factor (auth_totp) is refused their password over RPC: keys only (`_rpc_api_keys_only`),
 * and their interactive login stops before the code (web-login.ts). The login
 * is the user row's, so renaming it in Odoo changes what logs in. Keeps secrets in memory only,
 * never in the model store where `read` could reach them.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { accessDenied } from './errors.js'
import type { Store } from './store.js'

interface UserSecrets {
  password: string
  api_keys: string[]
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export function generateApiKey(): string {
  return randomBytes(20).toString('hex')
}

export class Credentials {
  private readonly byUid = new Map<number, UserSecrets>()
  /**
   * Keys made through `make_key`, each by the id of its `res.users.apikeys` row (which holds name,
   * owner and date, never the key): removing the row, or a rolled-back transaction that never kept
   * it, ends the key, as deleting Odoo's row does.
   */
  private readonly issued = new Map<string, number>()
  /** Users with two-factor authentication on. */
  private readonly secondFactor = new Set<number>()

  constructor(private readonly store: Store) {}

  set(uid: number, password: string, api_keys: string[] = []): void {
    this.byUid.set(uid, { password, api_keys })
  }

  /** `res.users` written with a password (`_set_password`): the old one stops working, keys stay. */
  setPassword(uid: number, password: string): void {
    const secrets = this.byUid.get(uid)
    if (secrets) secrets.password = password
    else this.byUid.set(uid, { password, api_keys: [] })
  }

  addApiKey(uid: number, key = generateApiKey()): string {
    this.byUid.get(uid)?.api_keys.push(key)
    return key
  }

  /** `res.users.apikeys._generate`: a new key for the row `apikey_id` (its owner is the row's user_id). */
  issueApiKey(apikey_id: number): string {
    const key = generateApiKey()
    this.issued.set(key, apikey_id)
    return key
  }

  /** auth_totp turned on or off for a user (the sandbox's `/__sandbox/second-factor` hook). */
  setSecondFactor(uid: number, enabled: boolean): void {
    if (enabled) this.secondFactor.add(uid)
    else this.secondFactor.delete(uid)
  }

  /** Whether an interactive login of this user stops before a second factor. */
  hasSecondFactor(uid: number): boolean {
    return this.secondFactor.has(uid)
  }

  private active(uid: number): boolean {
    const row = this.store.get('res.users', uid)
    return Boolean(row && row.active !== false)
  }

  /** `_login` searches the login among active users (`_get_login_domain`). */
  private uidOfLogin(login: string): number | null {
    const row = this.store.rows('res.users').find((u) => u.login === login && u.active !== false)
    return row && this.byUid.has(row.id) ? row.id : null
  }

  /** The user an API key belongs to (scope `rpc`), or null. */
  uidOfApiKey(key: string): number | null {
    for (const [uid, secrets] of this.byUid) {
      if (this.active(uid) && secrets.api_keys.some((k) => same(k, key))) return uid
    }
    for (const [issued, apikey_id] of this.issued) {
      if (!same(issued, key)) continue
      const row = this.store.get('res.users.apikeys', apikey_id)
      const uid = typeof row?.user_id === 'number' ? row.user_id : null
      return uid !== null && this.active(uid) ? uid : null
    }
    return null
  }

  /** `res.users.check` (odoo/addons/base/models/res_users.py): password, or this user's own key. */
  check(uid: unknown, secret: unknown, unknownUser: () => Error = () => accessDenied()): void {
    if (typeof secret !== 'string' || secret === '') throw accessDenied()
    const id = typeof uid === 'number' ? uid : Number(uid)
    if (!this.store.has('res.users', id)) throw id === 0 ? accessDenied() : unknownUser()
    const secrets = this.byUid.get(id)
    if (!secrets || !this.active(id)) throw accessDenied()
    if (!this.secondFactor.has(id) && same(secrets.password, secret)) return
    if (this.uidOfApiKey(secret) === id) return
    throw accessDenied()
  }

  /**
   * `_check_credentials(password, {'interactive': True})` as `change_password` calls it: the
   * user's own password only, never an API key (17 and 19, res_users.py `APIKeysUser`).
   */
  checkPassword(uid: number, password: unknown): boolean {
    const secrets = this.byUid.get(uid)
    return typeof password === 'string' && secrets !== undefined && same(secrets.password, password)
  }

  /**
   * Odoo's interactive login (`/web/session/authenticate`): the uid for login + password, or false.
   * API keys are refused there (res_users.py: keys are for RPC, not for interactive sessions).
   */
  authenticatePassword(login: unknown, password: unknown): number | false {
    if (typeof login !== 'string' || typeof password !== 'string' || password === '') return false
    const uid = this.uidOfLogin(login)
    const secrets = uid === null ? undefined : this.byUid.get(uid)
    return uid !== null && secrets && same(secrets.password, password) ? uid : false
  }

  /** `common.authenticate`: the uid for login + password (or API key), or false. */
  authenticate(login: unknown, secret: unknown): number | false {
    if (typeof login !== 'string' || typeof secret !== 'string' || secret === '') return false
    const uid = this.uidOfLogin(login)
    if (uid === null) return false
    try {
      this.check(uid, secret)
      return uid
    } catch {
      return false
    }
  }
}
