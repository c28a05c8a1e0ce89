/**
 * What the approver reviews besides the summary (issue 11): the effect preview stored at filing, and
 * — while the request is pending — whether its records changed since, read again now as the
 * requester (the drift guard's question, asked before the decision as well as at execution). The
 * console, the JSON API (and through it the CLI) show the same. Read-only.
 */
import type { ApprovalRequest } from '../domain/approval-request.js'
import { type DriftChange, driftText } from '../domain/effects/drift.js'
import type { Preview, PreviewEffect } from '../domain/effects/preview.js'
import { principalOf } from '../mcp/principal.js'
import { isOdooError } from '../odoo/errors.js'
import { getRequestPreview } from '../store/approval-requests.js'
import type { Connection } from '../store/connections.js'
import type { ApprovalsDeps } from './deps.js'
import { driftSince } from './effect-facts.js'

export interface Review {
  /** The preview as filed; null for a request filed before previews existed. */
  effects: { items: PreviewEffect[]; more: number } | null
  /** Pending requests only: whether the records changed since filing, or why that is not known. */
  drift: ReviewDrift | null
}

export type ReviewDrift =
  | { checked_at: string; changed: boolean; changes: DriftChange[]; text: string }
  | { checked_at: string; changed: null; error: string }

export async function storedPreview(deps: ApprovalsDeps, request_id: number): Promise<Preview | null> {
  const text = await getRequestPreview(deps.db, request_id)
  return text === null ? null : (JSON.parse(text) as Preview)
}

export async function reviewOf(
  deps: ApprovalsDeps,
  request: ApprovalRequest,
  connection: Connection | undefined,
): Promise<Review> {
  const preview = await storedPreview(deps, request.request_id)
  if (!preview) return { effects: null, drift: null }
  const effects = { items: preview.effects, more: preview.more_effects }
  if (request.status !== 'pending' || preview.fingerprint.length === 0) return { effects, drift: null }
  const checked_at = deps.clock().toISOString()
  // Read as the requester, as execution will: the approver's own rights do not matter here.
  if (connection?.status !== 'active' || connection.odoo_uid !== request.requester_uid)
    return { effects, drift: { checked_at, changed: null, error: 'the connection can no longer read Odoo' } }
  try {
    const changes = await driftSince(principalOf(deps, connection).odoo, preview.fingerprint)
    return { effects, drift: { checked_at, changed: changes.length > 0, changes, text: driftText(changes) } }
  } catch (error) {
    if (!isOdooError(error)) throw error
    return {
      effects,
      drift: { checked_at, changed: null, error: `Odoo could not be read: ${error.message}` },
    }
  }
}
