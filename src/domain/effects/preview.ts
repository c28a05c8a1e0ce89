/**
 * The approver's preview of a call (issue 11): per effect, the records it touches with the facts
 * that matter for their model, a before → after table for writes, from → to for state changes, the
 * recipients of anything sent, and what Odoo will refuse or remove along with a deletion. And the
 * fingerprint kept with the request, re-read before the decision and at execution (drift.ts).
 *
 * Pure. Facts come in as data read from Odoo as the requester (approvals/effect-facts.ts). Every
 * string that came from Odoo or the AI leaves here display-ready: names quoted, control and bidi
 * characters made visible, lengths capped, secret-looking values masked — so the console, the JSON
 * API, the CLI and the Odoo activity each show the same safe text and none has to remember to.
 */

import { many2oneName, ownEntry } from '../odoo-values.js'
import { HIDDEN, looksSecret } from '../secrets.js'
import { idList, money, pluralize, type RecordFact, singularNoun } from '../summary.js'
import { clean, quoted } from '../terminal-text.js'
import type { Effect, EffectKind, WriteFlag } from './effect.js'

/** A field as `fields_get` describes it, with what rendering needs. */
export interface FieldInfo {
  type: string
  label: string
  relation?: string
  /** selection: [value, label] pairs. */
  selection?: Array<[string, string]>
}

/** What was read of one model, as the requester. */
export interface ModelFacts {
  /** ir.model's name ("Sales Order"), when readable. */
  label: string | null
  /** The fields that were read (and exist). */
  fields: Record<string, FieldInfo>
  /** One row per readable record asked for, as search_read returns it. */
  rows: Array<Record<string, unknown>>
  /** Odoo's access error, when the requester may not read these records at all. */
  unreadable: string | null
}

export interface PreviewFacts {
  models: Record<string, ModelFacts>
  /** Display names of records named only by id (a many2one value written, a follower): model → id → name. */
  names: Record<string, Record<string, string>>
}

/** What to read for one model: these records, these fields (some may not exist; the reader drops them). */
export interface ReadPlan {
  model: string
  ids: number[]
  fields: string[]
}

export interface PreviewLine {
  label: string
  value: string
}

export interface PreviewChange {
  label: string
  before: string
  after: string
}

export interface PreviewRecord {
  id: number
  /** Quoted and sanitised, or `#id` when it has none. */
  name: string
  facts: PreviewLine[]
  changes: PreviewChange[]
}

export interface PreviewEffect {
  kind: EffectKind
  model: string
  headline: string
  irreversible: boolean
  /** Where the effect hides in the arguments ("order_line [2,71]"), sanitised. */
  via: string | null
  /** How many records it acts on; null when Odoo decides (every line a command replaces). */
  count: number | null
  records: PreviewRecord[]
  /** Records acted on but not shown (beyond the first few). */
  more: number
  /** Values a create sets. */
  values: PreviewLine[]
  send: { subject: string | null; recipients: string[]; recipient_count: number | null } | null
  /** What Odoo will refuse, what goes with a deletion, which records could not be read. */
  warnings: string[]
}

/** One record as it was when the request was filed: what the drift guard compares. */
export interface FingerprintModel {
  model: string
  fields: Record<string, FieldInfo>
  rows: Array<{ id: number; name: string; values: Record<string, unknown> }>
}

export interface Preview {
  effects: PreviewEffect[]
  /** Effects beyond the ones listed (a call with dozens of commands). */
  more_effects: number
  fingerprint: FingerprintModel[]
}

export const SHOWN_RECORDS = 10
const SHOWN_EFFECTS = 25
const SHOWN_RECIPIENTS = 5
const VALUE_MAX = 200

/** Read for every record: its name and Odoo's own change marker. */
const BASE_FIELDS = ['display_name', 'write_date']

/** The facts that matter per model (issue 11: customer, amount and currency, state, salesperson, date). */
const DETAIL_FIELDS: Record<string, string[]> = {
  'sale.order': ['partner_id', 'amount_total', 'currency_id', 'state', 'user_id', 'date_order'],
  'account.move': [
    'partner_id',
    'amount_total',
    'currency_id',
    'state',
    'move_type',
    'invoice_user_id',
    'invoice_date',
  ],
  'sale.order.line': ['order_id', 'product_id', 'product_uom_qty', 'price_unit', 'price_subtotal'],
  'account.move.line': ['move_id', 'account_id', 'debit', 'credit'],
  'res.partner': ['email', 'parent_id'],
  'res.users': ['login'],
  'mail.template': ['subject', 'model'],
  'mailing.mailing': ['subject', 'state'],
}
/** Any other model: its state, when it has one. */
const DEFAULT_DETAIL = ['state']

/** What goes with a deleted record (its lines). */
const CASCADES: Record<string, Array<{ field: string; noun: string }>> = {
  'sale.order': [{ field: 'order_line', noun: 'order line' }],
  'account.move': [{ field: 'line_ids', noun: 'journal item' }],
}

/** Read for what is sent: who follows the record (Odoo notifies them) and its customer. */
const SEND_FIELDS = ['message_partner_ids', 'partner_id']

/** Not part of the fingerprint: followers change as activities are scheduled (by Countersign too). */
const NOT_FINGERPRINTED = new Set(['message_partner_ids'])

/** The parent write of an x2many command: it only relinks, its model's effect is its children's. */
function isRelink(effect: Effect): boolean {
  return effect.kind === 'write' && effect.parent !== undefined && effect.parent.model === effect.model
}

function writtenFields(effect: Effect): string[] {
  if (isRelink(effect)) return []
  return Object.keys(effect.values ?? {})
}

/** The first round of reads: the records of every effect, with the fields its preview shows. */
export function previewReads(effects: readonly Effect[]): ReadPlan[] {
  const plans = new Map<string, { ids: Set<number>; fields: Set<string> }>()
  const want = (model: string, ids: readonly number[], fields: readonly string[]) => {
    if (ids.length === 0) return
    const plan = plans.get(model) ?? { ids: new Set<number>(), fields: new Set<string>() }
    plans.set(model, plan)
    for (const id of ids) plan.ids.add(id)
    for (const f of [...BASE_FIELDS, ...(ownEntry(DETAIL_FIELDS, model) ?? DEFAULT_DETAIL), ...fields])
      plan.fields.add(f)
  }
  for (const effect of effects) {
    if (effect.parent && effect.parent.records.length > 0)
      want(effect.parent.model, effect.parent.records, [effect.parent.field])
    if (effect.records === 'all') continue
    const extra: string[] = [...writtenFields(effect)]
    if (effect.kind === 'state') extra.push('state')
    if (effect.kind === 'archive') extra.push('active')
    if (effect.kind === 'send') extra.push(...SEND_FIELDS)
    if (effect.kind === 'delete') extra.push(...(ownEntry(CASCADES, effect.model) ?? []).map((c) => c.field))
    want(effect.model, effect.records, extra)
  }
  return [...plans].map(([model, p]) => ({ model, ids: [...p.ids], fields: [...p.fields].sort() }))
}

/**
 * The second round: display names of records the first round only gave as ids — the many2one
 * values a call writes, and the first followers of what is sent.
 */
export function nameReads(
  effects: readonly Effect[],
  facts: PreviewFacts,
): Array<{ model: string; ids: number[] }> {
  const wanted = new Map<string, Set<number>>()
  const add = (model: string | undefined, id: unknown) => {
    if (!model || !Number.isInteger(id) || (id as number) <= 0) return
    const set = wanted.get(model) ?? new Set<number>()
    wanted.set(model, set)
    set.add(id as number)
  }
  for (const effect of effects) {
    const info = ownEntry(facts.models, effect.model)
    if (!info) continue
    for (const [field, value] of Object.entries(isRelink(effect) ? {} : (effect.values ?? {}))) {
      const meta = ownEntry(info.fields, field)
      if (meta?.type === 'many2one') add(meta.relation, value)
    }
    if (effect.kind === 'send' && Array.isArray(effect.records)) {
      for (const row of rowsOf(info, effect.records)) {
        const followers = Array.isArray(row.message_partner_ids) ? row.message_partner_ids : []
        for (const id of followers.slice(0, SHOWN_RECIPIENTS)) add('res.partner', id)
      }
    }
  }
  return [...wanted].map(([model, ids]) => ({ model, ids: [...ids] }))
}

function rowsOf(info: ModelFacts, ids: readonly number[]): Array<Record<string, unknown>> {
  const byId = new Map(info.rows.map((r) => [r.id as number, r]))
  return ids.flatMap((id): Array<Record<string, unknown>> => {
    const row = byId.get(id)
    return row ? [row] : []
  })
}

export function buildPreview(effects: readonly Effect[], facts: PreviewFacts): Preview {
  return {
    effects: effects.slice(0, SHOWN_EFFECTS).map((e) => previewEffect(e, facts)),
    more_effects: Math.max(0, effects.length - SHOWN_EFFECTS),
    fingerprint: fingerprintOf(facts),
  }
}

function fingerprintOf(facts: PreviewFacts): FingerprintModel[] {
  return Object.entries(facts.models)
    .filter(([, info]) => info.rows.length > 0)
    .map(([model, info]) => {
      const fields = Object.fromEntries(
        Object.entries(info.fields).filter(([f]) => !NOT_FINGERPRINTED.has(f) && f !== 'display_name'),
      )
      return {
        model,
        fields,
        rows: info.rows.map((row) => ({
          id: row.id as number,
          name: recordName(row),
          values: Object.fromEntries(Object.keys(fields).map((f) => [f, row[f] ?? false])),
        })),
      }
    })
}

function previewEffect(effect: Effect, facts: PreviewFacts): PreviewEffect {
  const info: ModelFacts = ownEntry(facts.models, effect.model) ?? {
    label: null,
    fields: {},
    rows: [],
    unreadable: null,
  }
  const asked = effect.records === 'all' ? [] : effect.records
  const rows = rowsOf(info, asked)
  const warnings: string[] = []
  if (info.unreadable !== null && asked.length > 0)
    warnings.push(`The requester cannot read these records: ${clean(info.unreadable, VALUE_MAX)}`)
  else {
    const found = new Set(rows.map((r) => r.id as number))
    const absent = asked.filter((id) => !found.has(id))
    if (absent.length > 0)
      warnings.push(
        `${absent.length === 1 ? 'Record' : 'Records'} ${idList(absent)} not found or not visible to the requester.`,
      )
  }
  if (effect.records === 'all' && effect.parent)
    warnings.push(
      `Every ${effect.model} record linked through ${effect.parent.field} and not kept by the command is removed.`,
    )
  warnings.push(...refusals(effect, rows), ...cascades(effect, info, rows))
  for (const flag of effect.flags ?? []) warnings.push(FLAG_WORDS[flag])

  const written = writtenFields(effect)
  const records = rows.slice(0, SHOWN_RECORDS).map((row) => ({
    id: row.id as number,
    name: recordName(row),
    facts: detailLines(
      effect.model,
      info,
      row,
      new Set([...written, effect.kind === 'state' ? 'state' : '']),
    ),
    changes: changesOf(effect, info, row, facts),
  }))
  const count = effect.records === 'all' ? null : asked.length
  return {
    kind: effect.kind,
    model: effect.model,
    headline: headline(effect, info, rows, count),
    irreversible: effect.irreversible === true,
    via: effect.via ? clean(effect.via, VALUE_MAX) : null,
    count,
    records,
    more: Math.max(0, rows.length - records.length),
    values:
      effect.kind === 'create'
        ? Object.entries(effect.values ?? {}).map(([field, value]) => ({
            label: labelOf(info, field),
            value: shownValue(field, value, ownEntry(info.fields, field), facts),
          }))
        : [],
    send: effect.kind === 'send' ? sendOf(effect, info, rows, facts) : null,
    warnings,
  }
}

/** What a write's flags mean to the approver (effect.ts `WriteFlag`). */
const FLAG_WORDS: Record<WriteFlag, string> = {
  company: 'Moves the records to another company (company_id).',
  ownership: 'Changes who the records belong to (their user, customer or owner).',
  amount: 'Changes an amount, a price or a quantity.',
}

function headline(
  effect: Effect,
  info: ModelFacts,
  rows: Array<Record<string, unknown>>,
  count: number | null,
): string {
  const facts: RecordFact[] = rows.map((r) => ({
    id: r.id as number,
    display_name: null,
    state: typeof r.state === 'string' ? r.state : null,
    move_type: typeof r.move_type === 'string' ? r.move_type : null,
  }))
  const model = effect.model
  const noun = singularNoun(model, info.label, rows.length === count ? facts : [])
  // No records named: a call on the model itself; null: Odoo decides which (every line a command drops).
  const subject =
    count === 0 ? model : `${count === null ? pluralize(noun, 2) : pluralize(noun, count, true)} (${model})`
  switch (effect.kind) {
    case 'create':
      return `Create ${count ? subject : `a ${noun} (${model})`}${effect.method === 'copy' ? ' as a copy' : ''}`
    case 'write': {
      const fields = writtenFields(effect).map((f) => labelOf(info, f))
      return `Change ${fields.length > 0 ? fields.join(', ') : 'the links'} on ${subject}`
    }
    case 'delete':
      return `Delete ${subject}`
    case 'archive':
      return `Archive ${subject}`
    case 'state':
      return `Change the state of ${subject}${effect.to ? ` to ${selectionLabel(info, 'state', effect.to)}` : ''} (${clean(effect.method, 64)})`
    case 'send':
      return `Send ${effect.via ? clean(effect.via, VALUE_MAX) : `mail (${clean(effect.method, 64)})`} from ${subject}`
    case 'call':
      return `Call the method ${clean(effect.method, 64)} on ${count === 0 ? `the model ${model} (not on particular records)` : subject}`
  }
}

/** What Odoo will refuse, said before approval (sale_order.py / account_move_line.py `_unlink_except_*`). */
function refusals(effect: Effect, rows: Array<Record<string, unknown>>): string[] {
  if (effect.kind !== 'delete') return []
  if (effect.model === 'sale.order') {
    const blocked = rows.filter((r) => r.state !== 'draft' && r.state !== 'cancel')
    if (blocked.length > 0)
      return [
        `Odoo will refuse: ${names(blocked)} ${blocked.length === 1 ? 'is' : 'are'} not a draft or cancelled quotation, and Odoo deletes only those (a sent quotation or a confirmed order must be cancelled first).`,
      ]
  }
  if (effect.model === 'account.move') {
    const posted = rows.filter((r) => r.state === 'posted')
    if (posted.length > 0)
      return [
        `Odoo will refuse: ${names(posted)} ${posted.length === 1 ? 'is' : 'are'} posted; Odoo deletes a journal entry only after it is reset to draft.`,
      ]
  }
  return []
}

function cascades(effect: Effect, info: ModelFacts, rows: Array<Record<string, unknown>>): string[] {
  if (effect.kind !== 'delete') return []
  return (ownEntry(CASCADES, effect.model) ?? []).flatMap(({ field, noun }) => {
    if (!ownEntry(info.fields, field)) return []
    const total = rows.reduce((n, r) => n + (Array.isArray(r[field]) ? (r[field] as unknown[]).length : 0), 0)
    return total > 0
      ? [`Also deletes ${pluralize(noun, total, true)} with ${rows.length === 1 ? 'it' : 'them'}.`]
      : []
  })
}

function changesOf(
  effect: Effect,
  info: ModelFacts,
  row: Record<string, unknown>,
  facts: PreviewFacts,
): PreviewChange[] {
  if (effect.kind === 'state' && effect.to !== undefined)
    return [
      {
        label: labelOf(info, 'state'),
        before: shownValue('state', row.state, ownEntry(info.fields, 'state'), facts),
        after: selectionLabel(info, 'state', effect.to),
      },
    ]
  if (effect.kind === 'archive')
    return [
      {
        label: labelOf(info, 'active'),
        before: shownValue('active', row.active, ownEntry(info.fields, 'active'), facts),
        after: 'no',
      },
    ]
  if (effect.kind !== 'write') return []
  return writtenFields(effect).map((field) => {
    const meta = ownEntry(info.fields, field)
    return {
      label: labelOf(info, field),
      before: shownValue(field, row[field], meta, facts),
      after: shownValue(field, effect.values?.[field], meta, facts, { written: true }),
    }
  })
}

function sendOf(
  effect: Effect,
  info: ModelFacts,
  rows: Array<Record<string, unknown>>,
  facts: PreviewFacts,
): PreviewEffect['send'] {
  if (effect.audience && effect.audience.length > 0) {
    const subject =
      effect.model === 'mail.template' && typeof rows[0]?.subject === 'string' ? rows[0].subject : null
    return {
      subject:
        subject === null
          ? null
          : `${quoted(subject)} (as written in the template; placeholders are filled in when sent)`,
      recipients: effect.audience.slice(0, SHOWN_RECIPIENTS).map((a) => quoted(a)),
      recipient_count: effect.audience.length,
    }
  }
  if (!ownEntry(info.fields, 'message_partner_ids'))
    return { subject: rows[0] ? recordName(rows[0]) : null, recipients: [], recipient_count: null }
  const ids = [
    ...new Set(rows.flatMap((r) => (Array.isArray(r.message_partner_ids) ? r.message_partner_ids : []))),
  ]
  const partners = ownEntry(facts.names, 'res.partner') ?? {}
  return {
    // A message posted without a subject goes out under the record's name.
    subject: rows.length === 1 && rows[0] ? recordName(rows[0]) : null,
    recipients: ids.slice(0, SHOWN_RECIPIENTS).map((id) => {
      const name = ownEntry(partners, String(id))
      return name === undefined ? `#${id}` : quoted(name)
    }),
    recipient_count: ids.length,
  }
}

/** The facts shown for a record, apart from the fields a write changes (those are in its table). */
function detailLines(
  model: string,
  info: ModelFacts,
  row: Record<string, unknown>,
  shownElsewhere: Set<string>,
): PreviewLine[] {
  const fields = ownEntry(DETAIL_FIELDS, model) ?? DEFAULT_DETAIL
  return fields
    .filter((f) => ownEntry(info.fields, f) && !shownElsewhere.has(f) && f !== 'currency_id')
    .map((f) => {
      const meta = ownEntry(info.fields, f)
      const value =
        meta?.type === 'monetary' && typeof row[f] === 'number'
          ? money(row[f] as number, many2oneName(row.currency_id))
          : shownValue(f, row[f], meta, { models: {}, names: {} })
      return { label: labelOf(info, f), value }
    })
}

function labelOf(info: ModelFacts, field: string): string {
  const meta = ownEntry(info.fields, field)
  return clean(meta?.label ? `${meta.label} (${field})` : field, 80)
}

function selectionLabel(info: ModelFacts, field: string, value: string): string {
  const pair = ownEntry(info.fields, field)?.selection?.find(([v]) => v === value)
  return pair ? `${clean(pair[1], 60)} (${clean(value, 60)})` : quoted(value)
}

/** A field value as the approver reads it. `written`: the value comes from the call, not from Odoo. */
export function shownValue(
  field: string,
  value: unknown,
  meta: FieldInfo | undefined,
  facts: PreviewFacts,
  options: { written?: boolean } = {},
): string {
  if (looksSecret(field)) return HIDDEN
  if (meta?.type === 'boolean') return value ? 'yes' : 'no'
  if (value === false || value === null || value === undefined) return '(empty)'
  if (meta?.type === 'many2one') {
    if (Array.isArray(value) && typeof value[1] === 'string') return quoted(value[1])
    if (Number.isInteger(value)) {
      const name = meta.relation
        ? ownEntry(ownEntry(facts.names, meta.relation) ?? {}, String(value))
        : undefined
      return name === undefined ? `#${value}` : `${quoted(name)} (#${value})`
    }
  }
  if (meta?.type === 'selection' && typeof value === 'string') {
    const pair = meta.selection?.find(([v]) => v === value)
    return pair ? `${clean(pair[1], 60)} (${clean(value, 60)})` : quoted(value)
  }
  if ((meta?.type === 'one2many' || meta?.type === 'many2many') && !options.written && Array.isArray(value))
    return pluralize('record', value.length, true)
  if (typeof value === 'number') {
    if (meta?.type === 'monetary') return money(value, null)
    if (meta?.type === 'float') return value.toLocaleString('en-US', { maximumFractionDigits: 6 })
    return String(value)
  }
  // Odoo's own values (dates, times) are not names: no quotes, still sanitised.
  if (typeof value === 'string' && (meta?.type === 'date' || meta?.type === 'datetime'))
    return clean(value, 40)
  if (typeof value === 'string') return quoted(value)
  return clean(JSON.stringify(value), VALUE_MAX)
}

function recordName(row: Record<string, unknown>): string {
  return typeof row.display_name === 'string' && row.display_name !== ''
    ? quoted(row.display_name)
    : `#${String(row.id)}`
}

function names(rows: Array<Record<string, unknown>>): string {
  const shown = rows.slice(0, 3).map(recordName)
  return rows.length > 3 ? `${shown.join(', ')} and ${rows.length - 3} more` : shown.join(', ')
}

/**
 * The preview as plain lines, for the CLI and the Odoo activity (the console renders the same data as
 * tables). Already display-ready: nothing here adds text from Odoo that preview building did not clean.
 */
export function previewLines(preview: Preview): string[] {
  const lines: string[] = []
  for (const effect of preview.effects) {
    lines.push(
      `${effect.irreversible ? '[cannot be undone] ' : ''}${effect.headline}${effect.via ? ` — via ${effect.via}` : ''}`,
    )
    for (const record of effect.records) {
      const facts = record.facts.map((f) => `${f.label}: ${f.value}`).join(', ')
      lines.push(`  - ${record.name} (#${record.id})${facts ? ` — ${facts}` : ''}`)
      for (const c of record.changes) lines.push(`      ${c.label}: ${c.before} → ${c.after}`)
    }
    if (effect.more > 0) lines.push(`  … and ${effect.more} more`)
    for (const v of effect.values) lines.push(`  ${v.label}: ${v.value}`)
    if (effect.send) {
      if (effect.send.subject) lines.push(`  Subject: ${effect.send.subject}`)
      const count = effect.send.recipient_count
      const who = effect.send.recipients.join(', ')
      lines.push(
        count === null
          ? '  Recipients: the followers of the record (Odoo did not list them)'
          : `  Recipients (${count}): ${who}${count > effect.send.recipients.length ? ', …' : ''}`,
      )
    }
    for (const w of effect.warnings) lines.push(`  ! ${w}`)
  }
  if (preview.more_effects > 0) lines.push(`… and ${preview.more_effects} more effects`)
  return lines
}
