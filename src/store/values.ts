/**
 * Conversions between stored values and domain values, shared by the per-table mappers: ISO text ⇄
 * Date, 0/1 ⇄ boolean, JSON text ⇄ lists, plus paging and LIKE-pattern helpers. Pure functions; no
 * SQL is run here.
 */
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely'
import { StoreError } from './store-error.js'

/** Times are stored as `toISOString()` text: fixed width UTC, so text order is time order. */
export function iso(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new StoreError('failed', 'cannot store an invalid date')
  return date.toISOString()
}

export function isoOrNull(date: Date | null | undefined): string | null {
  return date == null ? null : iso(date)
}

export function toDate(text: string): Date {
  return new Date(text)
}

export function toDateOrNull(text: string | null): Date | null {
  return text === null ? null : new Date(text)
}

export function bit(value: boolean): number {
  return value ? 1 : 0
}

/** Parses a stored JSON column; a value that does not parse is a corrupt row, named by column. */
export function parseJson(text: string, column: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new StoreError('corrupt', `column ${column} does not hold valid JSON`, { cause: error })
  }
}

export function parseStringList(text: string, column: string): string[] {
  const value = parseJson(text, column)
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw new StoreError('corrupt', `column ${column} does not hold a JSON list of strings`)
  return value
}

export function parseNumberList(text: string, column: string): number[] {
  const value = parseJson(text, column)
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number'))
    throw new StoreError('corrupt', `column ${column} does not hold a JSON list of numbers`)
  return value
}

/**
 * One page of a newest-first list, with the number of matching rows for the pager: exact up to
 * COUNT_LIMIT, otherwise a lower bound (`total_exact: false` means "more than `total`").
 */
export interface Page<T> {
  items: T[]
  total: number
  total_exact: boolean
  /** 1-based. */
  page: number
  page_size: number
}

/**
 * Lists count at most this many matching rows. An exact count(*) reads every matching row, so on a
 * table with a long history its cost grows without bound (measured at 1,000,000 requests: 250 ms on
 * PostgreSQL for the unfiltered list, docs/performance.md); a count stopped here costs a few
 * milliseconds whatever the table holds. Odoo's own list views make the same trade ("1-80 / 10000+").
 */
export const COUNT_LIMIT = 10_000

/**
 * The page from `fetched` (the page's rows plus one more, if there is one) and `counted` (the
 * matching rows counted up to COUNT_LIMIT + 1). Past the limit the total is exact again on the last
 * page, where every matching row has been seen.
 */
export function cappedPage<T>(
  fetched: T[],
  counted: number,
  paged: { page: number; page_size: number; offset: number },
): Page<T> {
  const { page, page_size, offset } = paged
  const items = fetched.slice(0, page_size)
  const base = { items, page, page_size }
  if (counted <= COUNT_LIMIT) return { ...base, total: counted, total_exact: true }
  if (items.length === 0) return { ...base, total: COUNT_LIMIT, total_exact: false }
  const seen = offset + items.length
  if (fetched.length <= page_size) return { ...base, total: seen, total_exact: true }
  // This page is full and more follow, so there are more than `seen`.
  return { ...base, total: Math.max(COUNT_LIMIT, seen), total_exact: false }
}

export const DEFAULT_PAGE_SIZE = 50
export const MAX_PAGE_SIZE = 500

export function paging(page: number | undefined, page_size: number | undefined) {
  const size = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(page_size ?? DEFAULT_PAGE_SIZE)))
  const current = Math.max(1, Math.trunc(page ?? 1))
  return { page: current, page_size: size, offset: (current - 1) * size }
}

/**
 * Case-insensitive "contains" on both engines (SQLite's LIKE ignores ASCII case, PostgreSQL's does
 * not), with the user's `%`, `_` and `\` taken literally.
 */
export function containsText(column: Expression<unknown>, search: string): RawBuilder<SqlBool> {
  const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  return sql<SqlBool>`lower(${column}) like ${pattern} escape '\\'`
}

/** `count(*)` comes back as a string from PostgreSQL (bigint) and a number from SQLite. */
export function countOf(row: { count: string | number | bigint } | undefined): number {
  return row === undefined ? 0 : Number(row.count)
}
