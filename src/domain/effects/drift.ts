/**
 * The drift guard (issue 11): the records a request acts on, as they are now, against the
 * fingerprint kept when it was filed (preview.ts). The approver is shown what changed before
 * deciding; at execution any change means the call does not run. Pure.
 */
import { canonicalJson } from '../canonical-json.js'
import type { FingerprintModel, ModelFacts, PreviewChange, ReadPlan } from './preview.js'
import { shownValue } from './preview.js'

export interface DriftChange {
  model: string
  id: number
  /** The record's name when filed, display-ready. */
  name: string
  /** No longer exists, or the requester can no longer read it. */
  gone: boolean
  changes: PreviewChange[]
}

/** What to read again: the same records and fields as at filing. */
export function driftReads(fingerprint: readonly FingerprintModel[]): ReadPlan[] {
  return fingerprint.map((m) => ({
    model: m.model,
    ids: m.rows.map((r) => r.id),
    fields: ['display_name', ...Object.keys(m.fields)],
  }))
}

export function driftOf(
  fingerprint: readonly FingerprintModel[],
  now: Readonly<Record<string, ModelFacts>>,
): DriftChange[] {
  const found: DriftChange[] = []
  for (const model of fingerprint) {
    const read = Object.hasOwn(now, model.model) ? now[model.model] : undefined
    const rows = new Map((read?.rows ?? []).map((r) => [r.id as number, r]))
    for (const before of model.rows) {
      const row = rows.get(before.id)
      if (!row) {
        found.push({ model: model.model, id: before.id, name: before.name, gone: true, changes: [] })
        continue
      }
      const changes: PreviewChange[] = []
      for (const [field, was] of Object.entries(before.values)) {
        const is = row[field] ?? false
        if (canonicalJson(is) === canonicalJson(was)) continue
        const meta = Object.hasOwn(model.fields, field) ? model.fields[field] : undefined
        const none = { models: {}, names: {} }
        changes.push({
          label: meta ? `${meta.label} (${field})` : field,
          before: shownValue(field, was, meta, none),
          after: shownValue(field, is, meta, none),
        })
      }
      if (changes.length > 0)
        found.push({ model: model.model, id: before.id, name: before.name, gone: false, changes })
    }
  }
  return found
}

/** One sentence per changed record: "“S00026” (sale.order #26): Total (amount_total) 9,293.15 → 2,408,100". */
export function driftText(drift: readonly DriftChange[]): string {
  return drift
    .map((d) => {
      const what = d.gone
        ? 'no longer exists or the requester can no longer read it'
        : d.changes.map((c) => `${c.label} ${c.before} → ${c.after}`).join('; ')
      return `${d.name} (${d.model} #${d.id}): ${what}`
    })
    .join('. ')
}

/** The error a request ends with when its records changed before execution: what changed, and what to do. */
export function driftRefusal(drift: readonly DriftChange[]): string {
  return (
    `Not executed: the records changed after the request was filed, so the approval no longer matches them. ` +
    `${driftText(drift)}. Nothing was done in Odoo. If the user still wants this, file it again (call the tool ` +
    'again): the approver will then see the records as they are now.'
  )
}
