/**
 * Zod schemas shared by the tool inputs: Odoo model and field names, record ids, domains, and the
 * arguments that are free-form JSON (field values, method parameters). Each `describe()` is written
 * for a model reading the tool's JSON Schema. Does not check that a model or field exists: Odoo
 * does, and its answer reaches the AI as a tool error.
 */
import { z } from 'zod'

export const modelName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/, 'must be a technical model name such as "res.partner"')
  .max(128)
  .describe('Technical model name, e.g. "res.partner", "sale.order", "account.move"')

export const fieldName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*$/, 'must be a technical field name such as "partner_id"')
  .max(128)

export const recordId = z.number().int().positive().describe('A record id (positive integer)')

export const recordIds = (max: number) =>
  z
    .array(recordId)
    .min(1, 'give at least one id')
    .max(max, `give at most ${max} ids per call`)
    .refine((ids) => new Set(ids).size === ids.length, 'ids must not repeat')

const OPERATORS = [
  '=',
  '!=',
  '<>',
  '>',
  '>=',
  '<',
  '<=',
  '=?',
  'like',
  'not like',
  'ilike',
  'not ilike',
  '=like',
  '=ilike',
  'in',
  'not in',
  'child_of',
  'parent_of',
  'any',
  'not any',
] as const

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()])
const termValue = z.union([scalar, z.array(scalar)])

export const domainTerm = z
  .tuple([
    z.string().regex(/^[a-z_][a-z0-9_.]*$/, 'must be a field name or path'),
    z.enum(OPERATORS),
    termValue,
  ])
  .describe(
    `[field, operator, value]: a field name or dotted path; one of the operators ${OPERATORS.join(', ')}; ` +
      'and a string, number, boolean, null, or a list of those (for "in" and "not in")',
  )

export const domain = z
  .array(z.union([z.enum(['&', '|', '!']), domainTerm]))
  .max(200)
  .describe(
    'Odoo domain in prefix notation: a list of [field, operator, value] terms, implicitly AND-ed; ' +
      'put "|" or "&" before two terms, "!" before one. Example: [["state","=","draft"],"|",["partner_id.name","ilike","azure"],["amount_total",">",1000]]',
  )

export const fieldList = z
  .array(fieldName)
  .max(200)
  .describe('Fields to return; omit for a sensible default (id, display_name and a few key fields)')

/**
 * The arguments that are free-form JSON: listed to clients as a string holding the JSON text, and
 * accepted either way — as that text or as the JSON itself (mcp/server.ts decodes the text before
 * validating). Strict tool modes (OpenAI's among them) refuse objects whose keys are not declared,
 * and no schema they accept can say "any JSON value"; a string they all take. What the server
 * checks is the same whichever form arrives. docs/decisions.md records the trade-off.
 */
const JSON_TEXT = new WeakSet<object>()

export function acceptsJsonText<T extends z.ZodType>(schema: T): T {
  JSON_TEXT.add(schema)
  return schema
}

export function isJsonText(schema: object): boolean {
  return JSON_TEXT.has(schema)
}

/** A JSON object of field values for create/write; Odoo checks names and types. */
export const values = acceptsJsonText(
  z
    .record(fieldName, z.unknown())
    .refine((v) => Object.keys(v).length > 0, 'give at least one field')
    .describe(
      'Field values: a JSON object as text, e.g. {"name": "Azure Interior", "email": "info@azure.example"}',
    ),
)

export const emailAddress = z.email('must be one e-mail address').max(254)

/** Any JSON value in a result: what Odoo answered, as it answered it. */
export const jsonValue = z.unknown()

/** One record as Odoo reads it: field names to values (relational ones as [id, "name"]). */
export const odooRecord = z.record(z.string(), jsonValue)

/** A text field Odoo answers `false` for when it is empty. */
export const odooText = z.union([z.string(), z.literal(false)])

/**
 * A time in a result, as `Date.toISOString()` writes it. Said with `format` alone: zod's own ISO
 * schema adds a long pattern that tells a reader nothing more.
 */
export const isoTime = z.string().meta({ format: 'date-time', description: 'A time in UTC, ISO 8601' })

/** An id in a result: Odoo's ids are positive, but a result only reports what Odoo said. */
export const resultId = z.number().int()
