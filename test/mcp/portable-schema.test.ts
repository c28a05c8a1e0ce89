/**
 * The tool schemas as listed to clients: no bare `false` schema and no `type` list (spellings the
 * Inspector's --strict check calls errors and single-type clients reject), no untyped schema (it
 * warns about those), and no tuple (OpenAI's strict mode refuses `prefixItems`).
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { portableSchema } from '../../src/mcp/portable-schema.js'
import { ODOO_TOOLS } from '../../src/tools/catalog.js'

const ANY = ['object', 'array', 'string', 'number', 'boolean', 'null'].map((type) => ({ type }))

/** Visits every value inside `value`, however deep. */
function walk(value: unknown, visit: (v: unknown) => void): void {
  visit(value)
  if (Array.isArray(value)) for (const v of value) walk(v, visit)
  else if (value && typeof value === 'object') for (const v of Object.values(value)) walk(v, visit)
}

describe('portable tool schemas', () => {
  it('spells boolean schemas and type lists the way single-type clients accept', () => {
    expect(
      portableSchema({
        type: 'object',
        properties: {
          a: true,
          b: { type: 'object', additionalProperties: false },
          c: { type: ['string', 'null'], description: 'd' },
          d: { type: 'array', items: false },
          e: { not: {} },
        },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        a: { anyOf: ANY },
        b: { type: 'object', additionalProperties: false },
        c: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'd' },
        d: { type: 'array', items: { not: {} } },
        e: { not: {} },
      },
    })
  })

  it('spells a schema that constrains nothing as any of the JSON types, keeping its description', () => {
    expect(
      portableSchema({ type: 'object', additionalProperties: {}, properties: { x: { description: 'x' } } }),
    ).toEqual({
      type: 'object',
      additionalProperties: { anyOf: ANY },
      properties: { x: { anyOf: ANY, description: 'x' } },
    })
  })

  it('lowers a tuple to an array of its length whose items are any of its positions', () => {
    expect(
      portableSchema({
        type: 'array',
        prefixItems: [
          { type: 'string', pattern: '^a' },
          { anyOf: [{ type: 'number' }, { type: ['boolean', 'null'] }] },
        ],
        items: false,
        minItems: 2,
        maxItems: 2,
        description: '[name, value]',
      }),
    ).toEqual({
      type: 'array',
      items: {
        anyOf: [
          { type: 'string', pattern: '^a' },
          { type: 'number' },
          { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
        ],
      },
      minItems: 2,
      maxItems: 2,
      description: '[name, value]',
    })
    // A tuple that allows more items after its positions is not a fixed-length list: left as it is.
    const open = { type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'number' } }
    expect(portableSchema(open)).toEqual(open)
  })

  it('leaves no `false` schema and no type list in any tool input', () => {
    for (const tool of ODOO_TOOLS) {
      const schema = portableSchema(z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' }))
      walk(schema, (v) => {
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          const o = v as Record<string, unknown>
          expect(Array.isArray(o.type), `${tool.name}: ${JSON.stringify(o)}`).toBe(false)
          for (const key of ['items', 'prefixItems', 'not', 'anyOf']) expect(o[key]).not.toBe(false)
        }
      })
    }
  })

  it('leaves a schema without those spellings as it was', () => {
    const plain = { type: 'object', properties: { n: { type: 'integer', minimum: 1 } }, required: ['n'] }
    expect(portableSchema(plain)).toEqual(plain)
  })
})
