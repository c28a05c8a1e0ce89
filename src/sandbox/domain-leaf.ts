/**
 * One comparison of a domain leaf on one stored value, with the semantics Odoo 17 gives it in
 * SQL (`expression.__leaf_to_sql`): NULL never compares, negative operators also match NULL,
 * `like` wraps the value in `%…%`, `=?` is true for a False right side, `in` drops False from the
 * list and adds `IS NULL`. Does not resolve paths, relations or names (domain.ts does).
 */
import type { FieldDef } from './fields.js'

export const NEGATIVE_OPERATORS = new Set(['!=', 'not like', 'not ilike', 'not in'])

/** Python truthiness of a JSON value. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === 'object') return Object.keys(value as object).length > 0
  return true
}

/** The SQL NULL of a stored value: Odoo stores False as NULL for every non-boolean field. */
export function isNull(value: unknown): boolean {
  return value === null || value === undefined || value === false
}

/** Python's `str()` of a value, as `pycompat.to_text` renders the right side of a `like`. */
export function pyText(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  return String(value)
}

/** A SQL LIKE pattern as a RegExp (`%` any run, `_` one character, `\` escapes). */
export function likePattern(pattern: string, caseInsensitive: boolean): RegExp {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string
    if (ch === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i] as string)
    } else if (ch === '%') source += '[\\s\\S]*'
    else if (ch === '_') source += '[\\s\\S]'
    else source += escapeRegExp(ch)
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'iu' : 'u')
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

/** How a stored value prints as `::text` in PostgreSQL, for `like` on non-text columns. */
function columnText(value: unknown): string {
  if (value === true) return 'true'
  return String(value)
}

function convert(field: FieldDef | undefined, value: unknown): unknown {
  if (!field) return value
  if (field.type === 'boolean' && typeof value === 'number') return value !== 0
  if (
    (field.type === 'integer' || field.type === 'many2one') &&
    typeof value === 'string' &&
    /^-?\d+$/.test(value)
  )
    return Number(value)
  if (
    (field.type === 'float' || field.type === 'monetary') &&
    typeof value === 'string' &&
    value.trim() !== ''
  )
    return Number(value)
  return value
}

function equal(a: unknown, b: unknown): boolean {
  return a === b
}

function compare(a: unknown, b: unknown): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  return null
}

/**
 * Whether `value` (the stored column; `field` undefined for `id`) satisfies `operator right`.
 * `operator` is already normalised (lower case, `<>` → `!=`).
 */
export function leafMatches(
  field: FieldDef | undefined,
  value: unknown,
  operator: string,
  right: unknown,
): boolean {
  const isBoolean = field?.type === 'boolean'
  const stored = isBoolean
    ? value === true
      ? true
      : value === false
        ? false
        : null
    : isNull(value)
      ? null
      : value

  if (operator === '=?') {
    if (right === false || right === null) return true
    return leafMatches(field, value, '=', right)
  }

  if (operator === 'in' || operator === 'not in') {
    if (typeof right === 'boolean') {
      const wantNotNull = (operator === 'in' && right) || (operator === 'not in' && !right)
      return wantNotNull ? stored !== null : stored === null
    }
    if (!Array.isArray(right)) return false
    let params: unknown[]
    let checkNull: boolean
    if (isBoolean) {
      params = [true, false].filter((it) => right.includes(it))
      checkNull = right.includes(false)
    } else {
      params = right.filter((it) => it !== false && it !== null).map((it) => convert(field, it))
      checkNull = params.length < right.length
    }
    const inParams = stored !== null && params.some((p) => equal(stored, p))
    let result: boolean
    if (params.length > 0) result = operator === 'in' ? inParams : stored !== null && !inParams
    else result = operator !== 'in'
    if ((operator === 'in' && checkNull) || (operator === 'not in' && !checkNull))
      result = result || stored === null
    else if (operator === 'not in' && checkNull) result = result && stored !== null
    return result
  }

  if (isBoolean && (operator === '=' || operator === '!=') && typeof right === 'boolean') {
    const want = operator === '!=' ? !right : right
    return want ? stored === true : stored === null || stored === false
  }

  if (operator === '=' && (right === false || right === null)) return stored === null
  if (operator === '!=' && (right === false || right === null)) return stored !== null

  const needWildcard =
    operator === 'like' || operator === 'ilike' || operator === 'not like' || operator === 'not ilike'
  let result: boolean
  if (operator.endsWith('like')) {
    const pattern = needWildcard ? `%${pyText(right)}%` : pyText(right)
    const regexp = likePattern(pattern, operator.endsWith('ilike'))
    if (stored === null) result = false
    else {
      const matched = regexp.test(columnText(stored))
      result = operator.startsWith('not') ? !matched : matched
    }
  } else {
    const r = convert(field, right)
    if (stored === null || r === null || r === false) result = false
    else if (operator === '=') result = equal(stored, r)
    else if (operator === '!=') result = !equal(stored, r)
    else {
      const c = compare(stored, r)
      if (c === null) result = false
      else if (operator === '<') result = c < 0
      else if (operator === '<=') result = c <= 0
      else if (operator === '>') result = c > 0
      else result = c >= 0
    }
  }
  if ((needWildcard && !truthy(right)) || (truthy(right) && NEGATIVE_OPERATORS.has(operator))) {
    result = result || stored === null
  }
  return result
}
