/**
 * The plain-English summary of a gated call (seed step 1: "Permanently delete 12 quotations on
 * sale.order."), worded from facts the tool read from Odoo as the requester. Pure: the facts come in
 * as data (tools/*.ts `describe` gathers them) and nothing here reads Odoo. When the requester could
 * not read the records, the summary says so instead of guessing.
 */
import { clean, quoted } from './terminal-text.js'

export interface RecordFact {
  id: number
  display_name: string | null
  state?: string | null
  partner?: string | null
  amount_total?: number | null
  currency?: string | null
  move_type?: string | null
}

export interface ModelFact {
  model: string
  /** ir.model's human name ("Sales Order"), when readable. */
  label: string | null
}

export interface RecordsFacts {
  model: ModelFact
  asked: number[]
  /** The asked records the requester can read, in the asked order. */
  found: RecordFact[]
  /** Why the records could not be read (Odoo's message), or null. */
  unreadable: string | null
}

export type SummaryFacts =
  | ({ kind: 'delete' } & RecordsFacts)
  | ({ kind: 'update'; fields: string[] } & RecordsFacts)
  | ({ kind: 'transition'; verb: string } & RecordsFacts)
  | ({ kind: 'call'; method: string; params: string | null } & RecordsFacts)
  | ({ kind: 'message'; internal: boolean; preview: string } & RecordsFacts)
  | { kind: 'create'; model: ModelFact; count: number; names: string[] }
  | { kind: 'model_call'; model: ModelFact; method: string; params: string | null }
  | {
      kind: 'test_email'
      template: { id: number; name: string | null }
      record: { model: string; id: number; display_name: string | null }
      email_to: string
    }
  | {
      kind: 'mass_mailing'
      template: { id: number; name: string | null }
      audience: { type: 'lists'; names: string[] } | { type: 'domain'; model: ModelFact }
      recipients: number | null
    }

const SHOWN_NAMES = 3
/** Names in a one-line summary are cut shorter than in the preview, which has room. */
const NAME_MAX = 80

/**
 * A record as a summary names it: its display name in quotes, so a name can never read as
 * Countersign's own words, with control and bidi characters visible and the length capped.
 */
function shownName(r: RecordFact): string {
  return r.display_name ? quoted(r.display_name, NAME_MAX) : `#${r.id}`
}

export function summarize(facts: SummaryFacts): string {
  switch (facts.kind) {
    case 'delete':
      return `Permanently delete ${counted(facts)} on ${facts.model.model}${names(facts)}.`
    case 'update':
      return `Change ${list(facts.fields)} on ${counted(facts)} of ${facts.model.model}${names(facts)}.`
    case 'transition':
      return `${facts.verb} ${counted(facts)} on ${facts.model.model}${details(facts)}.`
    case 'call':
      return `Call the method ${facts.method} on ${counted(facts)} of ${facts.model.model}${names(facts)}${with_(facts.params)}.`
    case 'message':
      return `Post ${facts.internal ? 'an internal note' : 'a message to the followers (they may be e-mailed)'} on ${counted(facts)} of ${facts.model.model}${names(facts)}: ${quoted(facts.preview, 200)}.`
    case 'create': {
      const noun = pluralize(singularNoun(facts.model.model, facts.model.label, []), facts.count)
      const shown =
        facts.names.length > 0 ? `: ${facts.names.map((n) => quoted(n, NAME_MAX)).join(', ')}` : ''
      return `Create ${facts.count} ${noun} on ${facts.model.model}${shown}.`
    }
    case 'model_call':
      return `Call the method ${facts.method} of ${facts.model.model} (not on particular records)${with_(facts.params)}.`
    case 'test_email': {
      const template = facts.template.name ? quoted(facts.template.name, NAME_MAX) : `#${facts.template.id}`
      const record = facts.record.display_name
        ? quoted(facts.record.display_name, NAME_MAX)
        : `#${facts.record.id}`
      return `Send a test email from template ${template} to ${facts.email_to}, rendered for ${record} (${facts.record.model}).`
    }
    case 'mass_mailing': {
      const template = facts.template.name ? quoted(facts.template.name, NAME_MAX) : `#${facts.template.id}`
      const audience =
        facts.audience.type === 'lists'
          ? `mailing list${facts.audience.names.length === 1 ? '' : 's'} ${list(facts.audience.names.map((n) => quoted(n, NAME_MAX)))}`
          : `matching ${facts.audience.model.model} records`
      const recipients =
        facts.recipients === null
          ? 'an unknown number of recipients'
          : pluralize('recipient', facts.recipients, true)
      return `Stage a draft mass mailing from template ${template} for ${audience} (${recipients}); it is not sent.`
    }
  }
}

function counted(facts: RecordsFacts): string {
  const readable = facts.found.length === facts.asked.length ? facts.found : []
  return pluralize(singularNoun(facts.model.model, facts.model.label, readable), facts.asked.length, true)
}

/** " (S00012, S00013, … 10 more)", or what is known when the records could not all be read. */
function names(facts: RecordsFacts): string {
  const shown = facts.found.map((r) => shownName(r))
  return ` (${[firstFew(shown), ...missing(facts)].filter(Boolean).join('; ')})`
}

/** Like names(), with partner and amount for orders and invoices: "INV/2026/00042 (Azure Interior, 1,250.00 EUR)". */
function details(facts: RecordsFacts): string {
  const described = facts.found.map((r) => {
    const extra = [
      r.partner ? quoted(r.partner, NAME_MAX) : null,
      r.amount_total != null ? money(r.amount_total, r.currency) : null,
    ].filter(Boolean)
    return `${shownName(r)}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`
  })
  const parts = [firstFew(described), ...missing(facts)].filter(Boolean)
  return facts.found.length > 0 && facts.unreadable === null && facts.found.length === facts.asked.length
    ? `: ${parts.join('; ')}`
    : ` (${parts.join('; ')})`
}

/** The missing ones are listed apart (missing()), so "more" counts only records that were found. */
function firstFew(shown: string[]): string {
  if (shown.length <= SHOWN_NAMES) return shown.join(', ')
  const head = shown.slice(0, SHOWN_NAMES - 1)
  return `${head.join(', ')}, … ${shown.length - head.length} more`
}

function missing(facts: RecordsFacts): string[] {
  if (facts.unreadable !== null) {
    return [`ids ${idList(facts.asked)}; the requester cannot read them: ${clean(facts.unreadable, 300)}`]
  }
  const foundIds = new Set(facts.found.map((r) => r.id))
  const absent = facts.asked.filter((id) => !foundIds.has(id))
  if (absent.length === 0) return []
  return [`${absent.length === 1 ? 'id' : 'ids'} ${idList(absent)} not found or not visible to the requester`]
}

/** "1, 2, 3", or the first ten and how many more. */
export function idList(ids: number[]): string {
  return ids.length <= 10 ? ids.join(', ') : `${ids.slice(0, 10).join(', ')}, … ${ids.length - 10} more`
}

function with_(params: string | null): string {
  return params ? ` with ${params}` : ''
}

function list(items: string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

/** What one record of the model is called, from its own facts where Odoo's label is too generic. */
export function singularNoun(model: string, label: string | null, records: RecordFact[]): string {
  if (model === 'sale.order' && records.length > 0) {
    if (records.every((r) => r.state === 'draft' || r.state === 'sent')) return 'quotation'
    return 'sales order'
  }
  if (model === 'account.move' && records.length > 0) {
    const types = new Set(records.map((r) => r.move_type))
    if (types.size === 1) {
      const noun = MOVE_TYPE_NOUNS[[...types][0] ?? '']
      if (noun) return noun
    }
    return 'journal entry'
  }
  // Own entries only: "constructor" is a valid model name, and MODEL_NOUNS.constructor is a function
  // (minimal fix from the MCP property test, test/mcp/arguments.property.test.ts).
  const fixed = Object.hasOwn(MODEL_NOUNS, model) ? MODEL_NOUNS[model] : undefined
  if (fixed) return fixed
  return label ? label.toLowerCase() : 'record'
}

const MOVE_TYPE_NOUNS: Record<string, string> = {
  out_invoice: 'invoice',
  out_refund: 'credit note',
  in_invoice: 'vendor bill',
  in_refund: 'vendor refund',
  entry: 'journal entry',
  out_receipt: 'sales receipt',
  in_receipt: 'purchase receipt',
}

const MODEL_NOUNS: Record<string, string> = {
  'res.partner': 'contact',
  'sale.order': 'sales order',
  'account.move': 'journal entry',
  'mail.template': 'email template',
  'mailing.mailing': 'mass mailing',
  'mailing.list': 'mailing list',
  'mailing.contact': 'mailing contact',
  'mail.activity': 'activity',
}

export function pluralize(noun: string, count: number, withCount = false): string {
  const word = count === 1 ? noun : plural(noun)
  return withCount ? `${count} ${word}` : word
}

function plural(noun: string): string {
  const words = noun.split(' ')
  const last = words.pop() ?? ''
  let p: string
  if (/[^aeiou]y$/.test(last)) p = `${last.slice(0, -1)}ies`
  else if (/(s|x|z|ch|sh)$/.test(last)) p = `${last}es`
  else p = `${last}s`
  return [...words, p].join(' ')
}

export function money(amount: number, currency: string | null | undefined): string {
  const figure = amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
  return currency ? `${figure} ${currency}` : figure
}
