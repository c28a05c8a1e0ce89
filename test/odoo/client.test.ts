/**
 * Issue 2 acceptance for the Odoo client, against the sandbox Odoo over both protocols (JSON-RPC as
 * Odoo 8-19 speak it, JSON-2 as Odoo 19 does): authentication, domains, writes, Odoo's typed errors
 * carrying Odoo's own messages, and record rules. The expected texts are real Odoo 17's, as captured
 * from a running instance (sandbox tests cite the capture files).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOdooClient, type OdooClient, OdooError } from '../../src/odoo/index.js'
import { type SandboxOdoo, startSandboxOdoo } from '../../src/sandbox/index.js'

let sandbox: SandboxOdoo
beforeAll(async () => {
  sandbox = await startSandboxOdoo()
})
afterAll(() => sandbox.close())

async function failure(promise: Promise<unknown>): Promise<OdooError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail')
    },
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(OdooError)
  return error as OdooError
}

describe.each(['jsonrpc', 'json2'] as const)('the Odoo client over %s', (protocol) => {
  let odoo: OdooClient
  beforeAll(() => {
    odoo = createOdooClient({ url: sandbox.url, db: sandbox.db, protocol, timeout_ms: 10_000 })
  })
  afterAll(() => odoo.close())

  const key = (login: string) => sandbox.user(login).api_key

  it('reads the version', async () => {
    const version = await odoo.version()
    expect(version.major).toBe(protocol === 'json2' ? 19 : 17)
  })

  it('authenticates with an API key and learns the uid', async () => {
    const session = await odoo.authenticate({ login: 'demo', secret: key('demo') })
    expect(session.uid).toBe(sandbox.user('demo').uid)
    expect(session.login).toBe('demo')
  })

  it('refuses a wrong secret with a typed authentication error', async () => {
    const error = await failure(odoo.authenticate({ login: 'demo', secret: 'not-the-key' }))
    expect(error.kind).toBe('authentication_failed')
    expect(error.message).toContain("'demo'")
  })

  it('refuses another user’s key', async () => {
    const error = await failure(odoo.authenticate({ login: 'admin', secret: key('demo') }))
    expect(error.kind).toBe('authentication_failed')
    // …and a key used with another user's uid in a call is refused too.
    const forged = odoo.session({ login: 'admin', secret: key('demo'), uid: sandbox.user('admin').uid })
    if (protocol === 'jsonrpc') {
      const denied = await failure(forged.call('res.partner', 'search_count', { kwargs: { domain: [] } }))
      expect(denied).toMatchObject({
        kind: 'authentication_failed',
        odoo_name: 'odoo.exceptions.AccessDenied',
        message: 'Access Denied',
      })
    } else {
      // JSON-2 has no uid on the wire: the key alone decides who calls, and that is demo, not admin.
      const [{ login }] = (await forged.call<Array<{ login: string }>>('res.users', 'read', {
        ids: [sandbox.user('demo').uid],
        kwargs: { fields: ['login'] },
      })) as [{ login: string }]
      expect(login).toBe('demo')
    }
  })

  if (protocol === 'jsonrpc') {
    it('accepts a password, and an API key where a password goes', async () => {
      expect((await odoo.authenticate({ login: 'admin', secret: 'admin' })).uid).toBe(2)
      expect((await odoo.authenticate({ login: 'admin', secret: key('admin') })).uid).toBe(2)
    })
  } else {
    it('takes API keys only (Odoo 19 bearer auth), saying so when given a password', async () => {
      const error = await failure(odoo.authenticate({ login: 'admin', secret: 'admin' }))
      expect(error.kind).toBe('authentication_failed')
      expect(error.message).toContain('JSON-2 accepts API keys only')
    })
  }

  it('checks a person’s login with the password or an API key, and refuses wrong or foreign secrets', async () => {
    const whoAmI = (secret: string) =>
      odoo.withLogin({ login: 'demo', secret }, async (session) => {
        const [me] = await session.call<Array<{ name: string }>>('res.users', 'read', {
          ids: [session.uid],
          kwargs: { fields: ['name'] },
        })
        return { uid: session.uid, name: me?.name }
      })
    const demo = { uid: sandbox.user('demo').uid, name: 'Marc Demo' }
    expect(await whoAmI('demo')).toEqual(demo)
    expect(await whoAmI(key('demo'))).toEqual(demo)
    for (const wrong of ['not-his-password', key('admin'), 'admin']) {
      expect((await failure(whoAmI(wrong))).kind).toBe('authentication_failed')
    }
  })

  it('searches with a domain (&, |, !) and reads', async () => {
    const admin = await odoo.authenticate({ login: 'admin', secret: key('admin') })
    const domain = ['|', ['is_company', '=', true], '!', ['email', '=', false]]
    const rows = await admin.call<Array<{ id: number; is_company: boolean; email: string | false }>>(
      'res.partner',
      'search_read',
      {
        kwargs: { domain, fields: ['is_company', 'email'] },
      },
    )
    expect(rows.length).toBeGreaterThan(0)
    for (const row of rows) expect(row.is_company || row.email !== false).toBe(true)
    const count = await admin.call<number>('res.partner', 'search_count', { kwargs: { domain } })
    expect(count).toBe(rows.length)
  })

  it('creates, writes and unlinks, and the sandbox applied each once', async () => {
    const admin = await odoo.authenticate({ login: 'admin', secret: key('admin') })
    sandbox.resetWrites()
    const created = await admin.call<number | number[]>('res.partner', 'create', {
      kwargs: { vals_list: [{ name: `Client test ${protocol}` }] },
    })
    const id = Array.isArray(created) ? (created[0] as number) : created
    expect(await admin.call('res.partner', 'write', { ids: [id], kwargs: { vals: { city: 'Namur' } } })).toBe(
      true,
    )
    const [row] = await admin.call<Array<{ city: string }>>('res.partner', 'read', {
      ids: [id],
      kwargs: { fields: ['city'] },
    })
    expect(row?.city).toBe('Namur')
    expect(await admin.call('res.partner', 'unlink', { ids: [id] })).toBe(true)
    expect(await admin.call('res.partner', 'search_count', { kwargs: { domain: [['id', '=', id]] } })).toBe(0)
    expect(sandbox.writes().applied).toMatchObject({
      'res.partner.create': 1,
      'res.partner.write': 1,
      'res.partner.unlink': 1,
    })
  })

  it('gives restricted reading account.move an access error with Odoo’s message', async () => {
    const restricted = await odoo.authenticate({ login: 'restricted', secret: key('restricted') })
    const error = await failure(
      restricted.call('account.move', 'search_read', { kwargs: { domain: [], fields: ['name'] } }),
    )
    expect(error.kind).toBe('access_denied')
    expect(error.odoo_name).toBe('odoo.exceptions.AccessError')
    expect(error.message).toMatch(
      /^You are not allowed to access 'Journal Entry' \(account\.move\) records\.\n\nThis operation is allowed for the following groups:\n\t- Invoicing\/Billing\n/,
    )
  })

  it('gives deleting a confirmed sale.order a user error, and deletes nothing', async () => {
    const admin = await odoo.authenticate({ login: 'admin', secret: key('admin') })
    const [confirmed] = await admin.call<number[]>('sale.order', 'search', {
      kwargs: { domain: [['state', '=', 'sale']], limit: 1 },
    })
    sandbox.resetWrites()
    const error = await failure(admin.call('sale.order', 'unlink', { ids: [confirmed as number] }))
    expect(error).toMatchObject({
      kind: 'user_error',
      odoo_name: 'odoo.exceptions.UserError',
      message: 'You can not delete a sent quotation or a confirmed sales order. You must first cancel it.',
    })
    expect(sandbox.writes()).toMatchObject({ received: { 'sale.order.unlink': 1 }, applied: {} })
  })

  it('maps missing records and unknown methods to their kinds', async () => {
    const admin = await odoo.authenticate({ login: 'admin', secret: key('admin') })
    const missing = await failure(
      admin.call('res.partner', 'write', { ids: [999_999], kwargs: { vals: { city: 'x' } } }),
    )
    expect(missing.kind).toBe('missing_record')
    expect(missing.message).toContain('Record does not exist or has been deleted.')
    const unknown = await failure(admin.call('res.partner', 'no_such_method', { ids: [1] }))
    expect(unknown.kind).toBe('not_found')
    const privateMethod = await failure(admin.call('res.partner', '_read_group', { kwargs: {} }))
    expect(privateMethod.kind).toBe('access_denied')
  })

  it('lets demo (a salesman) count fewer sale orders than admin', async () => {
    const admin = await odoo.authenticate({ login: 'admin', secret: key('admin') })
    const demo = await odoo.authenticate({ login: 'demo', secret: key('demo') })
    const all = await admin.call<number>('sale.order', 'search_count', { kwargs: { domain: [] } })
    const own = await demo.call<number>('sale.order', 'search_count', { kwargs: { domain: [] } })
    expect(own).toBeGreaterThan(0)
    expect(own).toBeLessThan(all)
  })

  if (protocol === 'json2') {
    it('refuses positional arguments with a clear error before sending anything', async () => {
      const admin = await odoo.authenticate({ login: 'admin', secret: key('admin') })
      const error = await failure(admin.call('res.partner', 'search_count', { args: [[]] }))
      expect(error.message).toContain('JSON-2 takes named parameters only')
    })
  }
})
