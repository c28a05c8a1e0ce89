/**
 * Runs an approved call (seed step 3), at most once, as the REQUESTER: the stored arguments are
 * re-hashed, the secrets they hide unsealed and put back (domain/secrets.ts), and re-validated, the
 * connection's stored Odoo credentials (the requester's own, never the approver's) open the session,
 * and the tool's own `run` performs the call. The claim to run is
 * one compare-and-set (store/approval-transitions.ts `claimExecution`); whoever loses does nothing.
 * A process that dies mid-call leaves `running`; `recoverStale` later declares the outcome unknown
 * and never retries it.
 */

import { OUTCOME_UNKNOWN } from '../domain/approval-request.js'
import { sha256Hex } from '../domain/canonical-json.js'
import { type DriftChange, driftRefusal } from '../domain/effects/drift.js'
import { toolAvailable } from '../domain/policy.js'
import { maskForLog, restoreSecrets } from '../domain/secrets.js'
import { policyOf, principalOf } from '../mcp/principal.js'
import { isExpectedToolError, toolErrorResult } from '../mcp/tool-errors.js'
import { isOdooError } from '../odoo/errors.js'
import type { OdooSession } from '../odoo/types.js'
import {
  type ApprovalRequest,
  getApprovalRequest,
  listUnclaimedApproved,
  sealedSecretsOf,
} from '../store/approval-requests.js'
import { claimExecution, failStaleRunning, finishExecution } from '../store/approval-transitions.js'
import { type Connection, getConnection } from '../store/connections.js'
import { odooTool } from '../tools/catalog.js'
import type { ApprovalsDeps } from './deps.js'
import { driftSince } from './effect-facts.js'
import { storedPreview } from './review.js'
import { openSecrets } from './sealed-secrets.js'

/** Refusals found before any call reaches Odoo; the request ends in error with this text. */
class NotExecutable extends Error {}

export async function executeApproved(deps: ApprovalsDeps, request_id: number): Promise<void> {
  const claimedAt = deps.clock()
  if (!(await claimExecution(deps.db, request_id, claimedAt))) return
  await deps.audit({ at: claimedAt, event: 'execution_started', outcome: 'running', request_id })

  let outcome: {
    execution_status: 'success' | 'error'
    result: string | null
    truncated: boolean
    error: string | null
  }
  try {
    const { run, login, tool } = await prepare(deps, request_id)
    try {
      const output = await run()
      const bounded = boundResult(JSON.stringify(output.structured), deps.result_limit_bytes)
      outcome = {
        execution_status: 'success',
        result: bounded.text,
        truncated: bounded.truncated,
        error: null,
      }
    } catch (error) {
      if (!isExpectedToolError(error)) throw error
      // The same words the AI would have read had the call run directly.
      const text = toolErrorResult(error, tool, login, true).content[0]?.text ?? String(error)
      outcome = { execution_status: 'error', result: null, truncated: false, error: text }
    }
  } catch (error) {
    const message =
      error instanceof NotExecutable ? error.message : 'Countersign failed while executing the call (logged)'
    if (!(error instanceof NotExecutable))
      deps.logger.error({ err: error, request_id }, 'execution failed inside Countersign')
    outcome = { execution_status: 'error', result: null, truncated: false, error: message }
  }

  const finishedAt = deps.clock()
  const recorded = await finishExecution(deps.db, request_id, {
    execution_status: outcome.execution_status,
    result: outcome.result,
    result_truncated: outcome.truncated,
    error: outcome.error,
    finished_at: finishedAt,
  })
  await deps.audit({
    at: finishedAt,
    event: 'execution_finished',
    outcome: recorded ? outcome.execution_status : 'outcome_already_declared',
    request_id,
    duration_ms: finishedAt.getTime() - claimedAt.getTime(),
    error: outcome.error,
    ...(deps.audit_payloads && outcome.result
      ? { payload: { result: maskForLog(JSON.parse(outcome.result)) } }
      : {}),
  })
}

/**
 * Why the request's call cannot run on its connection as that connection is now, or null: revoked,
 * handed to another Odoo user, or its policy no longer allows the tool (an administrator who takes a
 * tool or write access away means it for requests already waiting too). Execution refuses on it; the
 * console warns the approver with it before they decide.
 */
export function executionBlocker(
  request: Pick<ApprovalRequest, 'tool' | 'requester_uid'>,
  connection: Connection | undefined,
): string | null {
  const tool = odooTool(request.tool)
  if (!tool) return `${request.tool} is not a tool of this Countersign version`
  if (connection?.status !== 'active') return 'the connection that filed this request has been revoked'
  if (connection.odoo_uid !== request.requester_uid)
    return 'the connection no longer belongs to the requester'
  if (!toolAvailable(policyOf(connection), { name: tool.name, writes: tool.writes }))
    return `the connection may no longer use ${tool.name}: its policy changed after the request was filed`
  return null
}

async function prepare(deps: ApprovalsDeps, request_id: number) {
  const request = await getApprovalRequest(deps.db, request_id)
  if (!request) throw new NotExecutable(`request ${request_id} disappeared`)
  if (sha256Hex(request.arguments) !== request.arguments_sha256) {
    throw new NotExecutable('the stored arguments no longer match their fingerprint; refused to execute')
  }
  const tool = odooTool(request.tool)
  if (!tool) throw new NotExecutable(`${request.tool} is not a tool of this Countersign version`)
  const stored: unknown = JSON.parse(request.arguments)
  let args: unknown
  try {
    // The values the stored arguments hide, put back for this run only (approvals/sealed-secrets.ts).
    const secrets = openSecrets(deps.secrets, request, await sealedSecretsOf(deps.db, request_id))
    args = restoreSecrets(request.tool, stored, secrets)
  } catch (error) {
    deps.logger.warn({ err: error, request_id }, 'the sealed secrets of a request do not open')
    throw new NotExecutable(
      'the hidden values of the arguments (passwords, tokens, keys) cannot be restored: COUNTERSIGN_SECRET changed or the stored request was altered; nothing was executed',
    )
  }
  const parsed = tool.input.safeParse(args)
  if (!parsed.success) throw new NotExecutable(`the stored arguments are no longer valid for ${request.tool}`)
  const connection = await getConnection(deps.db, request.connection_id)
  const blocked = executionBlocker(request, connection)
  if (blocked !== null || !connection) throw new NotExecutable(`${blocked}; nothing was executed`)
  // The requester's own credentials: Odoo applies the requester's rights, not the approver's.
  const principal = principalOf(deps, connection)
  const ctx = { odoo: principal.odoo, odoo_major: deps.odoo_major, protocol: deps.odoo.protocol }
  const problem = tool.check?.(ctx, parsed.data) ?? null
  if (problem !== null)
    throw new NotExecutable(`the stored arguments are not valid here: ${problem}; nothing was executed`)
  await refuseOnDrift(deps, principal.odoo, request_id)
  return { run: () => tool.run(ctx, parsed.data), login: principal.odoo.login, tool: tool.name }
}

/**
 * The drift guard at execution: the records the approver was shown are read again, as the requester,
 * and any change since filing means the call does not run. Between this read and the call there is
 * no gap Countersign can close; Odoo has no compare-and-set across calls.
 */
async function refuseOnDrift(deps: ApprovalsDeps, odoo: OdooSession, request_id: number): Promise<void> {
  const preview = await storedPreview(deps, request_id)
  if (!preview || preview.fingerprint.length === 0) return
  let drift: DriftChange[]
  try {
    drift = await driftSince(odoo, preview.fingerprint)
  } catch (error) {
    if (!isOdooError(error)) throw error
    throw new NotExecutable(
      `Not executed: could not read the records again to check they did not change since filing (${error.message}). Nothing was done in Odoo.`,
    )
  }
  if (drift.length > 0) throw new NotExecutable(driftRefusal(drift))
}

/**
 * Keeps a cached result under `limit` bytes. A cut result is replaced by a small JSON object that
 * says so and carries the beginning of the text, so it is always valid JSON.
 */
export function boundResult(text: string, limit: number): { text: string; truncated: boolean } {
  const size = Buffer.byteLength(text, 'utf8')
  if (size <= limit) return { text, truncated: false }
  const bytes = Buffer.from(text, 'utf8')
  // Escaping inside the JSON string can grow the kept part; shrink until the whole answer fits.
  let keep = Math.max(0, limit - 256)
  for (;;) {
    const partial = bytes
      .subarray(0, keep)
      .toString('utf8')
      .replace(/\uFFFD$/, '')
    const out = JSON.stringify({
      truncated: true,
      note: `[result truncated: ${size} bytes, only the first ${Buffer.byteLength(partial, 'utf8')} are kept]`,
      partial,
    })
    const over = Buffer.byteLength(out, 'utf8') - limit
    if (over <= 0 || keep === 0) return { text: out, truncated: true }
    keep = Math.max(0, keep - over)
  }
}

/**
 * Declares lost every execution `running` for longer than any live call can take (a process died
 * mid-call), and runs approved requests nobody claimed (a process died between decision and claim).
 */
export async function recoverStale(deps: ApprovalsDeps): Promise<{ lost: number[]; resumed: number[] }> {
  const now = deps.clock()
  const lost = await failStaleRunning(deps.db, OUTCOME_UNKNOWN, now, {
    started_before: new Date(now.getTime() - deps.stale_running_ms),
  })
  for (const request_id of lost) {
    await deps.audit({
      at: now,
      event: 'execution_finished',
      outcome: 'error',
      request_id,
      error: OUTCOME_UNKNOWN,
    })
  }
  const resumed: number[] = []
  const cutoff = new Date(now.getTime() - deps.stale_running_ms)
  for (const request_id of await listUnclaimedApproved(deps.db, cutoff, 100)) {
    await executeApproved(deps, request_id)
    resumed.push(request_id)
  }
  return { lost, resumed }
}
