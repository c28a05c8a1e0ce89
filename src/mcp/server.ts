/**
 * Builds the MCP server one principal (a connection) sees: tools/list shows only the tools the
 * connection's policy makes available; tools/call validates the arguments, sends a gated call to the
 * approval gate instead of running it, runs the others with the connection owner's Odoo session,
 * and audits every call. Uses the SDK's low-level Server so validation errors can name the field
 * and every call (even an invalid one, or one naming a tool it does not have) reaches the audit
 * log. Does not authenticate: the principal comes from mcp/principal.ts (over stdio, looked up
 * again before each request through `refresh`).
 */
import { ProtocolError, ProtocolErrorCode, Server } from '@modelcontextprotocol/server'
import { z } from 'zod'
import { nestedDeeperThan } from '../domain/json-depth.js'
import { toolAvailable } from '../domain/policy.js'
import { maskForLog, maskSecrets } from '../domain/secrets.js'
import type { Logger } from '../logger.js'
import type { NewAuditEntry } from '../store/audit-log.js'
import { ODOO_TOOLS } from '../tools/catalog.js'
import { isJsonText } from '../tools/schemas.js'
import { type Tool, type ToolContext, ToolError, type ToolOutput } from '../tools/tool.js'
import { portableSchema } from './portable-schema.js'
import type { Principal } from './principal.js'
import {
  internalErrorResult,
  invalidArgumentsResult,
  invalidJsonTextResult,
  isExpectedToolError,
  nestedTooDeepResult,
  toolErrorResult,
} from './tool-errors.js'

/** A tool that reads Countersign's own store (the approval tools), not Odoo. */
export interface ServiceTool<Schema extends z.ZodType = z.ZodType> {
  name: string
  title: string
  description: string
  input: Schema
  /** The shape of its `structuredContent`, listed as its `outputSchema`. */
  output: z.ZodType
  run(principal: Principal, args: z.output<Schema>): Promise<ToolOutput>
}

/**
 * Decides whether a call must wait for approval, and files it if so: returns the `pending_approval`
 * output, or null when the call may run now.
 */
export interface ApprovalGate {
  check(principal: Principal, tool: Tool, args: unknown, ctx: ToolContext): Promise<ToolOutput | null>
  tools: readonly ServiceTool[]
  /** The shape of the `pending_approval` output, which any Odoo tool may answer with. */
  pending: z.ZodType
}

export interface McpContext {
  version: string
  clock: () => Date
  logger: Logger
  audit: (entry: NewAuditEntry) => Promise<void>
  audit_payloads: boolean
  odoo_major: number
  protocol: 'jsonrpc' | 'json2'
  gate: ApprovalGate
}

interface Listed {
  name: string
  title: string
  description: string
  inputSchema: { type: 'object'; [key: string]: unknown }
  outputSchema: { type: 'object'; [key: string]: unknown }
  annotations: Record<string, unknown>
}

/** JSON Schema of a tool, computed once per process (tools/list is on every session's path). */
const listingCache = new WeakMap<object, Listed>()

/**
 * A zod schema as the JSON Schema clients read. Arguments that accept JSON text (tools/schemas.ts)
 * are listed as the string. Outputs are read as zod's input side, which leaves objects open
 * (no `additionalProperties: false`): a result may gain a field without failing the clients
 * that validate results against the schema.
 */
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      if (!isJsonText(zodSchema)) return
      const description = jsonSchema.description
      for (const key of Object.keys(jsonSchema)) delete (jsonSchema as Record<string, unknown>)[key]
      Object.assign(jsonSchema, { type: 'string', ...(description !== undefined && { description }) })
    },
  })
  return portableSchema(json)
}

function listing(tool: Tool | ServiceTool, pending: z.ZodType): Listed {
  let listed = listingCache.get(tool)
  if (!listed) {
    const annotations =
      'annotations' in tool
        ? { title: tool.title, ...tool.annotations }
        : {
            title: tool.title,
            readOnlyHint: true,
            destructiveHint: false,
            idempotentHint: true,
            openWorldHint: false,
          }
    // Any Odoo tool may be gated (by name or by its effects), so each may answer pending_approval.
    const output = 'annotations' in tool ? z.union([tool.output, pending]) : tool.output
    listed = {
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: { ...jsonSchemaOf(tool.input), type: 'object' },
      outputSchema: { ...jsonSchemaOf(output), type: 'object' },
      annotations,
    }
    listingCache.set(tool, listed)
  }
  return listed
}

/** The names of the arguments a tool accepts as JSON text, and whether each is a list or an object. */
const jsonTextCache = new WeakMap<object, Map<string, 'list' | 'object'>>()

function jsonTextArguments(tool: Tool | ServiceTool): Map<string, 'list' | 'object'> {
  let found = jsonTextCache.get(tool)
  if (!found) {
    found = new Map()
    const shape = tool.input instanceof z.ZodObject ? (tool.input.shape as Record<string, z.ZodType>) : {}
    for (const [name, field] of Object.entries(shape)) {
      let inner: z.ZodType = field
      while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault)
        inner = inner.unwrap() as z.ZodType
      if (isJsonText(inner)) found.set(name, inner instanceof z.ZodArray ? 'list' : 'object')
    }
    jsonTextCache.set(tool, found)
  }
  return found
}

/**
 * The arguments with each JSON-text argument that came as text replaced by what it says, so that
 * everything after (depth limit, validation, gate, audit) sees one form; or, for text that is not
 * JSON, what to tell the AI and arguments fit for the audit log (the text left out: it may hold a
 * secret that masking, which reads keys, cannot find in it).
 */
function decodeJsonText(
  tool: Tool | ServiceTool,
  raw: Record<string, unknown>,
): { args: Record<string, unknown>; problems: string[] } {
  const args = { ...raw }
  const problems: string[] = []
  for (const [name, kind] of jsonTextArguments(tool)) {
    const value = raw[name]
    if (typeof value !== 'string') continue
    try {
      args[name] = JSON.parse(value)
    } catch {
      args[name] = '(not valid JSON; not logged)'
      const example = kind === 'list' ? '["a", 1]' : '{"name": "Azure Interior"}'
      problems.push(
        `${name}: this text is not valid JSON; give a JSON ${kind} as text, e.g. ${example}, or the ${kind} itself`,
      )
    }
  }
  return { args, problems }
}

export function availableOdooTools(principal: Principal): Tool[] {
  return ODOO_TOOLS.filter((tool) =>
    toolAvailable(principal.policy, { name: tool.name, writes: tool.writes }),
  )
}

export interface McpServerOptions {
  /**
   * The principal as it is now, looked up again before every request, or null once its token no
   * longer resolves. For stdio, where one process serves one client for hours: a revocation, a
   * rotation or a policy change made meanwhile applies from the next request on. Over HTTP every
   * request already resolves its principal afresh, so this is left out.
   */
  refresh?: () => Promise<Principal | null>
}

/** Longest tool name kept in the audit log for a call to a tool that does not exist. */
const UNKNOWN_TOOL_NAME_MAX = 200

/**
 * The deepest nesting tool arguments may have. No tool's arguments need more than a few levels
 * (a domain, one2many commands); deeper ones would overflow the stack in canonical JSON or on the
 * way to Odoo. HTTP bodies are bounded more loosely before this (app.ts), so over HTTP too the AI
 * gets this tool error; stdio has no other bound.
 */
export const MAX_ARGUMENT_DEPTH = 64

export function createMcpServer(
  mcp: McpContext,
  principal: Principal,
  options: McpServerOptions = {},
): Server {
  const server = new Server(
    { name: 'countersign', version: mcp.version },
    {
      capabilities: { tools: { listChanged: false } },
      instructions:
        'Countersign gives you access to an Odoo database as the user this connection belongs to. Some actions ' +
        'need a human approver: they return status "pending_approval" with a request_id instead of running. ' +
        'Tell the user, and call check_approval_status later; never call the same tool again for it.',
    },
  )
  const serviceTools = mcp.gate.tools
  const current = async (): Promise<Principal> => {
    if (!options.refresh) return principal
    const fresh = await options.refresh()
    if (!fresh)
      throw new ProtocolError(
        ProtocolErrorCode.InvalidRequest,
        'This connection token has been revoked or rotated.',
      )
    return fresh
  }

  server.setRequestHandler('tools/list', async () => ({
    tools: [...availableOdooTools(await current()), ...serviceTools].map((tool) =>
      listing(tool, mcp.gate.pending),
    ),
  }))

  server.setRequestHandler('tools/call', async (request) => {
    const principal = await current()
    const name = request.params.name
    const started = performance.now()
    const odooTool = availableOdooTools(principal).find((t) => t.name === name)
    const serviceTool = odooTool ? undefined : serviceTools.find((t) => t.name === name)
    const tool = odooTool ?? serviceTool

    const audit = (outcome: string, extra: Partial<NewAuditEntry> = {}) => {
      const entry: NewAuditEntry = {
        at: mcp.clock(),
        event: 'tool_call',
        outcome,
        connection_id: principal.connection_id,
        actor_uid: principal.odoo.uid,
        actor_login: principal.odoo.login,
        tool: name.slice(0, UNKNOWN_TOOL_NAME_MAX),
        duration_ms: performance.now() - started,
        ...extra,
      }
      // The facts of the audit row, never its payload: arguments may hold personal data.
      mcp.logger.debug(
        {
          connection_id: entry.connection_id,
          login: entry.actor_login,
          tool: entry.tool,
          model: entry.model ?? null,
          outcome,
          duration_ms: Math.round(entry.duration_ms ?? 0),
        },
        'tool call',
      )
      return mcp
        .audit(entry)
        .catch((error: unknown) => mcp.logger.error({ err: error, tool: name }, 'audit write failed'))
    }

    // A tool the policy hides is answered exactly like one that does not exist; both are audited,
    // since an AI reaching for a tool its connection does not have is worth an administrator's look.
    if (!tool) {
      await audit('unknown_tool', { error: `Tool ${name} not found` })
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Tool ${name} not found`)
    }

    const decoded = decodeJsonText(tool, request.params.arguments ?? {})
    const raw = decoded.args
    if (nestedDeeperThan(raw, MAX_ARGUMENT_DEPTH)) {
      const result = nestedTooDeepResult(name, MAX_ARGUMENT_DEPTH)
      // Without the payload: arguments this deep are what JSON.stringify cannot write.
      await audit('invalid_arguments', { error: result.content[0]?.text ?? null })
      return result
    }
    if (decoded.problems.length > 0) {
      const result = invalidJsonTextResult(name, decoded.problems)
      await audit('invalid_arguments', {
        error: result.content[0]?.text ?? null,
        ...(mcp.audit_payloads && { payload: { arguments: maskSecrets(name, raw).masked } }),
      })
      return result
    }
    const parsed = tool.input.safeParse(raw)
    if (!parsed.success) {
      const result = invalidArgumentsResult(name, parsed.error)
      await audit('invalid_arguments', {
        error: result.content[0]?.text ?? null,
        ...(mcp.audit_payloads && { payload: { arguments: maskSecrets(name, raw).masked } }),
      })
      return result
    }
    const args = parsed.data
    const model = odooTool ? odooTool.model(args) : null
    // Payloads are logged with secrets hidden (domain/secrets.ts), arguments and results alike.
    const payload = mcp.audit_payloads ? { arguments: maskSecrets(name, args).masked } : undefined
    const ctx: ToolContext = { odoo: principal.odoo, odoo_major: mcp.odoo_major, protocol: mcp.protocol }
    try {
      let output: ToolOutput
      let outcome = 'ok'
      const problem = odooTool?.check?.(ctx, args) ?? null
      if (problem !== null)
        throw new ToolError(`Invalid arguments for ${name}: ${problem}. Nothing was done.`, {
          outcome: 'invalid_arguments',
        })
      const filed = odooTool ? await mcp.gate.check(principal, odooTool, args, ctx) : null
      if (serviceTool) {
        output = await serviceTool.run(principal, args)
      } else if (filed) {
        output = filed
        outcome = 'pending_approval'
      } else {
        output = await (odooTool as Tool).run(ctx, args)
      }
      await audit(outcome, {
        model,
        request_id: typeof output.structured.request_id === 'number' ? output.structured.request_id : null,
        ...(payload && { payload: { ...payload, result: maskForLog(output.structured) } }),
      })
      return toolResult(output)
    } catch (error) {
      const result = isExpectedToolError(error)
        ? toolErrorResult(error, name, principal.odoo.login, odooTool?.writes ?? false)
        : internalErrorResult(mcp.logger, error, name)
      const outcome = error instanceof ToolError ? error.outcome : 'error'
      await audit(outcome, { model, error: result.content[0]?.text ?? null, ...(payload && { payload }) })
      return result
    }
  })

  return server
}

export function toolResult(output: ToolOutput) {
  return {
    content: [{ type: 'text' as const, text: `${output.headline}\n${JSON.stringify(output.structured)}` }],
    structuredContent: output.structured,
  }
}
