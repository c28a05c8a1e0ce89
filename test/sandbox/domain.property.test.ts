/**
 * Property tests of the sandbox's domain evaluator (pure, no server): random domains over random
 * rows must select what a naive evaluator of Odoo's SQL semantics selects, `!` must select the
 * complement, `|` the union and juxtaposition the intersection.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileDomain, type DomainSource, normalizeDomain } from '../../src/sandbox/domain.js'
import type { FieldDef, Row } from '../../src/sandbox/fields.js'

const FIELDS: Record<string, FieldDef> = {
  qty: { type: 'integer', string: 'Quantity' },
  name: { type: 'char', string: 'Name' },
  done: { type: 'boolean', string: 'Done' },
}

type Value = number | string | boolean | null

const WORDS = ['alpha', 'Beta', 'gamma', 'ALPHABET', 'delta']

const rowArb = fc.record({
  qty: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
  name: fc.option(fc.constantFrom(...WORDS), { nil: null }),
  done: fc.boolean(),
})

type Leaf = [string, string, unknown]

const leafArb: fc.Arbitrary<Leaf> = fc.oneof(
  fc.tuple(
    fc.constant('qty'),
    fc.constantFrom('=', '!=', '<', '>', '<=', '>='),
    fc.integer({ min: 1, max: 5 }),
  ),
  fc.tuple(
    fc.constant('qty'),
    fc.constantFrom('in', 'not in'),
    fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 3 }),
  ),
  fc.tuple(fc.constant('name'), fc.constantFrom('=', '!='), fc.constantFrom(...WORDS)),
  fc.tuple(
    fc.constant('name'),
    fc.constantFrom('ilike', 'not ilike', 'like', 'not like'),
    fc.constantFrom('alp', 'a', 'ET', 'mm'),
  ),
  fc.tuple(fc.constant('name'), fc.constantFrom('=', '!='), fc.constant(false)),
  fc.tuple(fc.constant('done'), fc.constantFrom('=', '!='), fc.boolean()),
) as fc.Arbitrary<Leaf>

type Tree = { leaf: Leaf } | { not: Tree } | { and: [Tree, Tree] } | { or: [Tree, Tree] }

const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb.map((leaf) => ({ leaf })),
    tie('tree').map((t) => ({ not: t })),
    fc.tuple(tie('tree'), tie('tree')).map((pair) => ({ and: pair })),
    fc.tuple(tie('tree'), tie('tree')).map((pair) => ({ or: pair })),
  ),
})).tree

function toDomain(tree: Tree): unknown[] {
  if ('leaf' in tree) return [tree.leaf]
  if ('not' in tree) return ['!', ...toDomain(tree.not)]
  if ('and' in tree) return ['&', ...toDomain(tree.and[0]), ...toDomain(tree.and[1])]
  return ['|', ...toDomain(tree.or[0]), ...toDomain(tree.or[1])]
}

/** Odoo's SQL semantics for these leaves, written plainly: NULL never matches, negations add it. */
function naiveLeaf([field, op, right]: Leaf, row: Record<string, Value>): boolean {
  const v = row[field] ?? null
  if (field === 'done') {
    const want = op === '=' ? right : !right
    return want ? v === true : v !== true
  }
  if (right === false) return op === '=' ? v === null : v !== null
  switch (op) {
    case '=':
      return v !== null && v === right
    case '!=':
      return v === null || v !== right
    case '<':
      return v !== null && (v as number) < (right as number)
    case '>':
      return v !== null && (v as number) > (right as number)
    case '<=':
      return v !== null && (v as number) <= (right as number)
    case '>=':
      return v !== null && (v as number) >= (right as number)
    case 'in':
      return v !== null && (right as unknown[]).includes(v)
    case 'not in':
      return v === null || !(right as unknown[]).includes(v)
    case 'ilike':
      return v !== null && String(v).toLowerCase().includes(String(right).toLowerCase())
    case 'not ilike':
      return v === null || !String(v).toLowerCase().includes(String(right).toLowerCase())
    case 'like':
      return v !== null && String(v).includes(String(right))
    case 'not like':
      return v === null || !String(v).includes(String(right))
  }
  throw new Error(`no naive rule for ${op}`)
}

function naive(tree: Tree, row: Record<string, Value>): boolean {
  if ('leaf' in tree) return naiveLeaf(tree.leaf, row)
  if ('not' in tree) return !naive(tree.not, row)
  if ('and' in tree) return naive(tree.and[0], row) && naive(tree.and[1], row)
  return naive(tree.or[0], row) || naive(tree.or[1], row)
}

function source(rows: Row[]): DomainSource {
  return {
    field: (_model, name) => FIELDS[name],
    value: (_model, row, name) => {
      const value = row[name]
      return value === null || value === undefined ? false : value
    },
    rows: () => rows,
    nameSearch: () => [],
    parentName: () => undefined,
  }
}

const rowsArb = fc
  .array(rowArb, { maxLength: 25 })
  .map((rows) => rows.map((r, i) => ({ id: i + 1, ...r }) as Row))

function select(rows: Row[], domain: unknown[]): number[] {
  const predicate = compileDomain(source(rows), 'test.model', domain)
  return rows.filter(predicate).map((r) => r.id)
}

describe('domain evaluator properties', () => {
  it('selects what a naive evaluator of the same tree selects', () => {
    fc.assert(
      fc.property(rowsArb, treeArb, (rows, tree) => {
        const expected = rows
          .filter((r) => naive(tree, r as unknown as Record<string, Value>))
          .map((r) => r.id)
        expect(select(rows, toDomain(tree))).toEqual(expected)
      }),
      { numRuns: 300 },
    )
  })

  it('"!" selects the complement', () => {
    fc.assert(
      fc.property(rowsArb, treeArb, (rows, tree) => {
        const domain = toDomain(tree)
        const inside = new Set(select(rows, domain))
        expect(select(rows, ['!', ...domain])).toEqual(rows.map((r) => r.id).filter((id) => !inside.has(id)))
      }),
      { numRuns: 200 },
    )
  })

  it('"|" is the union and juxtaposition (implicit "&") the intersection', () => {
    fc.assert(
      fc.property(rowsArb, treeArb, treeArb, (rows, t1, t2) => {
        const d1 = normalizeDomain(toDomain(t1))
        const d2 = normalizeDomain(toDomain(t2))
        const a = new Set(select(rows, d1))
        const b = new Set(select(rows, d2))
        const ids = rows.map((r) => r.id)
        expect(select(rows, ['|', ...d1, ...d2])).toEqual(ids.filter((id) => a.has(id) || b.has(id)))
        expect(select(rows, [...d1, ...d2])).toEqual(ids.filter((id) => a.has(id) && b.has(id)))
      }),
      { numRuns: 200 },
    )
  })

  it('normalizes any well-formed implicit-AND list into one expression', () => {
    fc.assert(
      fc.property(fc.array(treeArb, { minLength: 1, maxLength: 4 }), (trees) => {
        const normalized = normalizeDomain(trees.flatMap(toDomain))
        expect(normalized.filter((t) => t === '&').length).toBeGreaterThanOrEqual(trees.length - 1)
      }),
      { numRuns: 100 },
    )
  })
})
