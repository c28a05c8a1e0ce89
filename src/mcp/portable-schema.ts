/**
 * Rewrites the JSON Schema zod produces for a tool's input or output into spellings every MCP client
 * and the strict modes of agent SDKs accept:
 *
 * - a bare `false` schema becomes `{"not": {}}` (`additionalProperties: false` stays), and a `type`
 *   array such as `["string", "number", "null"]` becomes an `anyOf` of single types: clients that
 *   map tool schemas onto a single-`type` dialect (Gemini's OpenAPI subset, for one) reject or
 *   mangle the originals, and the Inspector CLI's `--strict` check names them;
 * - a schema that constrains nothing (`true`, `{}`, or only a description: zod's `unknown`) becomes
 *   an `anyOf` of the six JSON types, which accepts the same values and which the Inspector does
 *   not flag as untyped;
 * - a tuple (`prefixItems`, which OpenAI's strict mode refuses) becomes an array of the same length
 *   whose items are any of the positions' schemas. This one widens what the schema says (a domain
 *   term's operator could stand first); the tuple's `description` says which position is which,
 *   and the server still validates each position (mcp/server.ts checks arguments with zod).
 *
 * Leaves every other keyword as it is. Does not validate anything.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Schema = { [key: string]: Json }

/** Keywords whose value is one schema. */
const ONE = [
  'items',
  'additionalProperties',
  'unevaluatedProperties',
  'unevaluatedItems',
  'additionalItems',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
]
/** Keywords whose boolean form is understood everywhere. */
const KEEP_BOOLEAN = new Set(['additionalProperties', 'unevaluatedProperties'])
/** Keywords whose value is a list of schemas. */
const MANY = ['prefixItems', 'anyOf', 'oneOf', 'allOf']
/** Keywords whose value maps names to schemas. */
const MAP = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']
/** Keywords that only annotate: a schema with nothing else accepts any value. */
const ANNOTATIONS = new Set([
  'description',
  'title',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
])

/** Any JSON value, each branch with one type (`integer` is a `number`). */
const ANY_JSON_TYPES = ['object', 'array', 'string', 'number', 'boolean', 'null']

function isObject(value: Json | undefined): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function anyJson(annotations: Schema = {}): Schema {
  return { ...annotations, anyOf: ANY_JSON_TYPES.map((type) => ({ type })) }
}

/** One schema position: a boolean schema gets its object spelling, an object is walked. */
function schemaAt(value: Json): Json {
  if (value === false) return { not: {} }
  if (value === true) return anyJson()
  return isObject(value) ? rewrite(value) : value
}

export function portableSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return rewrite(schema as Schema)
}

function rewrite(schema: Schema): Schema {
  if (Object.keys(schema).every((key) => ANNOTATIONS.has(key))) return anyJson(schema)
  const out: Schema = { ...schema }
  lowerTuple(out)
  for (const key of ONE) {
    const value = out[key]
    // `items` as an array is the draft-7 tuple form: a list of schemas.
    if (Array.isArray(value)) out[key] = value.map(schemaAt)
    // `additionalProperties: false` is the one boolean every client knows (OpenAI's strict mode
    // even requires it literally): kept as it is.
    else if (typeof value === 'boolean' && KEEP_BOOLEAN.has(key)) continue
    // `not: {}` is the portable spelling of `false`: the Inspector asks for it, so it stays empty.
    else if (key === 'not' && isObject(value) && Object.keys(value).length === 0) continue
    else if (value !== undefined) out[key] = schemaAt(value)
  }
  for (const key of MANY) {
    const value = out[key]
    if (Array.isArray(value)) out[key] = value.map(schemaAt)
  }
  for (const key of MAP) {
    const value = out[key]
    if (isObject(value))
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, schemaAt(sub)]))
  }
  const type = out.type
  if (Array.isArray(type) && out.anyOf === undefined) {
    delete out.type
    out.anyOf = type.map((t) => ({ type: t }))
  }
  return out
}

/**
 * `prefixItems` with nothing allowed after them (zod's tuple) becomes `items` taking any position's
 * schema, with the tuple's length as the bounds. A position that is itself only an `anyOf` gives
 * its branches, so the list reads flat.
 */
function lowerTuple(out: Schema): void {
  const positions = out.prefixItems
  if (!Array.isArray(positions) || out.items !== false) return
  const branches = positions.flatMap((position): Json[] =>
    isObject(position) && Array.isArray(position.anyOf) && Object.keys(position).length === 1
      ? position.anyOf
      : [position],
  )
  delete out.prefixItems
  out.items = { anyOf: branches }
  out.minItems = typeof out.minItems === 'number' ? out.minItems : positions.length
  out.maxItems = positions.length
}
