/**
 * The sandbox's JSON-RPC face against Odoo 17's real answers (see /work/notes/odoo17: facts.md
 * and the captures named in comments): version, authentication, the error envelope, and calls
 * that answer without a `result`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  executeKw,
  fails,
  jsonrpc,
  ok,
  type RpcAnswer,
  type SandboxOdoo,
  startSandboxOdoo,
} from '../helpers/sandbox.js'

let sandbox: SandboxOdoo

beforeAll(async () => {
  sandbox = await startSandboxOdoo()
})
afterAll(async () => {
  await sandbox.close()
})

describe('common service', () => {
  it('answers version like 17.0 (01-common.version.txt)', async () => {
    const answer = await jsonrpc(sandbox.url, 'common', 'version', [])
    expect(answer).toEqual({
      jsonrpc: '2.0',
      id: expect.any(Number),
      result: {
        server_version: '17.0',
        server_version_info: [17, 0, 0, 'final', 0, ''],
        server_serie: '17.0',
        protocol_version: 1,
      },
    })
  })

  it('authenticates with a password or an API key, and answers false otherwise (01-authenticate-*.txt)', async () => {
    const admin = sandbox.user('admin')
    const demo = sandbox.user('demo')
    const auth = (login: string, secret: string) =>
      ok(jsonrpc(sandbox.url, 'common', 'authenticate', [sandbox.db, login, secret, {}]))
    expect(await auth('admin', 'admin')).toBe(2)
    expect(await auth('admin', admin.api_key)).toBe(2)
    expect(await auth('demo', demo.api_key)).toBe(6)
    expect(await auth('admin', 'wrong')).toBe(false)
    expect(await auth('admin', demo.api_key)).toBe(false)
    expect(await auth('nobody', 'admin')).toBe(false)
    expect(await ok(jsonrpc(sandbox.url, 'common', 'login', [sandbox.db, 'demo', demo.api_key]))).toBe(6)
  })

  it('refuses authenticate without user_agent_env (01-authenticate-3args.txt)', async () => {
    const error = await fails(jsonrpc(sandbox.url, 'common', 'authenticate', [sandbox.db, 'admin', 'admin']))
    expect(error.name).toBe('builtins.TypeError')
    expect(error.message).toBe("exp_authenticate() missing 1 required positional argument: 'user_agent_env'")
  })

  it('fails on an unknown database like PostgreSQL does (01-authenticate-unknown-db.txt)', async () => {
    const error = await fails(
      jsonrpc(sandbox.url, 'common', 'authenticate', ['nosuchdb', 'admin', 'admin', {}]),
    )
    expect(error.name).toBe('psycopg2.OperationalError')
    expect(error.message).toBe(
      'connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "nosuchdb" does not exist\n',
    )
  })

  it('names unknown services and methods like Odoo (01-unknown-service.txt, 01-common-unknown-method.txt)', async () => {
    const service = await fails(jsonrpc(sandbox.url, 'nosuchservice', 'x', []))
    expect([service.name, service.message, service.arguments]).toEqual([
      'builtins.KeyError',
      'nosuchservice',
      ['nosuchservice'],
    ])
    const method = await fails(jsonrpc(sandbox.url, 'common', 'nosuchmethod', []))
    expect([method.name, method.message]).toEqual(['builtins.Exception', 'Method not found: nosuchmethod'])
    expect(await ok(jsonrpc(sandbox.url, 'db', 'list', []))).toEqual([sandbox.db])
  })
})

describe('object.execute_kw credentials (02-execute_kw-*.txt)', () => {
  it('accepts an API key wherever a password works', async () => {
    const demo = sandbox.user('demo')
    expect(
      await ok(executeKw(sandbox, 'demo', 'res.partner', 'search_count', [[]], {}, demo.api_key)),
    ).toBeGreaterThan(0)
  })

  it('refuses a key sent with another user uid, a wrong or empty password, uid false', async () => {
    const demo = sandbox.user('demo')
    for (const secret of [demo.api_key, 'wrong', '']) {
      const error = await fails(executeKw(sandbox, 'admin', 'res.partner', 'search_count', [[]], {}, secret))
      expect(error).toMatchObject({
        name: 'odoo.exceptions.AccessDenied',
        message: 'Access Denied',
        arguments: ['Access Denied'],
      })
    }
    const uidFalse = await fails(
      jsonrpc(sandbox.url, 'object', 'execute_kw', [
        sandbox.db,
        false,
        'admin',
        'res.partner',
        'search_count',
        [[]],
      ]),
    )
    expect(uidFalse.message).toBe('Access Denied')
  })

  it('answers an unknown uid with a MissingError on res.users (02-execute_kw-unknown-uid.txt)', async () => {
    const error = await fails(
      jsonrpc(sandbox.url, 'object', 'execute_kw', [
        sandbox.db,
        999,
        'admin',
        'res.partner',
        'search_count',
        [[]],
      ]),
    )
    expect(error.name).toBe('odoo.exceptions.MissingError')
    expect(error.message).toBe(
      'Record does not exist or has been deleted.\n(Record: res.users(999,), User: 999)',
    )
  })

  it('also serves object.execute with positional arguments', async () => {
    const admin = sandbox.user('admin')
    const count = await ok(
      jsonrpc(sandbox.url, 'object', 'execute', [
        sandbox.db,
        admin.uid,
        admin.password,
        'sale.order',
        'search_count',
        [],
      ]),
    )
    expect(count).toBe(32)
  })
})

describe('envelope', () => {
  it('echoes the id and wraps errors in code 200 "Odoo Server Error" with name, debug, message, arguments, context', async () => {
    const response = await fetch(`${sandbox.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        method: 'call',
        params: {
          service: 'object',
          method: 'execute_kw',
          args: [sandbox.db, 2, 'admin', 'no.such.model', 'search', [[]]],
        },
        id: 'abc',
      }),
    })
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(Object.keys(body)).toEqual(['jsonrpc', 'id', 'error'])
    expect(body.id).toBe('abc')
    const error = body.error as { code: number; message: string; data: Record<string, unknown> }
    expect(error.code).toBe(200)
    expect(error.message).toBe('Odoo Server Error')
    expect(Object.keys(error.data)).toEqual(['name', 'debug', 'message', 'arguments', 'context'])
    expect(error.data).toMatchObject({
      name: 'odoo.exceptions.UserError',
      message: "Object no.such.model doesn't exist",
      arguments: ["Object no.such.model doesn't exist"],
      context: {},
    })
    expect(error.data.debug).toMatch(/^Traceback \(most recent call last\):\n/)
  })

  it('answers malformed JSON with a bare HTTP 400', async () => {
    const response = await fetch(`${sandbox.url}/jsonrpc`, {
      method: 'POST',
      body: '{nope',
      headers: { 'content-type': 'application/json' },
    })
    expect(response.status).toBe(400)
    expect(await response.text()).toBe('Invalid JSON data')
  })

  it('omits "result" when a method returns None (facts.md "RESULT-LESS RESPONSES")', async () => {
    const draft = (
      await ok<number[]>(
        executeKw(sandbox, 'admin', 'sale.order', 'search', [[['state', '=', 'draft']]], { limit: 1 }),
      )
    )[0]
    const answer = await executeKw(sandbox, 'admin', 'sale.order', 'action_quotation_sent', [[draft]])
    expect(answer).toEqual({ jsonrpc: '2.0', id: expect.any(Number) })
  })
})

describe('methods, models and fields (06-*.txt)', () => {
  it.each([
    ['_read_group', 'Private methods (such as _read_group) cannot be called remotely.'],
    ['init', 'Private methods (such as init) cannot be called remotely.'],
  ])('refuses private method %s with an AccessError', async (method, message) => {
    const error = await fails(executeKw(sandbox, 'admin', 'res.partner', method, [[]]))
    expect(error).toMatchObject({ name: 'odoo.exceptions.AccessError', message })
  })

  it('names unknown methods, fields and keyword arguments like Python does', async () => {
    expect(await fails(executeKw(sandbox, 'admin', 'res.partner', 'nosuchmethod', [[]]))).toMatchObject({
      name: 'builtins.AttributeError',
      // odoo/api.py call_kw, as a real 17 answers it.
      message: "The method 'nosuchmethod' does not exist on the model 'res.partner'",
    })
    expect(
      await fails(
        executeKw(sandbox, 'admin', 'res.partner', 'search_read', [[]], { fields: ['name', 'nosuchfield'] }),
      ),
    ).toMatchObject({
      name: 'builtins.ValueError',
      message: "Invalid field 'nosuchfield' on model 'res.partner'",
    })
    expect(
      await fails(executeKw(sandbox, 'admin', 'res.partner', 'write', [[1], { nosuchfield: 1 }])),
    ).toMatchObject({
      name: 'builtins.ValueError',
      message: "Invalid field 'nosuchfield' on model 'res.partner'",
    })
    expect(
      await fails(executeKw(sandbox, 'admin', 'res.partner', 'search', [[]], { nosuchkw: 1 })),
    ).toMatchObject({
      name: 'builtins.TypeError',
      message: "BaseModel.search() got an unexpected keyword argument 'nosuchkw'",
    })
    expect(await fails(executeKw(sandbox, 'admin', 'res.partner', 'unlink', []))).toMatchObject({
      name: 'builtins.IndexError',
      message: 'tuple index out of range',
    })
    expect(
      await fails(
        executeKw(sandbox, 'admin', 'res.partner', 'search_read', [[]], { order: 'nosuchfield desc' }),
      ),
    ).toMatchObject({
      name: 'builtins.ValueError',
      message: "Invalid field 'nosuchfield' on model 'res.partner'",
    })
  })

  it('reads shapes like Odoo: id first, many2one as [id, name], empty as false, load=None as bare id (12-*.txt)', async () => {
    const [row] = await ok<Record<string, unknown>[]>(
      executeKw(sandbox, 'admin', 'res.partner', 'search_read', [[['name', '=', 'Brandon Freeman']]], {
        fields: ['parent_id', 'display_name', 'mobile', 'child_ids', 'name'],
      }),
    )
    expect(Object.keys(row ?? {})).toEqual(['id', 'parent_id', 'display_name', 'mobile', 'child_ids', 'name'])
    expect(row).toMatchObject({
      parent_id: [expect.any(Number), 'Azure Interior'],
      display_name: 'Azure Interior, Brandon Freeman',
      mobile: false,
      child_ids: [],
    })
    const [bare] = await ok<Record<string, unknown>[]>(
      executeKw(sandbox, 'admin', 'res.partner', 'read', [row?.id], { fields: ['parent_id'], load: null }),
    )
    expect(typeof bare?.parent_id).toBe('number')
  })

  it('checks field names even when nothing is read (compared with the live Odoo 17)', async () => {
    expect(
      await fails(executeKw(sandbox, 'admin', 'res.partner', 'read', [[], ['nosuchfield']])),
    ).toMatchObject({
      name: 'builtins.KeyError',
      message: 'nosuchfield',
    })
    expect(
      await fails(
        executeKw(sandbox, 'admin', 'res.partner', 'search_read', [[['id', '=', 999999]]], {
          fields: ['nosuchfield'],
        }),
      ),
    ).toMatchObject({
      name: 'builtins.ValueError',
      message: "Invalid field 'nosuchfield' on model 'res.partner'",
    })
  })

  it('drops missing ids on read but refuses them on write and unlink (07-*.txt)', async () => {
    expect(
      await ok(executeKw(sandbox, 'admin', 'res.partner', 'read', [[999999]], { fields: ['name'] })),
    ).toEqual([])
    for (const [method, args] of [
      ['write', [[999999], { name: 'x' }]],
      ['unlink', [[999999]]],
    ] as const) {
      expect(await fails(executeKw(sandbox, 'admin', 'res.partner', method, [...args]))).toMatchObject({
        name: 'odoo.exceptions.MissingError',
        message: 'Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: 2)',
      })
    }
    expect(await ok(executeKw(sandbox, 'admin', 'res.partner', 'write', [[], { name: 'x' }]))).toBe(true)
    expect(await ok(executeKw(sandbox, 'admin', 'res.partner', 'unlink', [[]]))).toBe(true)
  })

  it('raises the validation errors of the database constraints (08-*.txt)', async () => {
    expect(await fails(executeKw(sandbox, 'admin', 'sale.order', 'create', [{}]))).toMatchObject({
      name: 'odoo.exceptions.ValidationError',
      message:
        'The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: Sales Order (sale.order)\nField: Customer (partner_id)\n',
    })
    expect(
      await fails(executeKw(sandbox, 'admin', 'res.partner', 'create', [{ email: 'x@example.com' }])),
    ).toMatchObject({
      name: 'odoo.exceptions.ValidationError',
      message: 'The operation cannot be completed: Contacts require a name',
    })
    expect(
      await fails(executeKw(sandbox, 'admin', 'sale.order', 'create', [{ partner_id: 999999 }])),
    ).toMatchObject({
      name: 'odoo.exceptions.MissingError',
      message: 'Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: 2)',
    })
    expect(
      await fails(executeKw(sandbox, 'admin', 'sale.order', 'write', [[1], { state: 'bogus' }])),
    ).toMatchObject({
      name: 'builtins.ValueError',
      message: "Wrong value for sale.order.state: 'bogus'",
    })
  })

  it('creates one record from a dict (an id) or several from a list (ids)', async () => {
    const id = await ok(executeKw(sandbox, 'admin', 'res.partner', 'create', [{ name: 'One' }]))
    expect(typeof id).toBe('number')
    const ids = await ok(
      executeKw(sandbox, 'admin', 'res.partner', 'create', [[{ name: 'Two' }, { name: 'Three' }]]),
    )
    expect(ids).toEqual([(id as number) + 1, (id as number) + 2])
  })

  it('refuses create values given by keyword, as a real 17 does, and creates nothing', async () => {
    const before = await ok(
      executeKw(sandbox, 'admin', 'res.partner', 'search_count', [[['name', '=', 'Kw']]]),
    )
    expect(
      await fails(executeKw(sandbox, 'admin', 'res.partner', 'create', [], { vals_list: [{ name: 'Kw' }] })),
    ).toMatchObject({ name: 'builtins.IndexError', message: 'tuple index out of range' })
    expect(
      await ok(executeKw(sandbox, 'admin', 'res.partner', 'search_count', [[['name', '=', 'Kw']]])),
    ).toBe(before)
  })

  it('names write’s parameter as each 17 model does: `values` on sale.order, `vals` on res.partner', async () => {
    expect(
      await fails(
        executeKw(sandbox, 'admin', 'sale.order', 'write', [[1]], { vals: { client_order_ref: 'x' } }),
      ),
    ).toMatchObject({
      name: 'builtins.TypeError',
      message: "SaleOrder.write() got an unexpected keyword argument 'vals'",
    })
    expect(
      await ok(
        executeKw(sandbox, 'admin', 'sale.order', 'write', [[1]], { values: { client_order_ref: 'y' } }),
      ),
    ).toBe(true)
    expect(
      await ok(executeKw(sandbox, 'admin', 'res.partner', 'write', [[3]], { vals: { city: 'Ghent' } })),
    ).toBe(true)
    expect(
      await ok(executeKw(sandbox, 'admin', 'sale.order', 'read', [[1]], { fields: ['client_order_ref'] })),
    ).toEqual([{ id: 1, client_order_ref: 'y' }])
  })

  it('gives a user created without a contact a contact of its own', async () => {
    const uid = (await ok(
      executeKw(sandbox, 'admin', 'res.users', 'create', [{ name: 'Nora New', login: 'nora' }]),
    )) as number
    const [user] = (await ok(
      executeKw(sandbox, 'admin', 'res.users', 'read', [[uid]], { fields: ['partner_id'] }),
    )) as Array<{ partner_id: [number, string] }>
    expect(user?.partner_id[1]).toBe('Nora New')
  })
})

describe('web sessions (/web/session/authenticate, /web/dataset/call_kw, /web/session/destroy)', () => {
  const post = async (path: string, params: Record<string, unknown>, cookie?: string) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params, id: 1 }),
    })
    const sid = /session_id=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1]
    return { body: (await response.json()) as RpcAnswer, cookie: sid ? `session_id=${sid}` : undefined }
  }
  const readName = (cookie?: string) =>
    post(
      '/web/dataset/call_kw/res.users/read',
      { model: 'res.users', method: 'read', args: [[6], ['name']], kwargs: {} },
      cookie,
    )

  it('logs in with a password (never an API key), calls as that user, and logs out', async () => {
    const refusedKey = await post('/web/session/authenticate', {
      db: sandbox.db,
      login: 'demo',
      password: sandbox.user('demo').api_key,
    })
    expect(refusedKey.body.error?.data.name).toBe('odoo.exceptions.AccessDenied')
    expect(refusedKey.cookie).toBeUndefined()
    const login = await post('/web/session/authenticate', { db: sandbox.db, login: 'demo', password: 'demo' })
    expect(login.body.result).toMatchObject({ uid: 6 })
    expect((await readName(login.cookie)).body.result).toEqual([{ id: 6, name: 'Marc Demo' }])
    // The same rights as over /jsonrpc: a salesman may not create products.
    const created = await post(
      '/web/dataset/call_kw/product.product/create',
      { model: 'product.product', method: 'create', args: [{ name: 'x' }], kwargs: {} },
      login.cookie,
    )
    expect(created.body.error?.data.name).toBe('odoo.exceptions.AccessError')
    await post('/web/session/destroy', {}, login.cookie)
    const after = await readName(login.cookie)
    expect(after.body.error).toMatchObject({ code: 100, data: { name: 'odoo.http.SessionExpiredException' } })
    expect((await readName()).body.error?.code).toBe(100)
  })
})
