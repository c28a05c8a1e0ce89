/**
 * The sandbox's Odoo 19 JSON-2 face (`POST /json/2/<model>/<method>`): bearer API keys only,
 * named parameters, and the HTTP statuses of Odoo 19's json2 controller and exception classes
 * (addons/web/controllers/json2.py; odoo/exceptions.py `http_status`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json2, type SandboxOdoo, startSandboxOdoo } from '../helpers/sandbox.js'

let sandbox: SandboxOdoo
let adminKey: string
let demoKey: string
let restrictedKey: string

beforeAll(async () => {
  sandbox = await startSandboxOdoo()
  adminKey = sandbox.user('admin').api_key
  demoKey = sandbox.user('demo').api_key
  restrictedKey = sandbox.user('restricted').api_key
})
afterAll(async () => {
  await sandbox.close()
})

describe('authentication', () => {
  it('answers 401 werkzeug Unauthorized "Invalid apikey" for a bad key, a password or no key', async () => {
    for (const key of ['0'.repeat(40), 'admin', null]) {
      const answer = await json2(sandbox, key, 'res.partner', 'search_count', { domain: [] })
      expect(answer.status).toBe(401)
      expect(answer.body).toMatchObject({
        name: 'werkzeug.exceptions.Unauthorized',
        message: 'Invalid apikey',
        arguments: ['Invalid apikey', 401],
        context: {},
      })
    }
  })

  it('tells whose key it is through res.users/context_get', async () => {
    const answer = await json2(sandbox, demoKey, 'res.users', 'context_get')
    expect(answer).toEqual({ status: 200, body: { lang: 'en_US', tz: 'Europe/Brussels', uid: 6 } })
  })

  it('serves GET /web/version like Odoo 19', async () => {
    const body = await (await fetch(`${sandbox.url}/web/version`)).json()
    expect(body).toEqual({ version_info: [19, 0, 0, 'final', 0, ''], version: '19.0' })
  })
})

describe('calls', () => {
  it('takes named parameters and answers the bare result', async () => {
    const answer = await json2(sandbox, adminKey, 'res.partner', 'search_read', {
      domain: [['name', '=', 'Deco Addict']],
      fields: ['name', 'is_company'],
    })
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual([{ id: expect.any(Number), name: 'Deco Addict', is_company: true }])
  })

  it('passes ids and context separately; records come back as ids', async () => {
    const created = await json2(sandbox, adminKey, 'res.partner', 'create', {
      vals_list: [{ name: 'J2 one' }, { name: 'J2 two' }],
    })
    expect(created.status).toBe(200)
    const ids = created.body as number[]
    expect(ids).toHaveLength(2)
    const read = await json2(sandbox, adminKey, 'res.partner', 'read', { ids, fields: ['name'] })
    expect(read.body).toEqual([
      { id: ids[0], name: 'J2 one' },
      { id: ids[1], name: 'J2 two' },
    ])
    const single = await json2(sandbox, adminKey, 'res.partner', 'create', {
      vals_list: { name: 'J2 three' },
    })
    expect(single.body).toEqual([expect.any(Number)])
    const posted = await json2(sandbox, adminKey, 'res.partner', 'message_post', {
      ids: [ids[0]],
      body: 'hello',
    })
    expect(posted.body).toEqual([expect.any(Number)])
  })

  it('runs has_group on the records given, the 18+ form', async () => {
    expect(
      (
        await json2(sandbox, demoKey, 'res.users', 'has_group', {
          ids: [2],
          group_ext_id: 'base.group_system',
        })
      ).body,
    ).toBe(true)
    expect(
      (
        await json2(sandbox, demoKey, 'res.users', 'has_group', {
          ids: [6],
          group_ext_id: 'base.group_system',
        })
      ).body,
    ).toBe(false)
    expect(
      (await json2(sandbox, adminKey, 'res.users', 'has_group', { group_ext_id: 'base.group_system' })).body,
    ).toBe(true)
  })

  it('answers null for methods returning None', async () => {
    const [sent] = (
      await json2(sandbox, adminKey, 'sale.order', 'search', { domain: [['state', '=', 'draft']], limit: 1 })
    ).body as number[]
    const answer = await json2(sandbox, adminKey, 'sale.order', 'action_quotation_sent', { ids: [sent] })
    expect(answer).toEqual({ status: 200, body: null })
  })
})

describe('error statuses', () => {
  const body = (answer: { body: unknown }) => answer.body as Record<string, unknown>

  it('403 for AccessError', async () => {
    const answer = await json2(sandbox, restrictedKey, 'sale.order', 'search_read', { domain: [] })
    expect(answer.status).toBe(403)
    expect(Object.keys(body(answer))).toEqual(['name', 'debug', 'message', 'arguments', 'context'])
    expect(body(answer).name).toBe('odoo.exceptions.AccessError')
    expect(body(answer).message).toMatch(
      /^You are not allowed to access 'Sales Order' \(sale\.order\) records\./,
    )
  })

  it('422 for UserError and ValidationError', async () => {
    const [confirmed] = (
      await json2(sandbox, adminKey, 'sale.order', 'search', { domain: [['state', '=', 'sale']], limit: 1 })
    ).body as number[]
    const user = await json2(sandbox, adminKey, 'sale.order', 'unlink', { ids: [confirmed] })
    expect(user.status).toBe(422)
    expect(body(user).name).toBe('odoo.exceptions.UserError')
    const validation = await json2(sandbox, adminKey, 'sale.order', 'create', { vals_list: [{}] })
    expect(validation.status).toBe(422)
    expect(body(validation).name).toBe('odoo.exceptions.ValidationError')
  })

  it('404 for MissingError, an unknown model or an unknown method', async () => {
    const missing = await json2(sandbox, adminKey, 'res.partner', 'write', {
      ids: [999999],
      vals: { name: 'x' },
    })
    expect([missing.status, body(missing).name]).toEqual([404, 'odoo.exceptions.MissingError'])
    const model = await json2(sandbox, adminKey, 'no.such.model', 'search', { domain: [] })
    expect(model.status).toBe(404)
    expect(body(model)).toMatchObject({
      name: 'werkzeug.exceptions.NotFound',
      message: "the model 'no.such.model' does not exist",
    })
    const method = await json2(sandbox, adminKey, 'res.partner', 'nosuchmethod', {})
    expect(method.status).toBe(404)
    expect(body(method).message).toBe("The method 'res.partner.nosuchmethod' does not exist")
  })

  it('403 for a private method, 422 for bad parameters or ids on a model method', async () => {
    const privateMethod = await json2(sandbox, adminKey, 'res.partner', '_read_group', {})
    expect([privateMethod.status, body(privateMethod).message]).toEqual([
      403,
      "Private methods (such as 'res.partner._read_group') cannot be called remotely.",
    ])
    const unknownParam = await json2(sandbox, adminKey, 'res.partner', 'search', { domain: [], nosuchkw: 1 })
    expect(unknownParam.status).toBe(422)
    expect(body(unknownParam)).toMatchObject({ name: 'werkzeug.exceptions.UnprocessableEntity' })
    const missingParam = await json2(sandbox, adminKey, 'res.partner', 'write', { ids: [1] })
    expect([missingParam.status, body(missingParam).message]).toEqual([
      422,
      "missing a required argument: 'vals'",
    ])
    const withIds = await json2(sandbox, adminKey, 'res.partner', 'search', { ids: [1], domain: [] })
    expect([withIds.status, body(withIds).message]).toEqual([422, 'cannot call res.partner.search with ids'])
  })

  it('500 for other exceptions (ValueError)', async () => {
    const answer = await json2(sandbox, adminKey, 'res.partner', 'search', {
      domain: [['nosuchfield', '=', 1]],
    })
    expect(answer.status).toBe(500)
    expect(body(answer).name).toBe('builtins.ValueError')
  })

  it('400 for a body that is not a JSON object', async () => {
    const response = await fetch(`${sandbox.url}/json/2/res.partner/search`, {
      method: 'POST',
      headers: { authorization: `bearer ${adminKey}`, 'content-type': 'application/json' },
      body: '[1]',
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as Record<string, unknown>).message).toBe(
      'could not parse the body, expecting a json object',
    )
  })
})
