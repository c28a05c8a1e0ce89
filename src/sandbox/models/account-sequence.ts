/**
 * account.move numbering as Odoo 17's sequence mixin does it for the sandbox's journals:
 * INV/2026/00001 per journal code and year, the next number one past the highest in use, and the
 * "end of the chain" test that decides whether a numbered entry may be deleted. Does not support
 * monthly sequences or sequence resets.
 */
import { type Env, today } from '../env.js'
import type { Row } from '../fields.js'

export const SEQUENCE_CODE: Record<string, string> = {
  out_invoice: 'INV',
  out_refund: 'RINV',
  out_receipt: 'INV',
  in_invoice: 'BILL',
  in_refund: 'RBILL',
  in_receipt: 'BILL',
  entry: 'MISC',
}

export const hasName = (row: Row) => typeof row.name === 'string' && row.name !== '/' && row.name !== ''
function splitName(name: string): { prefix: string; number: number } | null {
  const match = /^(.*?)(\d+)$/.exec(name)
  return match ? { prefix: match[1] as string, number: Number(match[2]) } : null
}

/** The next number of a sequence is one past the highest in use, as `_get_last_sequence` finds it. */
export function nextName(env: Env, row: Row): string {
  const year = String(row.date ?? today(env)).slice(0, 4)
  const prefix = `${SEQUENCE_CODE[String(row.move_type)] ?? 'MISC'}/${year}/`
  let last = 0
  for (const other of env.state.store.rows('account.move')) {
    const parts = hasName(other) ? splitName(String(other.name)) : null
    if (parts && parts.prefix === prefix) last = Math.max(last, parts.number)
  }
  return `${prefix}${String(last + 1).padStart(5, '0')}`
}

/** `_is_end_of_seq_chain`: the numbers form a run that ends at the highest one in use. */
export function isEndOfSequenceChain(env: Env, rows: Row[]): boolean {
  const byPrefix = new Map<string, number[]>()
  for (const row of rows.filter(hasName)) {
    const parts = splitName(String(row.name))
    if (!parts) continue
    byPrefix.set(parts.prefix, [...(byPrefix.get(parts.prefix) ?? []), parts.number])
  }
  for (const [prefix, numbers] of byPrefix) {
    if (Math.max(...numbers) - Math.min(...numbers) !== numbers.length - 1) return false
    const highest = Math.max(
      ...env.state.store
        .rows('account.move')
        .map((r) => (hasName(r) ? splitName(String(r.name)) : null))
        .filter((p) => p?.prefix === prefix)
        .map((p) => p?.number ?? 0),
    )
    if (Math.max(...numbers) < highest) return false
  }
  return true
}
