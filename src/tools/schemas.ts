/**
 * Zod schemas shared by the tool inputs: Odoo model and field names, record ids, domains. Each
 * `describe()` is written for a model reading the tool's JSON Schema. Does not check that a model
 * or field exists: Odoo does, and its answer reaches the AI as a tool error.
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
  .describe('[field, operator, value]')

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

/** A JSON object of field values for create/write; Odoo checks names and types. */
export const values = z
  .record(fieldName, z.unknown())
  .refine((v) => Object.keys(v).length > 0, 'give at least one field')
  .describe('Field values, e.g. {"name": "Azure Interior", "email": "info@azure.example"}')

export const emailAddress = z.email('must be one e-mail address').max(254)
