/**
 * Business records the conformance tests make for themselves, the same way on the sandbox and on
 * real Odoo 17 and 19: over JSON-RPC, with `create`'s values positional (as every Odoo reads them
 * there), each named with the deployment's unique run tag so a second run against the same database
 * never meets the first run's records. Demo data is read for nothing but the users.
 */
import type { OdooSession } from '../../src/odoo/types.js'
import type { ConformanceDeployment } from './targets.js'

export async function create(
  odoo: OdooSession,
  model: string,
  values: Record<string, unknown>,
): Promise<number> {
  const ids = await odoo.call<number[]>(model, 'create', { args: [[values]] })
  const id = ids[0]
  if (typeof id !== 'number') throw new Error(`creating ${model} returned ${JSON.stringify(ids)}`)
  return id
}

export async function read<T = Record<string, any>>(
  odoo: OdooSession,
  model: string,
  ids: number[],
  fields: string[],
): Promise<T[]> {
  return odoo.call<T[]>(model, 'search_read', {
    kwargs: { domain: [['id', 'in', ids]], fields },
    context: { active_test: false },
  })
}

export async function exists(odoo: OdooSession, model: string, id: number): Promise<boolean> {
  const n = await odoo.call<number>(model, 'search_count', {
    kwargs: { domain: [['id', '=', id]] },
    context: { active_test: false },
  })
  return n === 1
}

/** A customer (res.partner, made by admin) with a unique name and e-mail address. */
export async function customer(
  d: ConformanceDeployment,
  label = 'customer',
): Promise<{ id: number; name: string }> {
  const name = d.unique(label)
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.com`
  return { id: await create(d.odooAdmin, 'res.partner', { name, email }), name }
}

/** A product to sell (admin: salesmen may not create products). */
export async function product(d: ConformanceDeployment, price = 100): Promise<number> {
  return create(d.odooAdmin, 'product.product', { name: d.unique('product'), list_price: price })
}

/**
 * A draft quotation owned by `owner` (created as that user, so Odoo's defaults make them its
 * salesperson), with one line of `quantity` × the product.
 */
export async function quotation(
  d: ConformanceDeployment,
  owner: 'admin' | 'demo',
  options: { partner?: number; product?: number; quantity?: number } = {},
): Promise<{ id: number; name: string }> {
  const partner = options.partner ?? (await customer(d)).id
  const item = options.product ?? (await product(d))
  const session = owner === 'admin' ? d.odooAdmin : await d.odooAs(owner)
  const id = await create(session, 'sale.order', {
    partner_id: partner,
    user_id: d.users[owner].uid,
    client_order_ref: d.unique('order'),
    order_line: [[0, 0, { product_id: item, product_uom_qty: options.quantity ?? 2 }]],
  })
  const [row] = await read<{ name: string }>(d.odooAdmin, 'sale.order', [id], ['name'])
  return { id, name: row?.name ?? '' }
}

export async function quotations(
  d: ConformanceDeployment,
  owner: 'admin' | 'demo',
  count: number,
): Promise<number[]> {
  const partner = (await customer(d)).id
  const item = await product(d)
  const ids: number[] = []
  for (let i = 0; i < count; i++) ids.push((await quotation(d, owner, { partner, product: item })).id)
  return ids
}

/** A draft customer invoice made by `owner`, one line of `amount`. */
export async function draftInvoice(
  d: ConformanceDeployment,
  owner: 'admin' | 'demo',
  amount = 1250,
): Promise<{ id: number; partner: string }> {
  const partner = await customer(d)
  const session = owner === 'admin' ? d.odooAdmin : await d.odooAs(owner)
  const id = await create(session, 'account.move', {
    move_type: 'out_invoice',
    partner_id: partner.id,
    invoice_line_ids: [[0, 0, { name: d.unique('service'), quantity: 1, price_unit: amount }]],
  })
  return { id, partner: partner.name }
}

/** An e-mail template on contacts (res.partner), made by admin. */
export async function partnerTemplate(d: ConformanceDeployment): Promise<{ id: number; name: string }> {
  const [model] = await d.odooAdmin.call<Array<{ id: number }>>('ir.model', 'search_read', {
    kwargs: { domain: [['model', '=', 'res.partner']], fields: ['id'] },
  })
  const name = d.unique('template')
  const id = await create(d.odooAdmin, 'mail.template', {
    name,
    model_id: model?.id,
    subject: `${name} subject`,
    body_html: `<p>${name} body</p>`,
  })
  return { id, name }
}

/** A mailing list with `count` contacts, made by admin. */
export async function mailingList(
  d: ConformanceDeployment,
  count: number,
): Promise<{ id: number; name: string }> {
  const name = d.unique('list')
  const id = await create(d.odooAdmin, 'mailing.list', { name })
  for (let i = 0; i < count; i++) {
    await create(d.odooAdmin, 'mailing.contact', {
      name: `${name} contact ${i}`,
      email: `contact${i}.${id}@example.com`,
      list_ids: [[4, id]],
    })
  }
  return { id, name }
}

/** An internal user nobody logs in as: something for demo's AI to try to delete. */
export async function throwawayUser(d: ConformanceDeployment): Promise<number> {
  const login = d
    .unique('user')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
  return create(d.odooAdmin, 'res.users', { name: d.unique('User'), login })
}

/** A group's id in this Odoo, from its xml-id (`base.group_system`). */
export async function groupId(d: ConformanceDeployment, xmlid: string): Promise<number> {
  const [module, name] = xmlid.split('.')
  const [row] = await d.odooAdmin.call<Array<{ res_id: number }>>('ir.model.data', 'search_read', {
    kwargs: {
      domain: [
        ['module', '=', module],
        ['name', '=', name],
        ['model', '=', 'res.groups'],
      ],
      fields: ['res_id'],
    },
  })
  if (!row) throw new Error(`no group ${xmlid} in ${d.target.name}`)
  return row.res_id
}

/** The many2many of a user's own groups: `groups_id` up to 18, `group_ids` from 19. */
export function groupsField(d: ConformanceDeployment): string {
  return d.target.major >= 19 ? 'group_ids' : 'groups_id'
}

/**
 * An internal user who logs in with a password, made by admin through Odoo's own `res.users.create`
 * (with `administrator`, also in base.group_system: an MCP administrator). Made for one test, so the
 * test may archive it or change its password; admin, demo and restricted are never touched.
 */
export async function throwawayPerson(
  d: ConformanceDeployment,
  options: { administrator?: boolean } = {},
): Promise<{ uid: number; login: string; password: string; name: string }> {
  const name = d.unique(options.administrator ? 'Admin' : 'Approver')
  const login = name.toLowerCase().replace(/[^a-z0-9]+/g, '.')
  const password = `pw-${login}-long-enough`
  const groups = [await groupId(d, 'base.group_user')]
  if (options.administrator) groups.push(await groupId(d, 'base.group_system'))
  const uid = await create(d.odooAdmin, 'res.users', {
    name,
    login,
    password,
    [groupsField(d)]: [[6, 0, groups]],
  })
  return { uid, login, password, name }
}

/**
 * An internal user with a generated password and an API key of its own, made for one test that may
 * change that password (`change_password`). Sandbox: its test hook makes both. Real Odoo: admin
 * creates the user over JSON-RPC, then the user makes the key as Odoo's "New API Key" button does
 * (scripts/real-odoo.ts `makeApiKey`: the description wizard, then the identity check with the
 * password — 17: a field of the wizard, 19: `context.password`; 19 gives non-administrators keys of
 * at most 90 days).
 */
export async function throwawayRequester(
  d: ConformanceDeployment,
  password: string,
): Promise<{ uid: number; login: string; api_key: string }> {
  const name = d.unique('Requester')
  const login = name.toLowerCase().replace(/[^a-z0-9]+/g, '.')
  if (!d.target.real) {
    const made = await fetch(`${d.url}/__sandbox/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login, name, password, groups: ['base.group_user'] }),
    })
    if (made.status !== 201) throw new Error(`the sandbox refused user ${login}: ${await made.text()}`)
    const user = (await made.json()) as { uid: number; api_key: string }
    return { uid: user.uid, login, api_key: user.api_key }
  }
  const uid = await create(d.odooAdmin, 'res.users', {
    name,
    login,
    password,
    [groupsField(d)]: [[6, 0, [await groupId(d, 'base.group_user')]]],
  })
  return { uid, login, api_key: await makeApiKey(d, login, password) }
}

async function makeApiKey(d: ConformanceDeployment, login: string, password: string): Promise<string> {
  let cookie = ''
  const post = async <T>(path: string, params: Record<string, unknown>): Promise<T> => {
    const response = await fetch(`${d.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params, id: 1 }),
    })
    const sid = response.headers.get('set-cookie')?.match(/session_id=([^;]+)/)?.[1]
    if (sid) cookie = `session_id=${sid}`
    const body = (await response.json()) as { result?: T; error?: { data?: { message?: string } } }
    if (body.error) throw new Error(`${path}: ${body.error.data?.message ?? JSON.stringify(body.error)}`)
    return body.result as T
  }
  const callKw = <T>(model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) =>
    post<T>(`/web/dataset/call_kw/${model}/${method}`, { model, method, args, kwargs })
  await post('/web/session/authenticate', { db: d.db, login, password })
  const values: Record<string, unknown> = { name: `countersign conformance ${d.unique('key')}` }
  if (d.target.major >= 19)
    values.expiration_date = new Date(Date.now() + 7 * 86_400_000)
      .toISOString()
      .slice(0, 19)
      .replace('T', ' ')
  const created = await callKw<number | number[]>('res.users.apikeys.description', 'create', [values])
  const id = Array.isArray(created) ? created[0] : created
  let action = await callKw<{ res_model?: string; res_id?: number; context?: Record<string, unknown> }>(
    'res.users.apikeys.description',
    'make_key',
    [[id]],
  )
  if (action.res_model === 'res.users.identitycheck' && action.res_id) {
    if (d.target.major < 19) await callKw('res.users.identitycheck', 'write', [[action.res_id], { password }])
    action = await callKw('res.users.identitycheck', 'run_check', [[action.res_id]], {
      context: { password },
    })
  }
  const key = action.context?.default_key
  if (typeof key !== 'string') throw new Error(`Odoo gave no API key for ${login}: ${JSON.stringify(action)}`)
  return key
}
