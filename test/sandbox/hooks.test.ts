/**
 * The sandbox's test hooks under /__sandbox/ (not part of Odoo): write counters readable from
 * another process, the hold/release hook for in-flight calls, extra users; and the in-process
 * handle. Also that each start gets fresh random API keys.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { executeKw, fails, json2, ok, type SandboxOdoo, startSandboxOdoo } from '../helpers/sandbox.js'

let sandbox: SandboxOdoo

beforeEach(async () => {
  sandbox = await startSandboxOdoo()
})
afterEach(async () => {
  sandbox.release()
  await sandbox.close()
})

const hook = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${sandbox.url}/__sandbox/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

describe('write counters', () => {
  it('count received and applied writes per model.method, over HTTP and in process, and reset', async () => {
    expect((await hook('GET', 'writes')).body).toEqual({ received: {}, applied: {} })
    await ok(executeKw(sandbox, 'admin', 'res.partner', 'create', [{ name: 'Counted' }]))
    await fails(executeKw(sandbox, 'admin', 'res.partner', 'create', [{}]))
    await ok(executeKw(sandbox, 'admin', 'res.partner', 'search_read', [[]], { limit: 1 }))
    const [draft] = await ok<number[]>(
      executeKw(sandbox, 'admin', 'sale.order', 'search', [[['state', '=', 'draft']]], { limit: 1 }),
    )
    await ok(executeKw(sandbox, 'admin', 'sale.order', 'action_confirm', [[draft]]))
    await json2(sandbox, sandbox.user('admin').api_key, 'res.partner', 'write', {
      ids: [1],
      vals: { mobile: '1' },
    })
    const expected = {
      received: { 'res.partner.create': 2, 'sale.order.action_confirm': 1, 'res.partner.write': 1 },
      applied: { 'res.partner.create': 1, 'sale.order.action_confirm': 1, 'res.partner.write': 1 },
    }
    expect((await hook('GET', 'writes')).body).toEqual(expected)
    expect(sandbox.writes()).toEqual(expected)
    expect((await hook('POST', 'writes/reset')).body).toEqual({ received: {}, applied: {} })
    expect(sandbox.writes()).toEqual({ received: {}, applied: {} })
  })

  it('counts a write refused for bad credentials as received, not applied', async () => {
    await fails(executeKw(sandbox, 'admin', 'res.partner', 'unlink', [[1]], {}, 'wrong'))
    expect(sandbox.writes()).toEqual({ received: { 'res.partner.unlink': 1 }, applied: {} })
  })
})

describe('hold and release', () => {
  it('parks matching calls (received, not applied) until released', async () => {
    expect((await hook('POST', 'hold', { model: 'res.partner', method: 'write' })).status).toBe(200)
    const inFlight = executeKw(sandbox, 'admin', 'res.partner', 'write', [[1], { mobile: '+32 2 555 01 01' }])
    await expect.poll(async () => (await hook('GET', 'held')).body.held).toBe(1)
    expect(sandbox.writes()).toEqual({ received: { 'res.partner.write': 1 }, applied: {} })
    // Other calls still run meanwhile.
    expect(await ok(executeKw(sandbox, 'admin', 'res.partner', 'search_count', [[['id', '=', 1]]]))).toBe(1)
    const [before] = await ok<{ mobile: string | false }[]>(
      executeKw(sandbox, 'admin', 'res.partner', 'read', [[1], ['mobile']]),
    )
    expect(before?.mobile).toBe(false)
    expect((await hook('POST', 'release')).body).toEqual({ released: 1 })
    expect(await ok(inFlight)).toBe(true)
    expect(sandbox.writes()).toEqual({
      received: { 'res.partner.write': 1 },
      applied: { 'res.partner.write': 1 },
    })
    // Released means the hold is gone too.
    expect(await ok(executeKw(sandbox, 'admin', 'res.partner', 'write', [[1], { mobile: false }]))).toBe(true)
  })

  it('never applies a held call when the server closes (a crash while in flight)', async () => {
    sandbox.hold('sale.order', 'unlink')
    const [draft] = await ok<number[]>(
      executeKw(sandbox, 'admin', 'sale.order', 'search', [[['state', '=', 'draft']]], { limit: 1 }),
    )
    const inFlight = executeKw(sandbox, 'admin', 'sale.order', 'unlink', [[draft]]).catch(
      (error: unknown) => error,
    )
    await expect.poll(() => sandbox.held()).toBe(1)
    await sandbox.close()
    expect(await inFlight).toBeInstanceOf(Error)
    expect(sandbox.writes()).toEqual({ received: { 'sale.order.unlink': 1 }, applied: {} })
  })
})

describe('users', () => {
  it('exposes admin, demo and restricted with uids, passwords and 40-hex API keys that change per start', async () => {
    expect(sandbox.users.map((u) => [u.login, u.password, u.uid, u.name])).toEqual([
      ['admin', 'admin', 2, 'Mitchell Admin'],
      ['demo', 'demo', 6, 'Marc Demo'],
      ['restricted', 'restricted', 8, 'Restricted User'],
    ])
    for (const user of sandbox.users) expect(user.api_key).toMatch(/^[0-9a-f]{40}$/)
    const other = await startSandboxOdoo()
    try {
      expect(other.user('admin').api_key).not.toBe(sandbox.user('admin').api_key)
    } finally {
      await other.close()
    }
  })

  it('creates extra users with groups and an API key', async () => {
    const created = await hook('POST', 'users', {
      login: 'approver',
      name: 'Ann Approver',
      groups: ['sales_team.group_sale_manager'],
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      login: 'approver',
      password: 'approver',
      name: 'Ann Approver',
      uid: expect.any(Number),
    })
    const key = created.body.api_key as string
    expect(await ok(executeKw(sandbox, 'approver', 'sale.order', 'search_count', [[]], {}, key))).toBe(32)
    expect(
      (await json2(sandbox, key, 'res.users', 'has_group', { group_ext_id: 'sales_team.group_sale_manager' }))
        .body,
    ).toBe(true)
    expect((await hook('POST', 'users', { login: 'approver' })).status).toBe(409)
    expect((await hook('POST', 'users', { login: 'x', groups: ['no.such_group'] })).status).toBe(422)
  })
})
