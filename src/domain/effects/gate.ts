/**
 * The gate (seed step 1), on effects as well as tool names: a call files a request when its tool is
 * in the connection's "tools that need approval" (the seed's field, unchanged), or when any of its
 * effects is of a kind the connection gates — so `update_record` with `order_line: [[2, 7]]` files
 * on a connection that gates deletes, whatever the tool list says. Pure.
 */
import type { Effect, EffectKind } from './effect.js'

export interface GatePolicy {
  approval_tools: readonly string[]
  /** Effect kinds that need approval whatever tool carries them. */
  approval_effects: readonly EffectKind[]
}

export type GateDecision = { action: 'run' } | { action: 'file'; because: string[] }

export function gate(tool: string, effects: readonly Effect[], policy: GatePolicy): GateDecision {
  const because: string[] = []
  if (policy.approval_tools.includes(tool)) because.push(`${tool} needs approval on this connection`)
  for (const effect of effects) {
    if (!policy.approval_effects.includes(effect.kind)) continue
    const reason = `${describe(effect)} needs approval on this connection`
    if (!because.includes(reason)) because.push(reason)
  }
  return because.length > 0 ? { action: 'file', because } : { action: 'run' }
}

const VERB: Record<EffectKind, string> = {
  create: 'creating',
  write: 'changing',
  delete: 'deleting',
  archive: 'archiving',
  state: 'changing the state of',
  send: 'sending from',
  call: `calling a method on`,
}

/** "deleting sale.order.line #7 (order_line [2,7])", "changing the state of sale.order #5 to 'sale'". */
export function describe(effect: Effect): string {
  const records =
    effect.records === 'all'
      ? `all linked ${effect.model} records`
      : effect.records.length === 0
        ? effect.model
        : `${effect.model} ${effect.records.map((id) => `#${id}`).join(', ')}`
  const to = effect.kind === 'state' && effect.to ? ` to '${effect.to}'` : ''
  const method = effect.kind === 'call' ? ` (${effect.method})` : ''
  const via = effect.via ? ` (${effect.via})` : ''
  return `${VERB[effect.kind]} ${records}${to}${method}${via}`
}
