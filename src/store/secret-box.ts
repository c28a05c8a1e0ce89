/**
 * Encrypts short secrets (Odoo passwords and API keys) for storage: AES-256-GCM with a fresh random
 * 12-byte IV per value, under a key derived from COUNTERSIGN_SECRET with scrypt and a fixed
 * application salt. scrypt rather than a plain hash so that a weak, human-chosen secret still costs
 * an attacker holding a copy of the database real work per guess; it runs once per process.
 * Output is a versioned text envelope `v1:<iv>:<tag>:<ciphertext>` (base64url parts), so the scheme
 * can change later without guessing. Does not store anything or read the environment.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto'
import { StoreError } from './store-error.js'

export interface SecretBox {
  /** Encrypts `plaintext`. `context`, when given, must be given again to open it (GCM associated data). */
  seal(plaintext: string, context?: string): string
  /** Decrypts an envelope from `seal`; throws StoreError('corrupt') on a wrong key or altered value. */
  open(envelope: string, context?: string): string
}

const VERSION = 'v1'
const SALT = 'countersign/secret-box/v1'
// N=2^15, r=8: 32 MiB and tens of milliseconds, once at start-up.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const

export function createSecretBox(secret: string): SecretBox {
  if (secret.length === 0)
    throw new StoreError('failed', 'the secret box needs a non-empty COUNTERSIGN_SECRET')
  const key = scryptSync(secret.normalize('NFC'), SALT, 32, SCRYPT)
  return {
    seal(plaintext, context) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 })
      if (context !== undefined) cipher.setAAD(Buffer.from(context, 'utf8'))
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url'))
      return [VERSION, ...parts].join(':')
    },
    open(envelope, context) {
      const [version, iv, tag, ciphertext, ...rest] = envelope.split(':')
      if (
        version !== VERSION ||
        iv === undefined ||
        tag === undefined ||
        ciphertext === undefined ||
        rest.length > 0
      )
        throw new StoreError('corrupt', 'a stored secret is not in the v1:<iv>:<tag>:<ciphertext> format')
      try {
        // A fixed tag length: otherwise GCM would accept a tag cut down to 4 bytes, easing forgery.
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
          authTagLength: 16,
        })
        decipher.setAuthTag(Buffer.from(tag, 'base64url'))
        if (context !== undefined) decipher.setAAD(Buffer.from(context, 'utf8'))
        return Buffer.concat([
          decipher.update(Buffer.from(ciphertext, 'base64url')),
          decipher.final(),
        ]).toString('utf8')
      } catch (error) {
        throw new StoreError(
          'corrupt',
          'cannot decrypt a stored secret: COUNTERSIGN_SECRET is not the one it was encrypted with, or the value was altered',
          { cause: error },
        )
      }
    },
  }
}
