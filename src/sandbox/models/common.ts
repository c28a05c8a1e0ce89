/**
 * Small helpers shared by the business models: touching records the way field access does in
 * Odoo (read rights, record rules, deleted records), `ensure_one`, currency rounding and line
 * amounts with percentage taxes. Does not implement any business rule itself.
 */
import { checkAccessRights } from '../access-rights.js'
import type { Env } from '../env.js'
import { missingError, valueError } from '../errors.js'
import type { Row } from '../fields.js'
import { checkRecordRules } from '../orm-read.js'

/** Reading a field of records: read right, read rules, and a MissingError for deleted ones. */
export function browseForRead(env: Env, model: string, ids: number[]): Row[] {
  if (ids.length === 0) return []
  checkAccessRights(env, model, 'read')
  checkRecordRules(env, model, ids, 'read')
  return ids.map((id) => {
    const row = env.state.store.get(model, id)
    if (!row)
      throw missingError(
        `Record does not exist or has been deleted.\n(Record: ${model}(${id},), User: ${env.uid})`,
      )
    return row
  })
}

/** `ensure_one()`: "Expected singleton: sale.order(1, 2)". */
export function ensureOne(model: string, ids: number[]): number {
  if (ids.length !== 1) {
    const inner = ids.length === 1 ? `${ids[0]},` : ids.join(', ')
    throw valueError(`Expected singleton: ${model}(${inner})`)
  }
  return ids[0] as number
}

/**
 * A line field's default taken from the line's product, as Odoo's onchange fills it (the unit price
 * from `list_price`, the description from `name`); `fallback` when no product is given.
 */
export function fromProduct(field: string, fallback: unknown) {
  return (env: Env, vals: Record<string, unknown>): unknown =>
    typeof vals.product_id === 'number'
      ? (env.state.store.get('product.product', vals.product_id)?.[field] ?? fallback)
      : fallback
}

export const round2 = (value: number): number => Math.round((value + Number.EPSILON) * 100) / 100

export interface LineAmounts {
  subtotal: number
  tax: number
  total: number
}

/** Price × quantity less discount, plus percentage taxes, rounded per line (`round_per_line`). */
export function lineAmounts(env: Env, line: Row, taxField: string): LineAmounts {
  const qty = Number(line.product_uom_qty ?? line.quantity ?? 0)
  const subtotal = round2(qty * Number(line.price_unit ?? 0) * (1 - Number(line.discount ?? 0) / 100))
  const rate = ((line[taxField] as number[] | undefined) ?? []).reduce((sum, id) => {
    const tax = env.state.store.get('account.tax', id)
    return sum + (tax && tax.amount_type !== 'fixed' ? Number(tax.amount) : 0)
  }, 0)
  const tax = round2((subtotal * rate) / 100)
  return { subtotal, tax, total: round2(subtotal + tax) }
}

/** Sum of the line amounts of a document's lines. */
export function documentAmounts(
  env: Env,
  lineModel: string,
  inverse: string,
  id: number,
  taxField: string,
): LineAmounts {
  let subtotal = 0
  let tax = 0
  for (const line of env.state.store.rows(lineModel)) {
    if (line[inverse] !== id) continue
    const a = lineAmounts(env, line, taxField)
    subtotal += a.subtotal
    tax += a.tax
  }
  return { subtotal: round2(subtotal), tax: round2(tax), total: round2(subtotal + tax) }
}
