/**
 * Reads, as the requester, what an approval summary is worded from: the model's human name and
 * the display name, state, partner and amount of the records a call targets. Read-only. An access
 * error is kept as a fact ("the requester cannot read them"), not thrown: the request is still
 * filed, and Odoo will refuse the call itself if it is approved. Any other error (an unknown model,
 * Odoo unreachable) fails the call before anything is filed.
 */

import { many2oneName, ownEntry } from '../domain/odoo-values.js'
import type { ModelFact, RecordFact, RecordsFacts } from '../domain/summary.js'
import { isOdooError } from '../odoo/errors.js'
import type { OdooSession } from '../odoo/types.js'

/** Fields read for the summary beyond display_name, on models whose fields we know. */
const DETAIL_FIELDS: Record<string, string[]> = {
  'sale.order': ['state', 'partner_id', 'amount_total', 'currency_id'],
  'account.move': ['state', 'partner_id', 'amount_total', 'currency_id', 'move_type'],
}

export async function modelFact(odoo: OdooSession, model: string): Promise<ModelFact> {
  try {
    // The web client's `display_name_for` (16+) answers any internal user; ir.model itself needs
    // Access Rights or Email Marketing. A model the user may not read comes back named by itself.
    const [row] = await odoo
      .call<Array<{ model?: unknown; display_name?: unknown }>>('ir.model', 'display_name_for', {
        kwargs: { models: [model] },
      })
      .catch((error) => {
        if (isOdooError(error) && error.kind === 'not_found') return legacyModelLabel(odoo, model)
        throw error
      })
    const label = row?.display_name
    return { model, label: typeof label === 'string' && label !== model ? label : null }
  } catch (error) {
    if (isOdooError(error)) return { model, label: null }
    throw error
  }
}

async function legacyModelLabel(
  odoo: OdooSession,
  model: string,
): Promise<Array<{ display_name?: unknown }>> {
  const rows = await odoo.call<Array<{ name?: unknown }>>('ir.model', 'search_read', {
    kwargs: { domain: [['model', '=', model]], fields: ['name'], limit: 1 },
  })
  return rows.map((r) => ({ display_name: r.name }))
}

export async function recordsFacts(odoo: OdooSession, model: string, ids: number[]): Promise<RecordsFacts> {
  const [modelInfo, read] = await Promise.all([modelFact(odoo, model), readRecords(odoo, model, ids)])
  return { model: modelInfo, asked: ids, ...read }
}

async function readRecords(
  odoo: OdooSession,
  model: string,
  ids: number[],
): Promise<{ found: RecordFact[]; unreadable: string | null }> {
  try {
    // search_read rather than read: missing ids and ids hidden by record rules are left out
    // instead of failing the whole read, so the summary can say which ones they are.
    const rows = await odoo.call<Array<Record<string, unknown>>>(model, 'search_read', {
      kwargs: {
        domain: [['id', 'in', ids]],
        fields: ['display_name', ...(ownEntry(DETAIL_FIELDS, model) ?? [])],
      },
      context: { active_test: false },
    })
    const byId = new Map(rows.map((row) => [row.id as number, toFact(row)]))
    return { found: ids.flatMap((id) => byId.get(id) ?? []), unreadable: null }
  } catch (error) {
    // Odoo refusing the requester is a fact worth filing (the approver sees it, and Odoo will refuse
    // the call too); anything else — an unknown model or field, Odoo down — fails the call unfiled.
    if (isOdooError(error) && error.kind === 'access_denied') return { found: [], unreadable: error.message }
    throw error
  }
}

function toFact(row: Record<string, unknown>): RecordFact {
  return {
    id: row.id as number,
    display_name: typeof row.display_name === 'string' ? row.display_name : null,
    state: typeof row.state === 'string' ? row.state : null,
    partner: many2oneName(row.partner_id),
    amount_total: typeof row.amount_total === 'number' ? row.amount_total : null,
    currency: many2oneName(row.currency_id),
    move_type: typeof row.move_type === 'string' ? row.move_type : null,
  }
}

/** A short, single-line rendering of call parameters for a summary. */
export function paramsPreview(
  args: unknown[] | undefined,
  kwargs: Record<string, unknown> | undefined,
): string | null {
  const parts: string[] = []
  if (args && args.length > 0) parts.push(`args ${clip(JSON.stringify(args))}`)
  if (kwargs && Object.keys(kwargs).length > 0) parts.push(`kwargs ${clip(JSON.stringify(kwargs))}`)
  return parts.length > 0 ? parts.join(' and ') : null
}

export function clip(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`
}
