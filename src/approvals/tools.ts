/**
 * The two approval tools every connection has (seed step 4): check_approval_status, through which
 * the AI learns what happened to a request and picks up the cached result instead of re-running the
 * tool, and list_my_approval_requests. They read Countersign's store, never Odoo.
 */
import { z } from 'zod'
import { APPROVAL_STATUSES, EXECUTION_STATUSES } from '../domain/approval-request.js'
import type { Principal } from '../mcp/principal.js'
import type { ServiceTool } from '../mcp/server.js'
import { listApprovalRequests } from '../store/approval-requests.js'
import { isoTime } from '../tools/schemas.js'
import { ToolError } from '../tools/tool.js'
import type { Actor, ApprovalsDeps } from './deps.js'
import { describeRequest, getVisibleRequest, listItem } from './view.js'

async function actorOf(deps: ApprovalsDeps, principal: Principal): Promise<Actor> {
  return {
    uid: principal.odoo.uid,
    login: principal.odoo.login,
    name: principal.user_name,
    is_admin: await deps.admins.isAdmin(principal.odoo),
  }
}

const statusInput = z
  .object({
    request_id: z
      .number()
      .int()
      .positive()
      .describe('The request_id returned by the pending_approval result'),
  })
  .strict()

const person = z.object({ uid: z.number().int(), login: z.string().nullable(), name: z.string().nullable() })

/** describeRequest (view.ts) without `can_decide`, which only the JSON API adds. */
const statusOutput = z.object({
  request_id: z.number().int(),
  status: z.enum(APPROVAL_STATUSES),
  execution_status: z.enum(EXECUTION_STATUSES),
  tool: z.string(),
  model: z.string().nullable(),
  summary: z.string(),
  arguments: z.record(z.string(), z.unknown()).describe('The arguments as filed, secrets hidden'),
  arguments_sha256: z.string(),
  requester: z.object({ uid: z.number().int(), login: z.string(), name: z.string() }),
  approver: person.nullable(),
  connection_id: z.number().int(),
  requested_at: isoTime,
  expires_at: isoTime,
  decided_by: person.nullable(),
  decided_at: isoTime.nullable(),
  approver_note: z.string().nullable(),
  result: z.unknown().describe('The approved call’s result once it ran (null before, or if it failed)'),
  result_truncated: z.boolean().describe('The result was too large to keep whole: a shortened stand-in'),
  error: z.string().nullable().describe('Why the approved call failed'),
  message: z.string().describe('What became of the request, in words for the user'),
})

export function checkApprovalStatusTool(deps: ApprovalsDeps): ServiceTool<typeof statusInput> {
  return {
    name: 'check_approval_status',
    title: 'Check an approval request',
    description:
      'Tells what became of an action that was waiting for human approval: status (pending, approved, rejected, ' +
      'expired), execution_status (pending, running, success, error), the cached result of the approved call, ' +
      'the error if it failed, and the approver’s note. Call it when the user asks what happened. If it was ' +
      'approved and executed, show the result — do NOT call the original tool again. Example: {"request_id": 42}',
    input: statusInput,
    output: statusOutput,
    async run(principal, args) {
      const actor = await actorOf(deps, principal)
      const request = await getVisibleRequest(deps, actor, args.request_id)
      // Someone else's request is answered exactly like a missing one: no existence leak.
      if (!request) throw new ToolError(`Approval request ${args.request_id} not found.`)
      const described = describeRequest(request)
      return { structured: described, headline: described.message }
    },
  }
}

const listInput = z
  .object({
    status: z.enum(APPROVAL_STATUSES).optional().describe('Only requests in this status'),
    limit: z.number().int().min(1).max(50).default(20).describe('Most requests to return (newest first)'),
  })
  .strict()

const listOutput = z.object({
  requests: z.array(
    z.object({
      request_id: z.number().int(),
      status: z.enum(APPROVAL_STATUSES),
      execution_status: z.enum(EXECUTION_STATUSES),
      tool: z.string(),
      model: z.string().nullable(),
      summary: z.string(),
      requester: z.string().describe('Login'),
      approver: z.string().nullable().describe('Login; null: any MCP administrator'),
      requested_at: isoTime,
      expires_at: isoTime,
    }),
  ),
  total: z.number().int(),
  total_exact: z.boolean().describe('false: there are more than `total`'),
})

export function listMyApprovalRequestsTool(deps: ApprovalsDeps): ServiceTool<typeof listInput> {
  return {
    name: 'list_my_approval_requests',
    title: 'List my approval requests',
    description:
      'Lists the approval requests filed for this Odoo user (through any of their connections), newest first, ' +
      'with status and summary. Use check_approval_status for one request’s result. Example: {"status": "pending"}',
    input: listInput,
    output: listOutput,
    async run(principal, args) {
      const page = await listApprovalRequests(deps.db, {
        requester_uid: principal.odoo.uid,
        ...(args.status ? { status: args.status } : {}),
        page_size: args.limit,
      })
      const requests = page.items.map(listItem)
      const counted = page.total_exact ? `${page.total}` : `More than ${page.total}`
      return {
        structured: { requests, total: page.total, total_exact: page.total_exact },
        headline: `${counted} approval request(s)${args.status ? ` ${args.status}` : ''}; showing ${requests.length}.`,
      }
    },
  }
}
