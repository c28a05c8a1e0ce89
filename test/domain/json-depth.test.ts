/**
 * nestedDeeperThan: counts levels of arrays and objects alike, anywhere in the value, and answers
 * for values nested far deeper than the call stack could recurse.
 */
import { describe, expect, it } from 'vitest'
import { nestedDeeperThan } from '../../src/domain/json-depth.js'

function nested(depth: number, wrap: (inner: unknown) => unknown = (inner) => [inner]): unknown {
  let value: unknown = 'leaf'
  for (let i = 0; i < depth; i++) value = wrap(value)
  return value
}

describe('nestedDeeperThan', () => {
  it('counts each array or object as one level; scalars as none', () => {
    expect(nestedDeeperThan(0, 0)).toBe(false)
    expect(nestedDeeperThan(null, 0)).toBe(false)
    expect(nestedDeeperThan('[[[', 0)).toBe(false)
    expect(nestedDeeperThan([], 0)).toBe(true)
    expect(nestedDeeperThan({}, 1)).toBe(false)
    expect(nestedDeeperThan(nested(5), 5)).toBe(false)
    expect(nestedDeeperThan(nested(6), 5)).toBe(true)
    expect(
      nestedDeeperThan(
        nested(3, (inner) => ({ a: inner })),
        3,
      ),
    ).toBe(false)
    expect(
      nestedDeeperThan(
        nested(4, (inner) => ({ a: [inner] })),
        7,
      ),
    ).toBe(true)
  })

  it('finds the deep branch among shallow siblings, wherever it is', () => {
    const wide = { a: 1, b: [1, 2, { c: 3 }], d: { e: nested(10) }, f: 'x' }
    expect(nestedDeeperThan(wide, 12)).toBe(false)
    expect(nestedDeeperThan(wide, 11)).toBe(true)
    expect(nestedDeeperThan([nested(2), nested(2), [nested(9)]], 11)).toBe(false)
    expect(nestedDeeperThan([nested(2), nested(2), [nested(9)]], 10)).toBe(true)
  })

  it('answers for a value nested a million levels without overflowing the stack', () => {
    expect(nestedDeeperThan(nested(1_000_000), 100)).toBe(true)
    expect(
      nestedDeeperThan(
        nested(1_000_000, (inner) => ({ k: inner })),
        100,
      ),
    ).toBe(true)
  })
})
