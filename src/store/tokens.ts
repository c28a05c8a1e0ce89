/**
 * MCP connection tokens: `csk_` + 43 base64url characters (32 random bytes, 256 bits). The token is
 * shown once; the store keeps only its SHA-256 and a short display prefix. A plain (unsalted,
 * fast) hash is enough because the token is 256 random bits, not a password: nothing can be
 * guessed from the hash, and looking a token up by its hash needs no constant-time compare.
 * Does not store or look up anything (connections.ts does).
 */
import { createHash, randomBytes } from 'node:crypto'

export const TOKEN_PREFIX = 'csk_'
const TOKEN_SHAPE = /^csk_[A-Za-z0-9_-]{43}$/

export function newConnectionToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url')
}

/** SHA-256 of the token, lowercase hex: the `connection.token_hash` column. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** The first 12 characters (`csk_` + 8), enough to recognise a token in a list, useless to use it. */
export function tokenPrefix(token: string): string {
  return token.slice(0, 12)
}

/** Whether a string has the shape of a connection token (a cheap check before any lookup). */
export function looksLikeConnectionToken(value: string): boolean {
  return TOKEN_SHAPE.test(value)
}
