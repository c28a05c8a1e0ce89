/**
 * Odoo domains (prefix notation with `&`, `|`, `!`, implicit `&`) compiled into a predicate over
 * stored rows, following Odoo 17's `osv/expression.py`: the same syntax check and messages, dotted
 * paths turned into `any` on the relation, names matched through `_name_search` for relational
 * fields, `child_of`/`parent_of` through the parent field. Does not apply access rights, record
 * rules or `active_test` to the root model (orm-read.ts does); only evaluates.
 */

import { leafMatches, NEGATIVE_OPERATORS, truthy } from './domain-leaf.js'
import { assertionError, valueError } from './errors.js'
import type { FieldDef, Row } from './fields.js'
import { pyRepr, reprTuple } from './py-repr.js'

export type Predicate = (row: Row) => boolean

/** What the evaluator needs to know about the data; orm-read.ts provides it. */
export interface DomainSource {
  field(model: string, name: string): FieldDef | undefined
  /** many2one → id or false, x2many → ids, anything else → the stored or computed value. */
  value(model: string, row: Row, name: string): unknown
  rows(model: string, active_test: boolean): Row[]
  /** `_name_search(name, [], operator)` with active_test off: the matching ids. */
  nameSearch(model: string, name: unknown, operator: string): number[]
  /** `_parent_name` when the model is a hierarchy (res.partner: parent_id). */
  parentName(model: string): string | undefined
}

const OPERATORS = new Set(['&', '|', '!'])
const TERM_OPERATORS = new Set([
  '=',
  '!=',
  '<=',
  '<',
  '>',
  '>=',
  '=?',
  '=like',
  '=ilike',
  'like',
  'not like',
  'ilike',
  'not ilike',
  'in',
  'not in',
  'child_of',
  'parent_of',
  'any',
  'not any',
])
const TRUE_LEAF = [1, '=', 1] as const
const FALSE_LEAF = [0, '=', 1] as const

type Leaf = readonly [unknown, unknown, unknown]
type Token = string | Leaf

const isOperator = (token: unknown): token is string => typeof token === 'string' && OPERATORS.has(token)
// Python compares (1, '=', 1) == (True, '=', 1) as equal, hence the loose number check.
const sameLeaf = (leaf: Leaf, model: readonly unknown[]) =>
  Number(leaf[0]) === model[0] && typeof leaf[0] !== 'string' && leaf[1] === model[1] && leaf[2] === model[2]

/** `normalize_domain`: makes the implicit `&` explicit and checks the arity. */
export function normalizeDomain(domain: unknown): unknown[] {
  if (!Array.isArray(domain))
    throw assertionError(
      "Domains to normalize must have a 'domain' form: a list or tuple of domain components",
    )
  if (domain.length === 0) return [[...TRUE_LEAF]]
  const result: unknown[] = []
  let expected = 1
  for (const token of domain) {
    if (expected === 0) {
      result.unshift('&')
      expected = 1
    }
    if (Array.isArray(token)) expected -= 1
    else expected += (token === '!' ? 1 : token === '&' || token === '|' ? 2 : 0) - 1
    result.push(token)
  }
  if (expected !== 0) throw valueError(`Domain ${pyRepr(domain)} is syntactically not correct.`)
  return result
}

/** Python's `left, operator, right = tuple(item)` on one domain element. */
function unpack(item: unknown): Leaf {
  const items = typeof item === 'string' ? [...item] : Array.isArray(item) ? item : null
  if (!items)
    throw valueError(`cannot unpack non-iterable ${typeof item === 'number' ? 'int' : 'object'} object`)
  if (items.length > 3) throw valueError('too many values to unpack (expected 3)')
  if (items.length < 3) throw valueError(`not enough values to unpack (expected 3, got ${items.length})`)
  return [items[0], items[1], items[2]]
}

/** `normalize_leaf` + `check_leaf`. */
function checkLeaf(leaf: Leaf): Leaf {
  let [left, operator, right] = leaf
  if (typeof operator === 'string') {
    operator = operator.toLowerCase()
    if (operator === '<>') operator = '!='
    if (typeof right === 'boolean' && (operator === 'in' || operator === 'not in'))
      operator = operator === 'in' ? '=' : '!='
    if (Array.isArray(right) && (operator === '=' || operator === '!='))
      operator = operator === '=' ? 'in' : 'not in'
  }
  const valid =
    typeof operator === 'string' &&
    TERM_OPERATORS.has(operator) &&
    ((typeof left === 'string' && left !== '') || sameLeaf(leaf, TRUE_LEAF) || sameLeaf(leaf, FALSE_LEAF))
  if (!valid) throw valueError(`Invalid leaf ${reprTuple([left, operator, right])}`)
  return [left, operator, right]
}

/** Compiles `domain` on `model`; throws Odoo's errors for a malformed domain or unknown field. */
export function compileDomain(src: DomainSource, model: string, domain: unknown): Predicate {
  const tokens: Token[] = normalizeDomain(domain).map((item) => {
    if (isOperator(item)) return item
    const leaf = unpack(item)
    if (sameLeaf(leaf, TRUE_LEAF) || sameLeaf(leaf, FALSE_LEAF)) return leaf
    const [left, operator, right] = leaf
    const path = String(left).split('.')
    const name = path[0] as string
    const field = src.field(model, name)
    if (!field) throw valueError(`Invalid field ${model}.${name} in leaf ${reprTuple(leaf)}`)
    if (path.length > 1 && field.comodel)
      return [name, 'any', [[path.slice(1).join('.'), operator, right]]] as Leaf
    return leaf
  })
  const stack: Predicate[] = []
  for (const token of [...tokens].reverse()) {
    if (isOperator(token)) {
      const a = stack.pop() as Predicate
      if (token === '!') stack.push((row) => !a(row))
      else {
        const b = stack.pop() as Predicate
        stack.push(token === '&' ? (row) => a(row) && b(row) : (row) => a(row) || b(row))
      }
      continue
    }
    stack.push(compileLeaf(src, model, checkLeaf(token)))
  }
  return stack[0] as Predicate
}

function compileLeaf(src: DomainSource, model: string, leaf: Leaf): Predicate {
  if (sameLeaf(leaf, TRUE_LEAF)) return () => true
  if (sameLeaf(leaf, FALSE_LEAF)) return () => false
  const [left, op, right] = leaf as [string, string, unknown]
  if (left.includes('.'))
    throw assertionError(`Invalid field ${pyRepr(left)} in domain term ${reprTuple(leaf)}`)
  const field = src.field(model, left)
  if (left === 'id' && (op === 'child_of' || op === 'parent_of')) {
    const ids = hierarchy(src, model, toIds(src, model, right), op, src.parentName(model))
    return (row) => ids.has(row.id)
  }
  if (!field?.comodel) {
    let value = right
    if (field?.type === 'datetime' && typeof right === 'string' && right.length === 10)
      value = `${right} ${op === '>' || op === '<=' ? '23:59:59' : '00:00:00'}`
    return (row) => leafMatches(field, left === 'id' ? row.id : src.value(model, row, left), op, value)
  }
  const comodel = field.comodel
  if (op === 'any' || op === 'not any') {
    if (!Array.isArray(right)) throw valueError(`Invalid domain term ${reprTuple(leaf)}`)
    const sub = compileDomain(src, comodel, right)
    const matching = new Set(
      src
        .rows(comodel, field.type !== 'many2one')
        .filter(sub)
        .map((r) => r.id),
    )
    return relationalTest(
      src,
      model,
      left,
      field,
      (ids) => ids.some((id) => matching.has(id)),
      op === 'not any',
    )
  }
  if (op === 'child_of' || op === 'parent_of') {
    const parent = comodel === model ? left : src.parentName(comodel)
    const ids = hierarchy(src, comodel, toIds(src, comodel, right), op, parent)
    return relationalTest(src, model, left, field, (related) => related.some((id) => ids.has(id)), false)
  }
  const negative = NEGATIVE_OPERATORS.has(op)
  if (field.type === 'many2one') {
    const names =
      typeof right === 'string' ||
      (Array.isArray(right) && right.length > 0 && right.every((r) => typeof r === 'string'))
    if (!names) return (row) => leafMatches(field, src.value(model, row, left), op, right)
    let nameOp = ['<', '>', '<=', '>='].includes(op) ? 'in' : op
    if (!Array.isArray(right) && (nameOp === 'in' || nameOp === 'not in'))
      nameOp = nameOp === 'in' ? '=' : '!='
    else if (Array.isArray(right) && (nameOp === '=' || nameOp === '!='))
      nameOp = nameOp === '=' ? 'in' : 'not in'
    const ids = new Set(src.nameSearch(comodel, right, nameOp))
    return (row) => {
      const value = src.value(model, row, left)
      if (negative && (value === false || value === null)) return true
      return typeof value === 'number' && ids.has(value)
    }
  }
  // one2many / many2many
  if (right === false) {
    return (row) => {
      const has = (src.value(model, row, left) as number[]).length > 0
      return negative ? has : !has
    }
  }
  let ids: number[]
  if (typeof right === 'string') ids = src.nameSearch(comodel, right, negative ? positive(op) : op)
  else if (Array.isArray(right))
    ids = right.filter((it): it is number => typeof it === 'number' && truthy(it))
  else ids = [Number(right)]
  const wanted = new Set(ids)
  return relationalTest(src, model, left, field, (related) => related.some((id) => wanted.has(id)), negative)
}

function positive(op: string): string {
  return op === '!=' ? '=' : op === 'not in' ? 'in' : op.replace('not ', '')
}

/** many2one `any` needs a value; x2many `any` needs one related id to pass. */
function relationalTest(
  src: DomainSource,
  model: string,
  name: string,
  field: FieldDef,
  test: (related: number[]) => boolean,
  negate: boolean,
): Predicate {
  return (row) => {
    const value = src.value(model, row, name)
    const related =
      field.type === 'many2one' ? (typeof value === 'number' ? [value] : []) : (value as number[])
    const result = test(related)
    return negate ? !result : result
  }
}

/** `to_ids` of the hierarchy operators: names are searched, 0/False means nothing. */
function toIds(src: DomainSource, model: string, right: unknown): number[] {
  if (typeof right === 'string') return src.nameSearch(model, right, 'ilike')
  if (Array.isArray(right) && right.length > 0 && right.every((r) => typeof r === 'string'))
    return [...new Set(right.flatMap((name) => src.nameSearch(model, name, 'ilike')))]
  if (typeof right === 'number') return right ? [right] : []
  if (Array.isArray(right)) return right.filter((r): r is number => typeof r === 'number')
  return []
}

function hierarchy(
  src: DomainSource,
  model: string,
  ids: number[],
  op: string,
  parent: string | undefined,
): Set<number> {
  const result = new Set(ids)
  if (!parent) return result
  const rows = src.rows(model, false)
  if (op === 'child_of') {
    let grew = true
    while (grew) {
      grew = false
      for (const row of rows) {
        const up = src.value(model, row, parent)
        if (typeof up === 'number' && result.has(up) && !result.has(row.id)) {
          result.add(row.id)
          grew = true
        }
      }
    }
  } else {
    const byId = new Map(rows.map((r) => [r.id, r]))
    for (const id of ids) {
      let current = byId.get(id)
      while (current) {
        const up = src.value(model, current, parent)
        if (typeof up !== 'number' || result.has(up)) break
        result.add(up)
        current = byId.get(up)
      }
    }
  }
  return result
}
