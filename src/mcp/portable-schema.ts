/**
 * Rewrites the JSON Schema zod produces for a tool input into spellings every MCP client accepts,
 * without changing what it accepts: a bare `false` schema becomes `{"not": {}}` (zod writes
 * `"items": false` after a tuple's `prefixItems`; `additionalProperties: false` stays), a bare
 * `true` becomes `{}`, and a `type` array
 * such as `["string", "number", "null"]` becomes an `anyOf` of single types. Clients that map tool
 * schemas onto a single-`type` dialect (Gemini's OpenAPI subset, for one) reject or mangle the
 * originals; the Inspector CLI's `--strict` check names them as errors. Does not validate anything
 * and leaves every other keyword as it is.
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

function isObject(value: Json | undefined): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** One schema position: a boolean schema gets its object spelling, an object is walked. */
function schemaAt(value: Json): Json {
  if (value === false) return { not: {} }
  if (value === true) return {}
  return isObject(value) ? rewrite(value) : value
}

export function portableSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return rewrite(schema as Schema)
}

function rewrite(schema: Schema): Schema {
  const out: Schema = { ...schema }
  for (const key of ONE) {
    const value = out[key]
    // `items` as an array is the draft-7 tuple form: a list of schemas.
    if (Array.isArray(value)) out[key] = value.map(schemaAt)
    // `additionalProperties: false` is the one boolean every client knows (OpenAI's strict mode
    // even requires it literally): kept as it is.
    else if (typeof value === 'boolean' && KEEP_BOOLEAN.has(key)) continue
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
