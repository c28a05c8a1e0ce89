/**
 * Canonical JSON and its SHA-256: the fingerprint of a request's arguments, computed when it is
 * filed and checked again right before execution. Object keys are sorted by UTF-16 code units,
 * no whitespace, numbers in JavaScript's shortest form (as JSON.stringify writes them). Pure.
 * Refuses values that have no JSON form (undefined, functions, NaN, Infinity, bigint) instead of
 * silently dropping them, so two different argument sets never share a fingerprint.
 */
import { createHash } from 'node:crypto'

export class NotJsonError extends Error {
  override name = 'NotJsonError'
}

export function canonicalJson(value: unknown): string {
  return write(value, '$')
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null'
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value)
    case 'number':
      if (!Number.isFinite(value)) throw new NotJsonError(`${path} is ${value}, which JSON cannot hold`)
      return JSON.stringify(value)
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item, i) => write(item, `${path}[${i}]`)).join(',')}]`
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null)
        throw new NotJsonError(`${path} is not a plain object`)
      const entries = Object.keys(value)
        .sort()
        .map(
          (key) =>
            `${JSON.stringify(key)}:${write((value as Record<string, unknown>)[key], `${path}.${key}`)}`,
        )
      return `{${entries.join(',')}}`
    }
    default:
      throw new NotJsonError(`${path} is ${typeof value}, which JSON cannot hold`)
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** Canonical text of the arguments and its SHA-256, as stored on the request. */
export function fingerprint(args: unknown): { arguments: string; arguments_sha256: string } {
  const text = canonicalJson(args)
  return { arguments: text, arguments_sha256: sha256Hex(text) }
}
