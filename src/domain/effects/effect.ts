/**
 * What a tool call will do to Odoo, as data: the one answer the gate, the approver's preview and
 * the drift guard read (docs: EFFECTS.md sketch, issue 11). Pure types, no I/O.
 *
 * `kind` is a small closed set. A write whose values hide something more (an x2many command that
 * deletes, `active: false`, `state: 'sale'`) is split into the effects it really has, so a gate on
 * "delete" or "state" sees them whatever tool carried them.
 */

/** Every kind, in the order the console and the CLI list them (a connection's policy names some). */
export const EFFECT_KINDS = ['create', 'write', 'delete', 'archive', 'state', 'send', 'call'] as const

export type EffectKind = (typeof EFFECT_KINDS)[number]

export function isEffectKind(value: unknown): value is EffectKind {
  return typeof value === 'string' && (EFFECT_KINDS as readonly string[]).includes(value)
}

/** What makes a write worth naming beyond its field list. */
export type WriteFlag =
  /** `company_id` / `company_ids`: the record moves to another company. */
  | 'company'
  /** `user_id` and the like: the record changes hands. */
  | 'ownership'
  /** A monetary or quantity field: the amount changes. */
  | 'amount'

export interface Effect {
  kind: EffectKind
  model: string
  /**
   * The records it acts on, as far as the arguments name them. `'all'` when a command acts on every
   * linked record (`[5]`, `[6, 0, ids]` on a one2many: the lines not kept); empty for a create or a
   * call on the model itself.
   */
  records: number[] | 'all'
  /** write / create: the plain field values (x2many commands and state/active taken out). */
  values?: Record<string, unknown>
  /** state: the state asked for, when the arguments say it. */
  to?: string
  /** The Odoo method behind the effect (`unlink`, `action_post`, `write`…). */
  method: string
  /** Where the effect comes from, when not the obvious: "order_line [2, 7]", "active: false". */
  via?: string
  flags?: WriteFlag[]
  /** Cannot be undone from Odoo (a deletion, mail that left). */
  irreversible?: boolean
  /** For x2many effects: the records and field of the parent write that carries them. */
  parent?: { model: string; field: string; records: number[] }
  /** send: addresses the arguments name outright (a test email's `email_to`). */
  audience?: string[]
}

/** A field as Odoo's `fields_get` describes it: enough to read x2many commands and amounts. */
export interface FieldMeta {
  type: string
  relation?: string
}

/** What the effects are derived from besides the arguments, read from Odoo as the requester. */
export interface EffectFacts {
  /** Per model, the fields the arguments write (`fields_get`); a field missing here is treated as plain. */
  fields: Record<string, Record<string, FieldMeta>>
}
