/**
 * The one I/O step of the effect model (domain/effects): reads from Odoo, as the requester, the field
 * types a call's effects depend on, the records its preview shows, and the same records again for
 * the drift guard. Read-only. An access error on a model's records is kept as a fact (the preview says
 * the requester cannot read them, and Odoo will refuse the call too); any other error — an unknown
 * model, Odoo unreachable — is thrown, so the call fails with nothing filed or run.
 */
import { effectsOf, factsNeeded, type ToolCall } from '../domain/effects/derive.js'
import { type DriftChange, driftOf, driftReads } from '../domain/effects/drift.js'
import type { Effect, EffectFacts, FieldMeta } from '../domain/effects/effect.js'
import {
  buildPreview,
  type FieldInfo,
  type FingerprintModel,
  type ModelFacts,
  nameReads,
  type Preview,
  type PreviewFacts,
  previewReads,
  type ReadPlan,
} from '../domain/effects/preview.js'
import { isOdooError } from '../odoo/errors.js'
import type { OdooSession } from '../odoo/types.js'
import { modelFact } from '../tools/facts.js'
import { TRANSITIONS } from '../tools/workflow.js'

/** x2many commands nest; a few rounds of fields_get cover every depth `factsNeeded` follows. */
const MAX_ROUNDS = 4

/** The state each workflow transition leads to, from the transitions transition_state offers. */
const TRANSITION_TARGETS = Object.fromEntries(
  Object.entries(TRANSITIONS).map(([model, list]) => [
    model,
    Object.fromEntries(list.map((t) => [t.method, t.to])),
  ]),
)

/** The effects of a call, reading the field types its values need. */
export async function effectsOfCall(
  odoo: OdooSession,
  call: ToolCall,
): Promise<{ effects: Effect[]; facts: EffectFacts }> {
  const facts: EffectFacts = { fields: {} }
  const asked = new Set<string>()
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const missing = factsNeeded(call, facts)
      .map(({ model, fields }) => ({ model, fields: fields.filter((f) => !asked.has(`${model} ${f}`)) }))
      .filter((w) => w.fields.length > 0)
    if (missing.length === 0) break
    await Promise.all(
      missing.map(async ({ model, fields }) => {
        for (const f of fields) asked.add(`${model} ${f}`)
        const described = await fieldsGet(odoo, model, fields, ['type', 'relation'])
        const known: Record<string, FieldMeta> = facts.fields[model] ?? {}
        facts.fields[model] = known
        for (const [name, meta] of Object.entries(described)) {
          known[name] = {
            type: String(meta.type),
            ...(typeof meta.relation === 'string' && { relation: meta.relation }),
          } satisfies FieldMeta
        }
      }),
    )
  }
  return { effects: effectsFromFacts(call, facts), facts }
}

/** The effects of a call whose field types were read already (the masked twin of a gated call). */
export function effectsFromFacts(call: ToolCall, facts: EffectFacts): Effect[] {
  return effectsOf(call, facts, TRANSITION_TARGETS)
}

/** The approver's preview of these effects, with the fingerprint the drift guard compares later. */
export async function previewOf(odoo: OdooSession, effects: readonly Effect[]): Promise<Preview> {
  const models = await readModels(odoo, previewReads(effects), { labels: true })
  const facts: PreviewFacts = { models, names: {} }
  const lookups = nameReads(effects, facts)
  await Promise.all(
    lookups.map(async ({ model, ids }) => {
      facts.names[model] = await displayNames(odoo, model, ids)
    }),
  )
  return buildPreview(effects, facts)
}

/** What changed in the fingerprinted records since filing, read now as the requester. */
export async function driftSince(
  odoo: OdooSession,
  fingerprint: readonly FingerprintModel[],
): Promise<DriftChange[]> {
  if (fingerprint.length === 0) return []
  return driftOf(fingerprint, await readModels(odoo, driftReads(fingerprint), { labels: false }))
}

async function readModels(
  odoo: OdooSession,
  plans: readonly ReadPlan[],
  options: { labels: boolean },
): Promise<Record<string, ModelFacts>> {
  const entries = await Promise.all(
    plans.map(async (plan): Promise<[string, ModelFacts]> => {
      const [label, described] = await Promise.all([
        options.labels ? modelFact(odoo, plan.model).then((m) => m.label) : Promise.resolve(null),
        fieldsGet(odoo, plan.model, plan.fields, ['type', 'string', 'relation', 'selection']),
      ])
      const fields: Record<string, FieldInfo> = {}
      for (const [name, meta] of Object.entries(described)) fields[name] = fieldInfo(name, meta)
      // display_name is not a stored field but every model answers it.
      const wanted = [...new Set(['display_name', ...Object.keys(fields)])]
      try {
        const rows = await odoo.call<Array<Record<string, unknown>>>(plan.model, 'search_read', {
          kwargs: { domain: [['id', 'in', plan.ids]], fields: wanted },
          context: { active_test: false },
        })
        return [plan.model, { label, fields, rows, unreadable: null }]
      } catch (error) {
        if (isOdooError(error) && error.kind === 'access_denied')
          return [plan.model, { label, fields, rows: [], unreadable: error.message }]
        throw error
      }
    }),
  )
  return Object.fromEntries(entries)
}

async function fieldsGet(
  odoo: OdooSession,
  model: string,
  fields: readonly string[],
  attributes: string[],
): Promise<Record<string, Record<string, unknown>>> {
  return odoo.call<Record<string, Record<string, unknown>>>(model, 'fields_get', {
    kwargs: { allfields: [...fields], attributes },
  })
}

function fieldInfo(name: string, meta: Record<string, unknown>): FieldInfo {
  const selection = Array.isArray(meta.selection)
    ? meta.selection.filter(
        (p): p is [string, string] =>
          Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string',
      )
    : undefined
  return {
    type: String(meta.type),
    label: typeof meta.string === 'string' ? meta.string : name,
    ...(typeof meta.relation === 'string' && { relation: meta.relation }),
    ...(selection && selection.length > 0 && { selection }),
  }
}

/** Display names of a few records; none when the requester may not read them (the preview shows ids). */
async function displayNames(
  odoo: OdooSession,
  model: string,
  ids: number[],
): Promise<Record<string, string>> {
  try {
    const rows = await odoo.call<Array<{ id: number; display_name: unknown }>>(model, 'search_read', {
      kwargs: { domain: [['id', 'in', ids]], fields: ['display_name'] },
      context: { active_test: false },
    })
    return Object.fromEntries(
      rows
        .filter((r) => typeof r.display_name === 'string')
        .map((r) => [String(r.id), r.display_name as string]),
    )
  } catch (error) {
    if (isOdooError(error)) return {}
    throw error
  }
}
