/**
 * The shape of a tool in the catalog: a zod input schema (also the source of its JSON Schema), a
 * zod schema of what it returns (its `outputSchema`), MCP annotations, `run` (performs the call as the session's user) and, for tools that change
 * data, `describe` (reads, as the same user, the facts the approval summary is worded from).
 * Tools know nothing of MCP, connections or approvals: mcp/ and approvals/ wrap them.
 */
import type { z } from 'zod'
import type { SummaryFacts } from '../domain/summary.js'
import type { OdooSession } from '../odoo/types.js'

export { ownEntry } from '../domain/odoo-values.js'

export interface ToolAnnotations {
  readOnlyHint: boolean
  destructiveHint: boolean
  idempotentHint: boolean
  openWorldHint: boolean
}

export interface ToolContext {
  /** The requester's own Odoo session: every call runs with their rights. */
  odoo: OdooSession
  /** Major Odoo version, for the few calls whose form changed between versions. */
  odoo_major: number
  protocol: 'jsonrpc' | 'json2'
}

/** What a tool returns: JSON for `structuredContent`, and a short readable line for the text part. */
export interface ToolOutput {
  structured: Record<string, unknown>
  headline: string
}

export interface Tool<Schema extends z.ZodType = z.ZodType> {
  name: string
  title: string
  description: string
  input: Schema
  /** The shape of `structured` when the call succeeds (listed with the pending_approval shape). */
  output: z.ZodType
  annotations: ToolAnnotations
  /** Changes data in Odoo (or sends mail): hidden on connections without write access. */
  writes: boolean
  /** The model a call touches, for the audit log and the approval list. */
  model(args: z.output<Schema>): string | null
  /**
   * What the schema cannot see but would make the call fail at execution (it depends on how this
   * server reaches Odoo): a message naming the argument, or null. Checked before a call runs or is
   * filed, so an invalid call is never queued for an approver.
   */
  check?(ctx: ToolContext, args: z.output<Schema>): string | null
  run(ctx: ToolContext, args: z.output<Schema>): Promise<ToolOutput>
  /** Reads what the approval summary needs; never changes anything. */
  describe?(ctx: ToolContext, args: z.output<Schema>): Promise<SummaryFacts>
}

export const READ: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
}

/** Keeps each tool's own types while collecting them in one array. */
export function defineTool<Schema extends z.ZodType>(tool: Tool<Schema>): Tool<Schema> {
  return tool
}

/**
 * A refusal decided by Countersign itself (not by Odoo), e.g. a transition the record does not
 * offer now. Reaches the AI as a tool error with this message; nothing was sent to Odoo.
 * `outcome` is the audit log's word for the call: `error` unless the refusal has its own.
 */
export class ToolError extends Error {
  override name = 'ToolError'
  readonly outcome: string
  constructor(message: string, options: { outcome?: string } = {}) {
    super(message)
    this.outcome = options.outcome ?? 'error'
  }
}
