/**
 * Secrets without a database: the secret box (AES-256-GCM envelope), the generated secret file,
 * and connection tokens (format, randomness, hash, prefix).
 */
import { createHash } from 'node:crypto'
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createSecretBox } from '../../src/store/secret-box.js'
import { resolveSecret, secretFilePath } from '../../src/store/secret-file.js'
import {
  hashToken,
  looksLikeConnectionToken,
  newConnectionToken,
  tokenPrefix,
} from '../../src/store/tokens.js'

const KEY_A = 'countersign-test-secret-A-0123456789abcdef'
const KEY_B = 'countersign-test-secret-B-0123456789abcdef'

describe('secret box', () => {
  const box = createSecretBox(KEY_A)

  it('round-trips, with a fresh IV every time', () => {
    for (const plain of ['', 'odoo-api-key-1234567890abcdef', 'pässwörd ✓ 🔑', 'x'.repeat(2000)]) {
      const sealed = box.seal(plain)
      expect(sealed).toMatch(/^v1:[\w-]{16}:[\w-]{22}:[\w-]*$/)
      expect(box.open(sealed)).toBe(plain)
      if (plain.length > 0) expect(sealed).not.toContain(plain)
    }
    expect(box.seal('same')).not.toBe(box.seal('same'))
  })

  it('a different secret cannot open it', () => {
    expect(() => createSecretBox(KEY_B).open(box.seal('key'))).toThrow(/COUNTERSIGN_SECRET is not the one/)
    expect(() => createSecretBox(KEY_B).open(box.seal('key'))).toThrow(
      expect.objectContaining({ kind: 'corrupt' }),
    )
  })

  it('any change to the envelope is detected', () => {
    const [v, iv, tag, ct] = box.seal('odoo-api-key').split(':') as [string, string, string, string]
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url')
      bytes[0] = bytes[0]! ^ 1
      return bytes.toString('base64url')
    }
    for (const altered of [
      [v, flip(iv), tag, ct],
      [v, iv, flip(tag), ct],
      [v, iv, tag, flip(ct)],
      [v, iv, Buffer.from(tag, 'base64url').subarray(0, 4).toString('base64url'), ct], // a cut-down tag
      ['v2', iv, tag, ct],
      [v, iv, tag],
    ])
      expect(() => box.open(altered.join(':'))).toThrow(
        expect.objectContaining({ name: 'StoreError', kind: 'corrupt' }),
      )
  })

  it('a value sealed for one context does not open in another', () => {
    const sealed = box.seal('key-of-user-6', 'odoo-secret:6')
    expect(box.open(sealed, 'odoo-secret:6')).toBe('key-of-user-6')
    expect(() => box.open(sealed, 'odoo-secret:7')).toThrow(/cannot decrypt/)
    expect(() => box.open(sealed)).toThrow(/cannot decrypt/)
  })
})

describe('secret file (SQLite without COUNTERSIGN_SECRET)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'countersign-secret-'))
  afterAll(() => rmSync(folder, { recursive: true, force: true }))
  const sqlite = (path: string) => ({ kind: 'sqlite' as const, sqlite_path: path, secret: null })

  it('is generated on first run with mode 0600 next to the database, and read back later', () => {
    const db = join(folder, 'first', 'data', 'countersign.db')
    const first = resolveSecret(sqlite(db))
    expect(first).toMatchObject({ source: 'generated', path: join(folder, 'first', 'data', 'secret') })
    expect(first.secret).toMatch(/^[\w-]{43}$/)
    expect(Buffer.from(first.secret, 'base64url')).toHaveLength(32)
    expect(statSync(first.path!).mode & 0o777).toBe(0o600)
    expect(readFileSync(first.path!, 'utf8')).toBe(`${first.secret}\n`)
    expect(resolveSecret(sqlite(db))).toEqual({ ...first, source: 'file' })
  })

  it('COUNTERSIGN_SECRET wins over the file', () => {
    expect(
      resolveSecret({ ...sqlite(join(folder, 'first', 'data', 'countersign.db')), secret: KEY_A }),
    ).toEqual({
      secret: KEY_A,
      source: 'environment',
      path: null,
    })
  })

  it.skipIf(process.platform === 'win32')(
    'refuses a secret file other users can read, saying how to fix it',
    () => {
      const db = join(folder, 'loose', 'countersign.db')
      const { path } = resolveSecret(sqlite(db))
      chmodSync(path!, 0o644)
      expect(() => resolveSecret(sqlite(db))).toThrow(
        `the secret file ${path} is readable by other users (mode 644): run \`chmod 600 ${path}\``,
      )
    },
  )

  it('refuses a secret file that is too short', () => {
    const db = join(folder, 'short', 'countersign.db')
    resolveSecret(sqlite(db))
    writeFileSync(secretFilePath(db), 'short\n', { mode: 0o600 })
    expect(() => resolveSecret(sqlite(db))).toThrow(/fewer than 32 characters/)
  })

  it('with PostgreSQL there is no file: the variable is required', () => {
    expect(() => resolveSecret({ kind: 'postgres', sqlite_path: null, secret: null })).toThrow(
      /required with PostgreSQL/,
    )
  })
})

describe('connection tokens', () => {
  it('are csk_ + 43 base64url characters carrying 32 random bytes', () => {
    const tokens = Array.from({ length: 1000 }, newConnectionToken)
    for (const token of tokens) {
      expect(token).toMatch(/^csk_[A-Za-z0-9_-]{43}$/)
      expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32) // 256 bits
      expect(looksLikeConnectionToken(token)).toBe(true)
    }
    expect(new Set(tokens).size).toBe(1000)
    // Every base64url character shows up across 43,000 of them: the bytes are not drawn from a narrow set.
    expect(new Set(tokens.flatMap((t) => [...t.slice(4)])).size).toBe(64)
    expect(looksLikeConnectionToken('csk_short')).toBe(false)
    expect(looksLikeConnectionToken(`Bearer ${tokens[0]}`)).toBe(false)
  })

  it('hash to SHA-256 hex and show a 12-character prefix', () => {
    const token = newConnectionToken()
    expect(hashToken(token)).toBe(createHash('sha256').update(token).digest('hex'))
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(tokenPrefix(token)).toBe(token.slice(0, 12))
    expect(tokenPrefix(token)).toMatch(/^csk_.{8}$/)
  })
})
