/**
 * A connection's policy (PRODUCT.md "Connection policy") and the rules over it: which tools a
 * connection lists and may call, which tools and which effect kinds are gated behind approval, and
 * whether an edit loosens the policy (a requester may never loosen their own connection's). Pure;
 * the tool catalog supplies which tools write. Does not decide whether one call files a request:
 * effects/gate.ts does, from this policy and the call's effects.
 */
import type { OdooPerson } from './approval-request.js'
import { EFFECT_KINDS, type EffectKind } from './effects/effect.js'

export interface ConnectionPolicy {
  write_access: boolean
  /** Empty: every tool the write flag permits. */
  allowed_tools: string[]
  approval_tools: string[]
  /**
   * Effect kinds that need approval whatever tool carries them (issue 11): `update_record` with
   * `order_line: [[2, 7]]` files on a connection that lists `delete`. Empty: only the tools above.
   */
  approval_effects: EffectKind[]
  approver: OdooPerson | null
  approval_expiry_hours: number
}

/**
 * The effects the docs, the demo and the console's new-connection form recommend gating: what cannot
 * be undone or reaches people (delete, send), what skips a workflow or hides a record (state,
 * archive), and any method whose effect is unknown (call). Plain creates and writes run at once.
 */
export const RECOMMENDED_APPROVAL_EFFECTS: readonly EffectKind[] = Object.freeze([
  'delete',
  'archive',
  'state',
  'send',
  'call',
])

/**
 * The tools PRODUCT.md and the seed call risky: gated on the demo connection, and on a connection
 * someone makes for themselves when no administrator has defined a profile for them.
 */
export const RISKY_TOOLS: readonly string[] = Object.freeze([
  'delete_record',
  'batch_delete',
  'execute_method',
  'transition_state',
  'send_test_email_template',
  'stage_mass_mailing_from_template',
])

/**
 * The policy a person's own connection gets when no administrator-defined profile applies: every
 * tool, the risky ones and the recommended effects behind approval by any MCP administrator, for a
 * working day. Safe to hand anyone: nothing risky runs without someone else's yes.
 */
export const DEFAULT_OWN_POLICY: Readonly<ConnectionPolicy> = Object.freeze({
  write_access: true,
  allowed_tools: [],
  approval_tools: [...RISKY_TOOLS],
  approval_effects: [...RECOMMENDED_APPROVAL_EFFECTS],
  approver: null,
  approval_expiry_hours: 8,
})

/** Each effect kind in a few plain words, as a policy change or a list of gated effects names it. */
export const EFFECT_KIND_WORDS: Readonly<Record<EffectKind, string>> = Object.freeze({
  create: 'creating records',
  write: 'changing records',
  delete: 'deleting records',
  archive: 'archiving records',
  state: 'changing the state of records',
  send: 'sending to people outside',
  call: 'calling other methods',
})

export interface ToolFacts {
  name: string
  writes: boolean
  /** Tools about approvals themselves are always available: they are how the AI learns outcomes. */
  always?: boolean
}

export function toolAvailable(policy: ConnectionPolicy, tool: ToolFacts): boolean {
  if (tool.always) return true
  if (tool.writes && !policy.write_access) return false
  return policy.allowed_tools.length === 0 || policy.allowed_tools.includes(tool.name)
}

/**
 * What an edit gives up of the policy's protection; empty when it only tightens. Allowed tools
 * widen when the list grows or becomes empty (= all); approval shrinks when a gated tool or a gated
 * effect kind leaves its list; a longer expiry leaves requests open for longer.
 */
export function loosenings(before: ConnectionPolicy, after: ConnectionPolicy): string[] {
  const found: string[] = []
  if (after.write_access && !before.write_access) found.push('turns write access on')
  const widened =
    before.allowed_tools.length > 0 &&
    (after.allowed_tools.length === 0 || after.allowed_tools.some((t) => !before.allowed_tools.includes(t)))
  if (widened) found.push('allows more tools')
  const ungated = before.approval_tools.filter((t) => !after.approval_tools.includes(t))
  if (ungated.length > 0) found.push(`removes approval for ${ungated.join(', ')}`)
  const ungatedEffects = EFFECT_KINDS.filter(
    (k) => before.approval_effects.includes(k) && !after.approval_effects.includes(k),
  )
  if (ungatedEffects.length > 0)
    found.push(
      `removes approval for ${ungatedEffects.map((k) => EFFECT_KIND_WORDS[k]).join(', ')} (whatever the tool)`,
    )
  if (after.approval_expiry_hours > before.approval_expiry_hours) found.push('lengthens the approval expiry')
  if ((before.approver?.uid ?? null) !== (after.approver?.uid ?? null)) found.push('changes the approver')
  return found
}
