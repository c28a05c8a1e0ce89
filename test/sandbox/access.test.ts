/**
 * Access rights and record rules as a real Odoo 17 applies them to the three demo logins
 * (facts.md §3, §9, §10 and the captures named below): restricted has neither Sales nor
 * Invoicing, demo is a salesman who sees only his own orders, admin sees everything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { executeKw, fails, ok, type SandboxOdoo, startSandboxOdoo } from '../helpers/sandbox.js'

let sandbox: SandboxOdoo

beforeAll(async () => {
  sandbox = await startSandboxOdoo()
})
afterAll(async () => {
  await sandbox.close()
})

const CONTACT_ADMIN = 'Contact your administrator to request access if necessary.'

// captures/03-restricted-sale.order-*.txt
const SALE_READ = `You are not allowed to access 'Sales Order' (sale.order) records.\n\nThis operation is allowed for the following groups:\n\t- Invoicing/Billing\n\t- Sales/Administrator\n\t- Sales/User: Own Documents Only\n\t- Technical/Show Accounting Features - Readonly\n\t- Technical/Show Full Accounting Features\n\t- User types/Portal\n\n${CONTACT_ADMIN}`
const SALE_CREATE = `You are not allowed to create 'Sales Order' (sale.order) records.\n\nThis operation is allowed for the following groups:\n\t- Sales/Administrator\n\t- Sales/User: Own Documents Only\n\n${CONTACT_ADMIN}`
// Real 17 lists only Sales/Administrator; this sandbox database adds its own group that may delete
// (access-rights.ts, docs/decisions.md), and Odoo lists every group allowed, sorted.
const SALE_DELETE = `You are not allowed to delete 'Sales Order' (sale.order) records.\n\nThis operation is allowed for the following groups:\n\t- Sales/Administrator\n\t- Sales/Delete Own Quotations\n\n${CONTACT_ADMIN}`
// captures/03-restricted-account.move-*.txt
const MOVE_READ = `You are not allowed to access 'Journal Entry' (account.move) records.\n\nThis operation is allowed for the following groups:\n\t- Invoicing/Billing\n\t- Invoicing/Billing Administrator\n\t- Sales/User: Own Documents Only\n\t- Technical/Show Accounting Features - Readonly\n\t- User types/Portal\n\n${CONTACT_ADMIN}`
const MOVE_CREATE = `You are not allowed to create 'Journal Entry' (account.move) records.\n\nThis operation is allowed for the following groups:\n\t- Invoicing/Billing\n\n${CONTACT_ADMIN}`
// captures/03-demo-read-admins-order-2.txt (the same text for a write: tracking reads first)
const DEMO_READ_RULE =
  "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\nSorry, Marc Demo (id=6) doesn't have 'read' access to:\n- Sales Order (sale.order)\n\nIf you really, really need access, perhaps you can win over your friendly administrator with a batch of freshly baked cookies."

describe('restricted: an internal user without Sales or Invoicing', () => {
  it.each([
    ['search_read', [[]]],
    ['search', [[]]],
    ['search_count', [[]]],
    ['read', [[1]]],
    ['write', [[1], { note: 'x' }]],
    ['name_search', ['S']],
  ])('sale.order %s → the "access" ACL error listing the allowed groups', async (method, args) => {
    const error = await fails(executeKw(sandbox, 'restricted', 'sale.order', method, args))
    expect(error.name).toBe('odoo.exceptions.AccessError')
    expect(error.message).toBe(SALE_READ)
    expect(error.arguments).toEqual([SALE_READ])
  })

  it('sale.order create and unlink use their own verbs', async () => {
    expect(
      (await fails(executeKw(sandbox, 'restricted', 'sale.order', 'create', [{ partner_id: 3 }]))).message,
    ).toBe(SALE_CREATE)
    expect((await fails(executeKw(sandbox, 'restricted', 'sale.order', 'unlink', [[1]]))).message).toBe(
      SALE_DELETE,
    )
  })

  it.each([
    ['search_read', [[]]],
    ['read', [[1]]],
    ['write', [[1], { ref: 'x' }]],
    ['unlink', [[1]]],
  ])('account.move %s → the "access" ACL error', async (method, args) => {
    expect((await fails(executeKw(sandbox, 'restricted', 'account.move', method, args))).message).toBe(
      MOVE_READ,
    )
  })

  it('account.move create → the "create" ACL error', async () => {
    const error = await fails(
      executeKw(sandbox, 'restricted', 'account.move', 'create', [{ move_type: 'out_invoice' }]),
    )
    expect(error.message).toBe(MOVE_CREATE)
  })

  it('may still describe the models (fields_get has no ACL check)', async () => {
    const fields = await ok<Record<string, { type: string }>>(
      executeKw(sandbox, 'restricted', 'sale.order', 'fields_get', [], { attributes: ['type'] }),
    )
    expect(fields.state).toEqual({ type: 'selection' })
  })

  it('check_access_rights answers false without raising, and raises the ACL error by default (09-*.txt)', async () => {
    for (const operation of ['read', 'write', 'create', 'unlink']) {
      expect(
        await ok(
          executeKw(sandbox, 'restricted', 'account.move', 'check_access_rights', [operation], {
            raise_exception: false,
          }),
        ),
      ).toBe(false)
    }
    const error = await fails(
      executeKw(sandbox, 'restricted', 'account.move', 'check_access_rights', ['unlink']),
    )
    expect(error.message).toBe(
      `You are not allowed to delete 'Journal Entry' (account.move) records.\n\nThis operation is allowed for the following groups:\n\t- Invoicing/Billing\n\n${CONTACT_ADMIN}`,
    )
    expect(
      await fails(executeKw(sandbox, 'admin', 'account.move', 'check_access_rights', ['bogus'])),
    ).toMatchObject({
      name: 'builtins.AssertionError',
      message: 'Invalid access mode',
    })
  })

  it('cannot read ir.model.data but can resolve an xml id (17-*.txt)', async () => {
    const error = await fails(executeKw(sandbox, 'restricted', 'ir.model.data', 'search_read', [[]]))
    expect(error.message).toBe(
      `You are not allowed to access 'Model Data' (ir.model.data) records.\n\nThis operation is allowed for the following groups:\n\t- Administration/Access Rights\n\n${CONTACT_ADMIN}`,
    )
    const [model, id] = await ok<[string, number]>(
      executeKw(sandbox, 'restricted', 'ir.model.data', 'check_object_reference', [
        'sales_team',
        'group_sale_manager',
      ]),
    )
    expect(model).toBe('res.groups')
    const admin = await ok<{ groups_id: number[] }[]>(
      executeKw(sandbox, 'restricted', 'res.users', 'read', [[2]], { fields: ['groups_id'] }),
    )
    expect(admin[0]?.groups_id).toContain(id)
  })
})

describe('demo: a salesman who sees only his own orders', () => {
  it('counts fewer sale orders than admin (11-count-sale.order-*.txt)', async () => {
    const all = await ok<number>(executeKw(sandbox, 'admin', 'sale.order', 'search_count', [[]]))
    const own = await ok<number>(executeKw(sandbox, 'demo', 'sale.order', 'search_count', [[]]))
    expect(own).toBeLessThan(all)
    const users = await ok<{ user_id: [number, string] }[]>(
      executeKw(sandbox, 'demo', 'sale.order', 'search_read', [[]], { fields: ['user_id'] }),
    )
    expect(users.every((o) => o.user_id[0] === 6)).toBe(true)
  })

  it('silently misses admin orders in searches but is refused reading or writing them', async () => {
    const adminOrder = (
      await ok<number[]>(
        executeKw(sandbox, 'admin', 'sale.order', 'search', [[['user_id', '=', 2]]], { limit: 1 }),
      )
    )[0]
    expect(
      await ok(executeKw(sandbox, 'demo', 'sale.order', 'search_read', [[['id', '=', adminOrder]]])),
    ).toEqual([])
    for (const [method, args] of [
      ['read', [[adminOrder], ['name']]],
      ['write', [[adminOrder], { note: 'x' }]],
      ['action_confirm', [[adminOrder]]],
    ] as const) {
      const error = await fails(executeKw(sandbox, 'demo', 'sale.order', method, [...args]))
      expect(error).toMatchObject({ name: 'odoo.exceptions.AccessError', message: DEMO_READ_RULE })
    }
  })

  it('may delete his own quotations in this sandbox database, but not confirmed orders nor others’ orders', async () => {
    // Stock Odoo 17 gives a salesman no unlink right on sale.order (03-demo-unlink-admins-order-2.txt);
    // this database grants it to "Sales / Delete Own Quotations", of which Marc Demo is a member.
    const [own] = await ok<number[]>(
      executeKw(
        sandbox,
        'demo',
        'sale.order',
        'search',
        [
          [
            ['state', '=', 'draft'],
            ['user_id', '=', 6],
          ],
        ],
        { limit: 1 },
      ),
    )
    expect(await ok(executeKw(sandbox, 'demo', 'sale.order', 'unlink', [[own]]))).toBe(true)
    const [confirmed] = await ok<number[]>(
      executeKw(
        sandbox,
        'demo',
        'sale.order',
        'search',
        [
          [
            ['state', '=', 'sale'],
            ['user_id', '=', 6],
          ],
        ],
        { limit: 1 },
      ),
    )
    // The state rule still holds (04-unlink-confirmed.txt).
    expect(await fails(executeKw(sandbox, 'demo', 'sale.order', 'unlink', [[confirmed]]))).toMatchObject({
      name: 'odoo.exceptions.UserError',
      message: 'You can not delete a sent quotation or a confirmed sales order. You must first cancel it.',
    })
    const [foreign] = await ok<number[]>(
      executeKw(
        sandbox,
        'admin',
        'sale.order',
        'search',
        [
          [
            ['state', '=', 'draft'],
            ['user_id', '=', 2],
          ],
        ],
        { limit: 1 },
      ),
    )
    // And so does the record rule: 17's unlink() checks the 'unlink' rule before reading anything.
    expect(await fails(executeKw(sandbox, 'demo', 'sale.order', 'unlink', [[foreign]]))).toMatchObject({
      name: 'odoo.exceptions.AccessError',
      message: DEMO_READ_RULE.replace("'read' access", "'unlink' access"),
    })
    expect(
      await ok(
        executeKw(sandbox, 'admin', 'sale.order', 'search_count', [[['id', 'in', [confirmed, foreign]]]]),
      ),
    ).toBe(2)
  })

  it('is also a Billing user, so he sees every journal entry (facts.md §10)', async () => {
    const all = await ok<number>(executeKw(sandbox, 'admin', 'account.move', 'search_count', [[]]))
    expect(await ok(executeKw(sandbox, 'demo', 'account.move', 'search_count', [[]]))).toBe(all)
  })

  it('check_access_rule names the operation (09-check_access_rule-*.txt)', async () => {
    const adminOrder = (
      await ok<number[]>(
        executeKw(sandbox, 'admin', 'sale.order', 'search', [[['user_id', '=', 2]]], { limit: 1 }),
      )
    )[0]
    const error = await fails(
      executeKw(sandbox, 'demo', 'sale.order', 'check_access_rule', [[adminOrder], 'write']),
    )
    expect(error.message).toBe(DEMO_READ_RULE.replace("'read'", "'write'"))
    const own = (
      await ok<number[]>(executeKw(sandbox, 'demo', 'sale.order', 'search', [[]], { limit: 1 }))
    )[0]
    const answer = await executeKw(sandbox, 'demo', 'sale.order', 'check_access_rule', [[own], 'write'])
    expect(answer.error).toBeUndefined()
    expect('result' in answer).toBe(false)
  })
})

describe('has_group in the 17.0 form (09-has_group-*.txt)', () => {
  it.each([
    ['admin', 'base.group_system', true],
    ['demo', 'base.group_system', false],
    ['restricted', 'base.group_system', false],
    ['demo', 'sales_team.group_sale_salesman', true],
    ['restricted', 'sales_team.group_sale_salesman', false],
    ['demo', 'account.group_account_invoice', true],
    ['admin', 'nonexistent.group', false],
  ])('%s has %s → %s', async (login, group, expected) => {
    expect(await ok(executeKw(sandbox, login, 'res.users', 'has_group', [group]))).toBe(expected)
  })

  it('accepts the xml id as keyword', async () => {
    expect(
      await ok(
        executeKw(sandbox, 'admin', 'res.users', 'has_group', [], { group_ext_id: 'base.group_system' }),
      ),
    ).toBe(true)
  })

  it('refuses the 18+ form with ids first, and unqualified ids, like 17 does', async () => {
    expect(
      await fails(executeKw(sandbox, 'demo', 'res.users', 'has_group', [[2], 'base.group_system'])),
    ).toMatchObject({
      name: 'builtins.TypeError',
      message: 'Users.has_group() takes 2 positional arguments but 3 were given',
    })
    expect(
      await fails(executeKw(sandbox, 'admin', 'res.users', 'has_group', ['group_system'])),
    ).toMatchObject({
      name: 'builtins.AssertionError',
      message: "External ID 'group_system' must be fully qualified",
    })
  })

  it('context_get tells the uid (17-context_get.txt)', async () => {
    expect(await ok(executeKw(sandbox, 'restricted', 'res.users', 'context_get', []))).toEqual({
      lang: 'en_US',
      tz: 'Europe/Brussels',
      uid: 8,
    })
  })
})
