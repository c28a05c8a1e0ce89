/**
 * Which values of a tool call are secrets, so that they are hidden wherever the call is shown,
 * logged or stored in clear (issue 11: `execute_method res.users change_password` put both passwords
 * in the summary, the arguments and the approver's Odoo activity). `maskSecrets` replaces each
 * secret value by `HIDDEN` and lists what it hid by path; `restoreSecrets` puts them back, exactly,
 * for the one thing that needs them: running the approved call. Pure: no I/O, no encryption (the
 * store seals the list, store/secret-box.ts).
 *
 * The rules (docs/security.md "What is masked"):
 * 1. A key of any object, at any depth (values, kwargs, x2many commands, context), whose name has a
 *    word meaning a secret — password, passwd, pwd, passphrase, secret(s), token(s), apikey,
 *    credential(s) — or whose last word is `key` (`key`, `api_key`, `secret_key`, `privateKey`). Words
 *    are split at `_`, `-`, `.`, spaces and camelCase. A name whose last word is `id`, `ids`, `uid` or
 *    `count` holds record ids or a number of them, never the secret itself (`api_key_ids`,
 *    `token_count`), so it is not one; nor are `keyword`, `keys` or `monkey` (no word is `key`).
 *    Under such a key every string and number is hidden, however deep.
 * 2. `execute_method` with a method named like rule 1 (`change_password`, `set_api_key`,
 *    `action_reset_password`): every string in `args` and in `kwargs` except `kwargs.context`. Numbers
 *    stay (over JSON-RPC `args[0]` may be the record ids), and so does the structure.
 * Empty strings, booleans and null are never hidden: they carry no secret and say something useful
 * ("no password"). Object keys and the tool's own parameters (model, method, ids) are never hidden.
 */
import { canonicalJson } from './canonical-json.js'

/** What a hidden value reads as, everywhere. */
export const HIDDEN = '•••• (hidden)'

/** Where a value sits in the arguments: object keys and array indexes from the top. */
export type SecretPath = Array<string | number>

export interface HiddenValue {
  path: SecretPath
  value: string | number
}

export interface MaskedArguments<T> {
  /** The arguments with every secret replaced by HIDDEN; the same shape otherwise. */
  masked: T
  /** What was hidden, in canonical order (object keys sorted), so equal calls give equal lists. */
  secrets: HiddenValue[]
}

const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'tokens',
  'apikey',
  'credential',
  'credentials',
])
/** Last words that name ids or counts of records, not the secret itself. */
const NOT_THE_VALUE = new Set(['id', 'ids', 'uid', 'count'])

/** `api_key` → [api, key]; `oldPasswd` → [old, passwd]; `X-Auth-Token` → [x, auth, token]. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '')
}

/** Rule 1: whether a key (or a method) is named like a secret. */
export function looksSecret(name: string): boolean {
  const words = nameWords(name)
  const last = words.at(-1)
  if (last === undefined || NOT_THE_VALUE.has(last)) return false
  return last === 'key' || words.some((w) => SECRET_WORDS.has(w))
}

/** What is hidden below a point: nothing, strings (rule 2), or strings and numbers (rule 1). */
type Hide = 'none' | 'strings' | 'scalars'

export function maskSecrets<T>(tool: string, args: T): MaskedArguments<T> {
  const secrets: HiddenValue[] = []
  const walk = (value: unknown, path: SecretPath, hide: Hide): unknown => {
    if (typeof value === 'string')
      return hide !== 'none' && value !== '' ? hideValue(value, path, secrets) : value
    if (typeof value === 'number') return hide === 'scalars' ? hideValue(value, path, secrets) : value
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i], hide))
    if (value === null || typeof value !== 'object') return value
    const record = value as Record<string, unknown>
    // Sorted keys, as canonical JSON writes them: the list of secrets does not depend on key order.
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, walk(record[key], [...path, key], childHide(tool, record, path, key, hide))]),
    )
  }
  return { masked: walk(args, [], 'none') as T, secrets }
}

/** What is hidden below `key` of the object at `path`: rule 1 anywhere, rule 2 at the top of execute_method. */
function childHide(
  tool: string,
  record: Record<string, unknown>,
  path: SecretPath,
  key: string,
  inherited: Hide,
): Hide {
  if (looksSecret(key)) return 'scalars'
  if (tool === 'execute_method') {
    if (path.length === 0 && (key === 'args' || key === 'kwargs') && secretMethod(record.method))
      return 'strings'
    // The context is Odoo's (lang, tz, active_test), not the method's input; rule 1 still applies in it.
    if (path.length === 1 && path[0] === 'kwargs' && key === 'context') return 'none'
  }
  return inherited
}

function secretMethod(method: unknown): boolean {
  return typeof method === 'string' && looksSecret(method)
}

function hideValue(value: string | number, path: SecretPath, secrets: HiddenValue[]): string {
  secrets.push({ path, value })
  return HIDDEN
}

export class SecretsMismatch extends Error {
  override name = 'SecretsMismatch'
}

/**
 * The arguments as the AI sent them, from the stored (masked) ones and the secrets hidden from them.
 * Refuses (SecretsMismatch) when a secret's path does not hold HIDDEN in `masked`, or when a value
 * the rules hide still reads HIDDEN afterwards: running the call then would send the placeholder to
 * Odoo (`change_password` would set the password to it).
 */
export function restoreSecrets<T>(tool: string, masked: T, secrets: readonly HiddenValue[]): T {
  const restored = JSON.parse(JSON.stringify(masked)) as T
  for (const { path, value } of secrets) {
    const parentPath = path.slice(0, -1)
    const last = path.at(-1)
    let container: unknown = restored
    for (const step of parentPath) container = child(container, step)
    if (last === undefined || child(container, last) !== HIDDEN)
      throw new SecretsMismatch(`no hidden value at ${describePath(path)}`)
    ;(container as Record<string | number, unknown>)[last] = value
  }
  const missing = maskSecrets(tool, restored).secrets.find((s) => s.value === HIDDEN)
  if (missing) throw new SecretsMismatch(`the hidden value at ${describePath(missing.path)} is missing`)
  return restored
}

function child(container: unknown, step: string | number): unknown {
  if (typeof step === 'number')
    return Array.isArray(container) && Number.isInteger(step) && step >= 0 && step < container.length
      ? container[step]
      : undefined
  if (container === null || typeof container !== 'object' || Array.isArray(container)) return undefined
  return Object.hasOwn(container, step) ? (container as Record<string, unknown>)[step] : undefined
}

function describePath(path: SecretPath): string {
  return path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('') || '(top)'
}

/** The hidden values as text to seal, and back; canonical, so equal secrets give equal text. */
export function secretsText(secrets: readonly HiddenValue[]): string {
  return canonicalJson(secrets)
}

export function parseSecretsText(text: string): HiddenValue[] {
  const parsed: unknown = JSON.parse(text)
  if (!Array.isArray(parsed)) throw new SecretsMismatch('the sealed secrets are not a list')
  return parsed.map((item) => {
    const { path, value } = (item ?? {}) as { path?: unknown; value?: unknown }
    const pathOk = Array.isArray(path) && path.every((s) => typeof s === 'string' || typeof s === 'number')
    if (!pathOk || (typeof value !== 'string' && typeof value !== 'number'))
      throw new SecretsMismatch('the sealed secrets are not in the expected form')
    return { path: path as SecretPath, value }
  })
}

/** A value (an audit payload, a result) with rule 1 applied and nothing kept: for logs only. */
export function maskForLog(value: unknown, tool = ''): unknown {
  return maskSecrets(tool, value).masked
}
