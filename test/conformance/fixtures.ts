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
