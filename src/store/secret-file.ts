/**
 * Where COUNTERSIGN_SECRET comes from when it is not set: with SQLite (the embedded default), a
 * secret is generated on first run into `<folder of the SQLite file>/secret` (32 random bytes,
 * base64url, mode 0600) and read back on later runs, so a newcomer needs no setup. With PostgreSQL
 * every replica needs the same secret, so config.ts demands the variable instead. Refuses a secret
 * file that other users can read, as ssh does with keys. Does not encrypt anything (secret-box.ts).
 */
import { randomBytes } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { ConfigError, type StoreConfig } from '../config.js'

export const SECRET_FILE_NAME = 'secret'

/** The path of the generated secret for a SQLite database file. */
export function secretFilePath(sqlite_path: string): string {
  return join(dirname(resolve(sqlite_path)), SECRET_FILE_NAME)
}

/**
 * COUNTERSIGN_SECRET when set; otherwise (SQLite only) the generated one, creating it on first run.
 * `generated` tells the caller to say once where the secret was written.
 */
export function resolveSecret(config: Pick<StoreConfig, 'kind' | 'sqlite_path' | 'secret'>): {
  secret: string
  source: 'environment' | 'file' | 'generated' | 'ephemeral'
  path: string | null
} {
  if (config.secret !== null) return { secret: config.secret, source: 'environment', path: null }
  if (config.kind !== 'sqlite' || config.sqlite_path === null)
    throw new ConfigError(
      'COUNTERSIGN_SECRET',
      'COUNTERSIGN_SECRET is not set: it is required with PostgreSQL',
    )
  // An in-memory database keeps nothing, so neither does its secret.
  if (config.sqlite_path === ':memory:' || config.sqlite_path === '')
    return { secret: randomBytes(32).toString('base64url'), source: 'ephemeral', path: null }
  const path = secretFilePath(config.sqlite_path)
  const existing = readSecretFile(path)
  if (existing !== null) return { secret: existing, source: 'file', path }
  const created = createSecretFile(path)
  return created === null
    ? { secret: readSecretFile(path)!, source: 'file', path }
    : { secret: created, source: 'generated', path }
}

/** The secret in `path`, or null when there is no such file. */
function readSecretFile(path: string): string | null {
  let mode: number
  try {
    mode = statSync(path).mode
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return null
    throw unreadable(path, error)
  }
  // POSIX permissions only; Windows reports synthetic modes.
  if (process.platform !== 'win32' && (mode & 0o077) !== 0)
    throw new ConfigError(
      'COUNTERSIGN_SECRET',
      `the secret file ${path} is readable by other users (mode ${(mode & 0o777).toString(8)}): run \`chmod 600 ${path}\``,
    )
  let text: string
  try {
    text = readFileSync(path, 'utf8').trim()
  } catch (error) {
    throw unreadable(path, error)
  }
  if (text.length < 32)
    throw new ConfigError(
      'COUNTERSIGN_SECRET',
      `the secret file ${path} holds fewer than 32 characters: restore it from a backup, or set COUNTERSIGN_SECRET`,
    )
  return text
}

/**
 * Writes a new secret, atomically: into a private temporary file, then hard-linked into place, which
 * fails if another process got there first. Returns null in that case (read theirs instead).
 */
function createSecretFile(path: string): string | null {
  const secret = randomBytes(32).toString('base64url')
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(temporary, `${secret}\n`, { mode: 0o600, flag: 'wx' })
    linkSync(temporary, path)
    return secret
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return null
    throw new ConfigError(
      'COUNTERSIGN_SECRET',
      `cannot create the secret file ${path} (${codeOf(error) ?? 'error'}): make its folder writable, or set COUNTERSIGN_SECRET`,
    )
  } finally {
    try {
      unlinkSync(temporary)
    } catch {
      // Never created, or already gone.
    }
  }
}

function unreadable(path: string, error: unknown): ConfigError {
  return new ConfigError(
    'COUNTERSIGN_SECRET',
    `cannot read the secret file ${path} (${codeOf(error) ?? 'error'}): fix its permissions, or set COUNTERSIGN_SECRET`,
  )
}

function codeOf(error: unknown): string | null {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : null
}
