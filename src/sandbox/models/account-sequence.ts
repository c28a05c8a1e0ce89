/**
 * account.move numbering as a real Odoo 17 demo database shows it (facts.md §11): the journal code
 * (R-prefixed for refunds), then the year for sales and bank journals (INV/2026/00001,
 * RINV/2026/00001, BNK1/2026/00001) or year and month for purchase and miscellaneous ones
 * (BILL/2026/11/0001, MISC/2026/11/0001); the next number is one past the highest in use; and the
 * "end of the chain" test that decides whether a numbered entry may be deleted. Does not support
 * custom sequence formats or resets.
 */
import { type Env, today } from '../env.js'
import type { Row } from '../fields.js'

export const hasName = (row: Row) => typeof row.name === 'string' && row.name !== '/' && row.name !== ''
function splitName(name: string): { prefix: string; number: number } | null {
  const match = /^(.*?)(\d+)$/.exec(name)
  return match ? { prefix: match[1] as string, number: Number(match[2]) } : null
}

/** The next number of a sequence is one past the highest in use, as `_get_last_sequence` finds it. */
export function nextName(env: Env, row: Row): string {
  const date = String(row.date || today(env))
  const journal = env.state.store.get('account.journal', row.journal_id as number)
  const refund = row.move_type === 'out_refund' || row.move_type === 'in_refund'
  const code = `${refund ? 'R' : ''}${journal?.code ?? 'MISC'}`
  const monthly = journal?.type === 'purchase' || journal?.type === 'general'
  const prefix = monthly ? `${code}/${date.slice(0, 4)}/${date.slice(5, 7)}/` : `${code}/${date.slice(0, 4)}/`
  let last = 0
  for (const other of env.state.store.rows('account.move')) {
    const parts = hasName(other) ? splitName(String(other.name)) : null
    if (parts && parts.prefix === prefix) last = Math.max(last, parts.number)
  }
  return `${prefix}${String(last + 1).padStart(monthly ? 4 : 5, '0')}`
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
