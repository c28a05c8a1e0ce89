/**
 * The gate (seed step 1) for one validated call: runs it now, or files it for approval. A call files
 * when its tool is in the connection's "tools that need approval", or when any effect it will have
 * in Odoo — read from its arguments and the field types, as the requester — is of a kind the
 * connection gates (domain/effects/gate.ts): `update_record` with `order_line: [[2, 7]]` is a delete
 * whatever the tool list says. A call whose values name fields Odoo does not know would fail at
 * execution, so it fails here, with nothing filed or run.
 */
import { unknownFields } from '../domain/effects/derive.js'
import { gate } from '../domain/effects/gate.js'
import type { Principal } from '../mcp/principal.js'
import { type Tool, type ToolContext, ToolError, type ToolOutput } from '../tools/tool.js'
import type { ApprovalsDeps } from './deps.js'
import { effectsOfCall } from './effect-facts.js'
import { fileRequest } from './file-request.js'

/** The `pending_approval` output when the call was filed; null when it may run now. */
export async function gateCall(
  deps: ApprovalsDeps,
  principal: Principal,
  tool: Tool,
  args: unknown,
  ctx: ToolContext,
): Promise<ToolOutput | null> {
  const policy = principal.policy
  const approval_effects = policy.approval_effects
  const byName = policy.approval_tools.includes(tool.name)
  // Tools that only read have no effects: nothing to read before running them.
  if (!byName && !(tool.writes && approval_effects.length > 0)) return null
  const call = { tool: tool.name, args: args as Record<string, unknown> }
  const { effects, facts } = await effectsOfCall(ctx.odoo, call)
  const unknown = unknownFields(call, facts)
  if (unknown.length > 0)
    throw new ToolError(
      `Odoo has no field ${unknown.join(', ')} (or this user may not see ${unknown.length === 1 ? 'it' : 'them'}), ` +
        'so the call would fail: nothing was filed or run. Check the field names with describe_model.',
    )
  const decision = gate(tool.name, effects, { approval_tools: policy.approval_tools, approval_effects })
  if (decision.action === 'run') return null
  return fileRequest(deps, principal, tool, args, ctx, { facts, because: decision.because })
}
