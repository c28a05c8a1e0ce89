/**
 * A connection's policy (PRODUCT.md "Connection policy") and the rules over it: which tools a
 * connection lists and may call, which are gated behind approval, and whether an edit loosens the
 * policy (a requester may never loosen their own connection's). Pure; the tool catalog supplies
 * which tools write.
 */
import type { OdooPerson } from './approval-request.js'

export interface ConnectionPolicy {
  write_access: boolean
  /** Empty: every tool the write flag permits. */
  allowed_tools: string[]
  approval_tools: string[]
  approver: OdooPerson | null
  approval_expiry_hours: number
}

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

export function needsApproval(policy: ConnectionPolicy, tool: string): boolean {
  return policy.approval_tools.includes(tool)
}

/**
 * What an edit gives up of the policy's protection; empty when it only tightens. Allowed tools
 * widen when the list grows or becomes empty (= all); approval shrinks when a gated tool leaves the
 * list; a longer expiry leaves requests open for longer.
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
  if (after.approval_expiry_hours > before.approval_expiry_hours) found.push('lengthens the approval expiry')
  if ((before.approver?.uid ?? null) !== (after.approver?.uid ?? null)) found.push('changes the approver')
  return found
}
