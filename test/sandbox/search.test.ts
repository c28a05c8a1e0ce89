/**
 * Domains, ordering and name_search over JSON-RPC, on the demo partners, with the error texts
 * Odoo 17 gives for malformed domains (facts.md §6, §12).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { executeKw, fails, ok, type SandboxOdoo, startSandboxOdoo } from '../helpers/sandbox.js'

let sandbox: SandboxOdoo
let partners: {
  id: number
  name: string
  email: string | false
  is_company: boolean
  city: string | false
  parent_id: [number, string] | false
}[]

beforeAll(async () => {
  sandbox = await startSandboxOdoo()
  partners = await ok(
    executeKw(sandbox, 'admin', 'res.partner', 'search_read', [[]], {
      fields: ['name', 'email', 'is_company', 'city', 'parent_id'],
    }),
  )
})
afterAll(async () => {
  await sandbox.close()
})

const names = async (domain: unknown[]): Promise<string[]> =>
  (
    await ok<{ name: string }[]>(
      executeKw(sandbox, 'admin', 'res.partner', 'search_read', [domain], { fields: ['name'] }),
    )
  )
    .map((p) => p.name)
    .sort()

const expected = (filter: (p: (typeof partners)[number]) => boolean) =>
  partners
    .filter(filter)
    .map((p) => p.name)
    .sort()

describe('domain operators on res.partner', () => {
  it.each([
    ['=', [['name', '=', 'Deco Addict']], (p: (typeof partners)[number]) => p.name === 'Deco Addict'],
    ['!=', [['is_company', '!=', true]], (p: (typeof partners)[number]) => !p.is_company],
    ['ilike', [['name', 'ilike', 'deco']], (p: (typeof partners)[number]) => /deco/i.test(p.name)],
    [
      'like (case-sensitive)',
      [['name', 'like', 'deco']],
      (p: (typeof partners)[number]) => p.name.includes('deco'),
    ],
    [
      'not ilike (includes empty)',
      [['email', 'not ilike', 'example.com']],
      (p: (typeof partners)[number]) => !p.email || !/example\.com/i.test(p.email),
    ],
    ['=ilike pattern', [['name', '=ilike', 'a%']], (p: (typeof partners)[number]) => /^a/i.test(p.name)],
    ['=like pattern', [['name', '=like', '%Inc']], (p: (typeof partners)[number]) => p.name.endsWith('Inc')],
    [
      'in',
      [['city', 'in', ['Fremont', 'Tracy']]],
      (p: (typeof partners)[number]) => p.city === 'Fremont' || p.city === 'Tracy',
    ],
    [
      'not in',
      [['city', 'not in', ['Fremont', 'Tracy']]],
      (p: (typeof partners)[number]) => p.city !== 'Fremont' && p.city !== 'Tracy',
    ],
    ['= False', [['parent_id', '=', false]], (p: (typeof partners)[number]) => p.parent_id === false],
    ['< on ids', [['id', '<', 10]], (p: (typeof partners)[number]) => p.id < 10],
    ['>= on ids', [['id', '>=', 30]], (p: (typeof partners)[number]) => p.id >= 30],
    ['<= on ids', [['id', '<=', 5]], (p: (typeof partners)[number]) => p.id <= 5],
    ['> on ids', [['id', '>', 35]], (p: (typeof partners)[number]) => p.id > 35],
  ])('%s', async (_label, domain, filter) => {
    const result = await names(domain)
    expect(result).toEqual(expected(filter))
  })

  it('combines with implicit &, explicit | and !', async () => {
    expect(
      await names([
        ['is_company', '=', true],
        ['city', '=', 'Tracy'],
      ]),
    ).toEqual(['Ready Mat', 'The Jackson Group'])
    expect(await names(['|', ['name', '=', 'Deco Addict'], ['name', '=', 'Ready Mat']])).toEqual([
      'Deco Addict',
      'Ready Mat',
    ])
    expect(await names(['!', ['is_company', '=', true]])).toEqual(expected((p) => !p.is_company))
    expect(
      await names([
        '&',
        '!',
        ['is_company', '=', true],
        '|',
        ['city', '=', 'Tracy'],
        ['city', '=', 'Fremont'],
      ]),
    ).toEqual(expected((p) => !p.is_company && (p.city === 'Tracy' || p.city === 'Fremont')))
  })

  it('follows many2one paths and matches names given for a many2one', async () => {
    const azure = expected((p) => p.parent_id !== false && p.parent_id[1] === 'Azure Interior')
    expect(await names([['parent_id.name', '=', 'Azure Interior']])).toEqual(azure)
    expect(await names([['parent_id', 'ilike', 'azure']])).toEqual(azure)
    const azureId = partners.find((p) => p.name === 'Azure Interior')?.id
    expect(await names([['id', 'child_of', azureId]])).toEqual(['Azure Interior', ...azure].sort())
  })

  it('hides archived records unless asked (active_test)', async () => {
    const id = await ok<number>(
      executeKw(sandbox, 'admin', 'res.partner', 'create', [{ name: 'Archived One', active: false }]),
    )
    expect(await names([['name', '=', 'Archived One']])).toEqual([])
    expect(
      await names([
        ['name', '=', 'Archived One'],
        ['active', '=', false],
      ]),
    ).toEqual(['Archived One'])
    const withContext = await ok<number[]>(
      executeKw(sandbox, 'admin', 'res.partner', 'search', [[['name', '=', 'Archived One']]], {
        context: { active_test: false },
      }),
    )
    expect(withContext).toEqual([id])
  })
})

describe('malformed domains (06-malformed-domain-*.txt, 06-unknown-field-in-domain.txt)', () => {
  it.each([
    [
      [['nosuchfield', '=', 1]],
      'builtins.ValueError',
      "Invalid field res.partner.nosuchfield in leaf ('nosuchfield', '=', 1)",
    ],
    [[['name', 'badop', 'x']], 'builtins.ValueError', "Invalid leaf ('name', 'badop', 'x')"],
    [[['name', 'like']], 'builtins.ValueError', 'not enough values to unpack (expected 3, got 2)'],
    [[['name', 'like', 'x', 'y']], 'builtins.ValueError', 'too many values to unpack (expected 3)'],
    [
      ['|', ['name', '=', 'x']],
      'builtins.ValueError',
      "Domain ['|', ['name', '=', 'x']] is syntactically not correct.",
    ],
    [
      'notalist',
      'builtins.AssertionError',
      "Domains to normalize must have a 'domain' form: a list or tuple of domain components",
    ],
  ])('%j → %s', async (domain, name, message) => {
    expect(await fails(executeKw(sandbox, 'admin', 'res.partner', 'search', [domain]))).toMatchObject({
      name,
      message,
    })
  })
})

describe('ordering, paging, name_search', () => {
  it('applies order, offset and limit', async () => {
    const all = await ok<{ name: string }[]>(
      executeKw(sandbox, 'admin', 'sale.order', 'search_read', [[]], {
        fields: ['name'],
        order: 'name desc',
      }),
    )
    expect(all[0]?.name).toBe('S00032')
    const page = await ok<{ name: string }[]>(
      executeKw(sandbox, 'admin', 'sale.order', 'search_read', [[]], {
        fields: ['name'],
        order: 'name desc',
        offset: 2,
        limit: 3,
      }),
    )
    expect(page.map((o) => o.name)).toEqual(['S00030', 'S00029', 'S00028'])
  })

  it('refuses an invalid order specification with a UserError', async () => {
    const error = await fails(
      executeKw(sandbox, 'admin', 'sale.order', 'search', [[]], { order: 'name; drop table' }),
    )
    expect(error.name).toBe('odoo.exceptions.UserError')
    expect(error.message).toMatch(/^Invalid "order" specified/)
  })

  it('name_search answers [id, display_name] pairs (12-res.partner-name_search-deco.txt)', async () => {
    const found = await ok<[number, string][]>(
      executeKw(sandbox, 'admin', 'res.partner', 'name_search', ['deco']),
    )
    expect(found.map(([, name]) => name)).toEqual([
      'Deco Addict',
      'Deco Addict, Addison Olson',
      'Deco Addict, Douglas Fletcher',
      'Deco Addict, Floyd Steward',
    ])
    const companies = await ok<[number, string][]>(
      executeKw(sandbox, 'admin', 'res.partner', 'name_search', [], {
        name: 'a',
        args: [['is_company', '=', true]],
        limit: 3,
      }),
    )
    expect(companies).toHaveLength(3)
  })

  it('name_get still exists in 17 (12-res.partner-name_get.txt)', async () => {
    const decoId = partners.find((p) => p.name === 'Deco Addict')?.id
    expect(await ok(executeKw(sandbox, 'admin', 'res.partner', 'name_get', [[decoId]]))).toEqual([
      [decoId, 'Deco Addict'],
    ])
  })
})
