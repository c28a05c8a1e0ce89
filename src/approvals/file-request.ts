/**
 * The gate (seed step 1): instead of running a gated tool, work out the plain-English summary from
 * live Odoo facts read as the requester, store the request with its arguments frozen and
 * fingerprinted, notify the approver in Odoo, and answer `pending_approval`. Arguments were
 * validated before this runs (mcp/server.ts); if reading the facts or storing fails, nothing is
 * filed and the AI gets a tool error. A connection over one of its filing limits (argument size,
 * requests awaiting approval, requests in the last minute; config.ts) gets a tool error too, and
 * nothing is filed or notified. Never runs the tool.
 */
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { fingerprint } from '../domain/canonical-json.js'
import { expiresAt } from '../domain/decide.js'
import type { EffectFacts } from '../domain/effects/effect.js'
import { type Preview, previewLines } from '../domain/effects/preview.js'
import { maskSecrets } from '../domain/secrets.js'
import {
  alreadyPendingMessage,
  type FilingRefusal,
  filingRefusedMessage,
  pendingMessage,
  reviewer,
} from '../domain/status-message.js'
import { summarize } from '../domain/summary.js'
import type { Principal } from '../mcp/principal.js'
import {
  type ApprovalRequest,
  countFilingLoad,
  findPendingTwin,
  insertApprovalRequest,
  insertRequestPreview,
} from '../store/approval-requests.js'
import { setNotification } from '../store/approval-transitions.js'
import { appendAudit } from '../store/audit-log.js'
import { approverOf, lockConnectionForFiling } from '../store/connections.js'
import type { Database } from '../store/tables.js'
import { clip } from '../tools/facts.js'
import { isoTime } from '../tools/schemas.js'
import { type Tool, type ToolContext, ToolError, type ToolOutput } from '../tools/tool.js'
import type { ApprovalsDeps } from './deps.js'
import { effectsFromFacts, previewOf } from './effect-facts.js'
import { storedPreview } from './review.js'
import { hidesSameSecrets, sealSecrets } from './sealed-secrets.js'

/**
 * What a gated call answers instead of running: filed now (with `because`, the gate's reasons), or
 * an identical request already pending (`already_filed`, nothing filed again).
 */
export const pendingApprovalOutput = z
  .object({
    status: z.literal('pending_approval'),
    request_id: z.number().int().positive(),
    summary: z.string(),
    because: z
      .array(z.string())
      .optional()
      .describe('Why it needs approval, in words: the tool, or the effects the connection gates'),
    approver: z.string().describe('Who can decide'),
    expires_at: isoTime,
    already_filed: z.literal(true).optional().describe('An identical request was pending: not filed again'),
    message: z.string().describe('What to tell the user, and not to call the tool again'),
  })
  .describe('The call waits for human approval; call check_approval_status with request_id later')

export function requestLink(public_url: string, request_id: number): string {
  return `${public_url}/approvals/${request_id}`
}

/** What the filing transaction did: filed a request, found an identical one pending, or hit a limit. */
type Filing =
  | { outcome: 'filed' | 'twin'; request: ApprovalRequest }
  | { outcome: 'refused'; refusal: FilingRefusal }

/** Why the call files, and the field types its effects were read with (approvals/gate-call.ts). */
export interface Gated {
  facts: EffectFacts
  /** The gate's reasons: the tool's name, or the effects the connection gates. */
  because: string[]
}

export async function fileRequest(
  deps: ApprovalsDeps,
  principal: Principal,
  tool: Tool,
  args: unknown,
  ctx: ToolContext,
  gated: Gated,
): Promise<ToolOutput> {
  // Secrets (domain/secrets.ts) are hidden from everything below — fingerprint, summary, storage,
  // activity, audit — and stored only sealed, for execution (approvals/sealed-secrets.ts).
  const { masked, secrets } = maskSecrets(tool.name, args)
  const frozen = fingerprint(masked)
  const bytes = Buffer.byteLength(frozen.arguments, 'utf8')
  if (bytes > deps.filing_limits.max_argument_bytes)
    throw refused(principal, tool, {
      limit: 'argument_size',
      bytes,
      max_bytes: deps.filing_limits.max_argument_bytes,
    })
  const twinOf = (now: Date) => ({
    connection_id: principal.connection_id,
    tool: tool.name,
    arguments_sha256: frozen.arguments_sha256,
    now,
    // The fingerprint is of the masked call: a pending one is this call only if it hides the same values.
    sameSecrets: (candidate: ApprovalRequest, sealed: string | null) =>
      hidesSameSecrets(deps.secrets, candidate, sealed, secrets),
  })
  // An AI that retries, or a user who asks twice, must not queue the same action for the approver
  // twice: an identical call while one is pending points to that one, without reading Odoo again.
  // Not counted against the limits below: it files nothing.
  const waiting = await findPendingTwin(deps.db, twinOf(deps.clock()))
  if (waiting) return alreadyPending(deps, principal, waiting)
  // Before reading Odoo for the summary, so a connection over its limits costs Odoo nothing.
  const early = await limitReached(deps.db, deps, principal.connection_id, deps.clock())
  if (early) throw refused(principal, tool, early)

  const [facts, preview] = await Promise.all([
    tool.describe ? tool.describe(ctx, masked) : null,
    // From the masked arguments too: a secret written to a field never reaches the preview.
    previewOf(
      ctx.odoo,
      effectsFromFacts({ tool: tool.name, args: masked as Record<string, unknown> }, gated.facts),
    ),
  ])
  const summary = facts ? summarize(facts) : `Run ${tool.name} with ${clip(JSON.stringify(masked), 300)}.`
  const now = deps.clock()
  // The request and its audit entry land together or not at all. The identical request and the
  // limits are checked again inside, after taking the connection's filing lock: filings of one
  // connection racing here, on any replica and either engine, are checked and inserted one at a time,
  // so they still file one request per action and never more than the limits allow.
  const filed = await deps.db.transaction().execute(async (trx): Promise<Filing> => {
    await lockConnectionForFiling(trx, principal.connection_id)
    const twin = await findPendingTwin(trx, twinOf(now))
    if (twin) return { outcome: 'twin', request: twin }
    const limit = await limitReached(trx, deps, principal.connection_id, now)
    if (limit) return { outcome: 'refused', refusal: limit }
    // The approver as the connection has it now, not as it was when this call came in: it may have
    // been reassigned meanwhile, and pending requests follow the connection's approver.
    const approver = await approverOf(trx, principal.connection_id)
    const request = await insertApprovalRequest(trx, {
      connection_id: principal.connection_id,
      tool: tool.name,
      model: tool.model(args),
      arguments: frozen.arguments,
      arguments_sha256: frozen.arguments_sha256,
      summary,
      requester_uid: principal.odoo.uid,
      requester_login: principal.odoo.login,
      requester_name: principal.user_name,
      approver_uid: approver?.uid ?? null,
      approver_login: approver?.login ?? null,
      approver_name: approver?.name ?? null,
      requested_at: now,
      expires_at: expiresAt(now, principal.policy.approval_expiry_hours),
      sealed_secrets: sealSecrets(
        deps.secrets,
        {
          connection_id: principal.connection_id,
          arguments_sha256: frozen.arguments_sha256,
          requested_at: now,
        },
        secrets,
      ),
    })
    await insertRequestPreview(trx, request.request_id, JSON.stringify(preview))
    await appendAudit(trx, {
      at: now,
      event: 'request_filed',
      outcome: 'pending',
      connection_id: principal.connection_id,
      request_id: request.request_id,
      actor_uid: principal.odoo.uid,
      actor_login: principal.odoo.login,
      tool: tool.name,
      model: request.model,
      detail: {
        summary,
        arguments_sha256: frozen.arguments_sha256,
        approver: approver?.login ?? null,
        because: gated.because,
      },
    })
    return { outcome: 'filed', request }
  })
  if (filed.outcome === 'refused') throw refused(principal, tool, filed.refusal)
  if (filed.outcome === 'twin') return alreadyPending(deps, principal, filed.request)

  try {
    await notifyFiled(deps, filed.request, preview)
  } catch (error) {
    // Filed is filed: the console and the API list the request whether or not the approver was told.
    deps.logger.warn({ err: error, request_id: filed.request.request_id }, 'could not notify the approver')
  }

  const structured = {
    status: 'pending_approval',
    request_id: filed.request.request_id,
    summary,
    because: gated.because,
    approver: reviewer(filed.request),
    expires_at: filed.request.expires_at.toISOString(),
    message: pendingMessage(filed.request),
  }
  return { structured, headline: `Awaiting approval (request ${filed.request.request_id}): ${summary}` }
}

/** Which limit, if any, one more request of this connection would exceed at `now`. */
async function limitReached(
  db: Kysely<Database>,
  deps: ApprovalsDeps,
  connection_id: number,
  now: Date,
): Promise<FilingRefusal | null> {
  const { max_pending, max_per_minute } = deps.filing_limits
  const load = await countFilingLoad(db, connection_id, {
    now,
    since: new Date(now.getTime() - 60_000),
    pending_limit: max_pending,
    filed_limit: max_per_minute,
  })
  if (load.pending >= max_pending) return { limit: 'pending', max: max_pending }
  if (load.filed_since >= max_per_minute) return { limit: 'per_minute', max: max_per_minute }
  return null
}

/** The tool error for a call a limit refused; audited as `limit_reached` (mcp/server.ts). */
function refused(principal: Principal, tool: Tool, refusal: FilingRefusal): ToolError {
  const approver = principal.policy.approver
  const reviewed = {
    approver_uid: approver?.uid ?? null,
    approver_name: approver?.name ?? null,
    requester_uid: principal.odoo.uid,
    requester_name: principal.user_name,
  }
  return new ToolError(filingRefusedMessage(tool.name, refusal, reviewed), { outcome: 'limit_reached' })
}

/** The answer for a call identical to a pending request: that request, nothing new filed or notified. */
async function alreadyPending(
  deps: ApprovalsDeps,
  principal: Principal,
  request: ApprovalRequest,
): Promise<ToolOutput> {
  await deps.audit({
    at: deps.clock(),
    event: 'request_filed',
    outcome: 'already_pending',
    connection_id: principal.connection_id,
    request_id: request.request_id,
    actor_uid: principal.odoo.uid,
    actor_login: principal.odoo.login,
    tool: request.tool,
    model: request.model,
    detail: { arguments_sha256: request.arguments_sha256 },
  })
  const structured = {
    status: 'pending_approval',
    request_id: request.request_id,
    summary: request.summary,
    approver: reviewer(request),
    expires_at: request.expires_at.toISOString(),
    already_filed: true,
    message: alreadyPendingMessage(request),
  }
  return {
    structured,
    headline: `Already awaiting approval (request ${request.request_id}, not filed again): ${request.summary}`,
  }
}

/**
 * The approver — or every administrator except the requester when no approver is assigned, or when
 * the assigned approver is the requester: they may not decide (domain/who-may-decide.ts), so only
 * another administrator can, and without a word to them the request would wait unseen until it expires.
 * What came of it — the activity ids, or why there are none — is stored on the request, where the
 * console, the JSON API and the CLI show it.
 */
export async function notifyFiled(
  deps: ApprovalsDeps,
  request: ApprovalRequest,
  /** The preview just filed; read from the store when not given (a request moved to a new approver). */
  filedPreview?: Preview,
): Promise<void> {
  const { request_id } = request
  const approverMayDecide = request.approver_uid !== null && request.approver_uid !== request.requester_uid
  const recipients = async () =>
    (approverMayDecide
      ? [
          {
            uid: request.approver_uid as number,
            login: request.approver_login ?? '',
            name: request.approver_name ?? '',
          },
        ]
      : await deps.admins.listAdmins()
    ).filter((p) => p.uid !== request.requester_uid)
  const preview = filedPreview ?? (await storedPreview(deps, request_id))
  const notice = await deps.notifier.requestFiled(
    request,
    recipients,
    requestLink(deps.public_url, request_id),
    preview ? previewLines(preview) : [],
  )
  await setNotification(deps.db, request_id, notice)
}
