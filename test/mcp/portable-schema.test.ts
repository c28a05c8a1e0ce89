/**
 * The tool input schemas as listed to clients: no bare `false` schema and no `type` list (spellings
 * the Inspector's --strict check calls errors and single-type clients reject), same meaning.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { portableSchema } from '../../src/mcp/portable-schema.js'
import { ODOO_TOOLS } from '../../src/tools/catalog.js'

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
        type: 'array',
        prefixItems: [{ type: 'string' }, { type: ['string', 'null'], description: 'd' }],
        items: false,
        properties: { a: true, b: { type: 'object', additionalProperties: false } },
      }),
    ).toEqual({
      type: 'array',
      prefixItems: [{ type: 'string' }, { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'd' }],
      items: { not: {} },
      properties: { a: {}, b: { type: 'object', additionalProperties: false } },
    })
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
