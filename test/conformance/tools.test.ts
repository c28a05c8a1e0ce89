/**
 * Conformance: every tool of the catalog, called by Marc Demo's AI through `serve` with the official
 * MCP client, on every Odoo the suite knows; each effect is then checked in Odoo itself, read as
 * admin. Every result is also checked against the tool's listed `outputSchema` with the validator the
 * official client uses (issue 13). No tool is gated here (approvals.test.ts covers the gate).
 */
import type { Client } from '@modelcontextprotocol/client'
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/client/validators/ajv'
import { beforeAll, expect, it } from 'vitest'
import { callTool as call } from '../helpers/deployment.js'
import { APPROVAL_TOOLS, READ_TOOLS, WRITE_TOOLS } from '../helpers/tool-names.js'
import {
  customer,
  draftInvoice,
  exists,
  mailingList,
  partnerTemplate,
  product,
  quotation,
  quotations,
  read,
} from './fixtures.js'
import { describeEachOdoo } from './targets.js'

type Validate = (value: unknown) => { valid: boolean; errorMessage?: string }

describeEachOdoo('tools', (deployment, target) => {
  let ai: Client
  const validators = new Map<string, Validate>()

  /** Calls a tool (a tool error fails) and checks the result against the tool's outputSchema. */
  async function callTool(client: Client, name: string, args: Record<string, unknown>) {
    const structured = await call(client, name, args)
    const verdict = validators.get(name)?.(structured)
    expect(verdict?.valid, `${name}: ${verdict?.errorMessage} in ${JSON.stringify(structured)}`).toBe(true)
    return structured
  }

  beforeAll(async () => {
    const d = deployment()
    ai = await d.mcp((await d.connection('demo', ['--write'])).token)
    const validator = new AjvJsonSchemaValidator()
    for (const tool of (await ai.listTools()).tools)
      if (tool.outputSchema) validators.set(tool.name, validator.getValidator(tool.outputSchema) as Validate)
  })

  it('lists every tool of the catalog on a write connection', async () => {
    const listed = (await ai.listTools()).tools.map((t) => t.name).sort()
    expect(listed).toEqual([...READ_TOOLS, ...WRITE_TOOLS, ...APPROVAL_TOOLS].sort())
  })

  it('list_models finds sale.order with its label', async () => {
    const found = await callTool(ai, 'list_models', { search: 'sale.order' })
    expect(found.models).toContainEqual({ model: 'sale.order', name: 'Sales Order' })
  })

  it('describe_model gives the state field and its choices', async () => {
    const described = await callTool(ai, 'describe_model', { model: 'sale.order', fields: ['state'] })
    expect(described.fields.state.type).toBe('selection')
    const values = (described.fields.state.selection as Array<[string, string]>).map(([value]) => value)
    expect(values).toEqual(expect.arrayContaining(['draft', 'sent', 'sale', 'cancel']))
  })

  it('search_read, get_record and count_records read demo’s own quotation, and not admin’s (record rule)', async () => {
    const d = deployment()
    const mine = await quotation(d, 'demo')
    const admins = await quotation(d, 'admin')
    const found = await callTool(ai, 'search_read', {
      model: 'sale.order',
      domain: [['id', 'in', [mine.id, admins.id]]],
      fields: ['name', 'state', 'user_id'],
    })
    expect(found.records).toEqual([
      { id: mine.id, name: mine.name, state: 'draft', user_id: [d.users.demo.uid, expect.any(String)] },
    ])
    expect(found.has_more).toBe(false)
    const record = await callTool(ai, 'get_record', { model: 'sale.order', id: mine.id, fields: ['name'] })
    expect(record.record).toEqual({ id: mine.id, name: mine.name })
    const counted = await callTool(ai, 'count_records', {
      model: 'sale.order',
      domain: [['id', 'in', [mine.id, admins.id]]],
    })
    expect(counted.count).toBe(1)
    // admin sees both: the difference is Odoo's record rule, not the data.
    expect(
      await d.odooAdmin.call('sale.order', 'search_count', {
        kwargs: { domain: [['id', 'in', [mine.id, admins.id]]] },
      }),
    ).toBe(2)
  })

  it('search_read pages with has_more', async () => {
    const d = deployment()
    const ids = await quotations(d, 'demo', 3)
    const page = await callTool(ai, 'search_read', {
      model: 'sale.order',
      domain: [['id', 'in', ids]],
      fields: ['name'],
      limit: 2,
      order: 'id',
    })
    expect(page.records.map((r: { id: number }) => r.id)).toEqual(ids.slice(0, 2))
    expect(page.has_more).toBe(true)
  })

  it('create_record creates a contact in Odoo and returns its id', async () => {
    const d = deployment()
    const name = d.unique('created contact')
    const created = await callTool(ai, 'create_record', {
      model: 'res.partner',
      values: { name, email: 'created@example.com' },
    })
    expect(created.id).toEqual(expect.any(Number))
    expect(await read(d.odooAdmin, 'res.partner', [created.id], ['name', 'email'])).toEqual([
      { id: created.id, name, email: 'created@example.com' },
    ])
  })

  it('update_record changes the values in Odoo', async () => {
    const d = deployment()
    const { id } = await customer(d)
    const updated = await callTool(ai, 'update_record', {
      model: 'res.partner',
      ids: [id],
      values: { phone: '+32 2 555 01 01' },
    })
    expect(updated).toMatchObject({ updated_ids: [id], fields: ['phone'] })
    expect((await read(d.odooAdmin, 'res.partner', [id], ['phone']))[0]?.phone).toBe('+32 2 555 01 01')
  })

  it('delete_record and batch_delete delete demo’s draft quotations in Odoo', async () => {
    const d = deployment()
    const [one, ...two] = await quotations(d, 'demo', 3)
    expect(await callTool(ai, 'delete_record', { model: 'sale.order', id: one })).toMatchObject({
      deleted_ids: [one],
    })
    expect(await exists(d.odooAdmin, 'sale.order', one as number)).toBe(false)
    expect(await callTool(ai, 'batch_delete', { model: 'sale.order', ids: two })).toMatchObject({
      deleted_ids: two,
      count: 2,
    })
    for (const id of two) expect(await exists(d.odooAdmin, 'sale.order', id)).toBe(false)
  })

  it('get_workflow_state and transition_state move a quotation to sale, cancel and back to draft', async () => {
    const d = deployment()
    const { id } = await quotation(d, 'demo')
    const state = await callTool(ai, 'get_workflow_state', { model: 'sale.order', id })
    expect(state.state).toBe('draft')
    expect(state.transitions.map((t: { method: string }) => t.method)).toEqual([
      'action_confirm',
      'action_cancel',
    ])
    const stateOf = async () => (await read(d.odooAdmin, 'sale.order', [id], ['state']))[0]?.state
    for (const [transition, to] of [
      ['action_confirm', 'sale'],
      ['action_cancel', 'cancel'],
      ['action_draft', 'draft'],
    ] as const) {
      const moved = await callTool(ai, 'transition_state', { model: 'sale.order', ids: [id], transition })
      expect(moved.records).toEqual([{ id, display_name: expect.any(String), state: to }])
      expect(await stateOf()).toBe(to)
    }
  })

  it('get_workflow_state and transition_state post demo’s draft invoice; a posted one cannot be deleted', async () => {
    const d = deployment()
    const invoice = await draftInvoice(d, 'demo')
    const state = await callTool(ai, 'get_workflow_state', { model: 'account.move', id: invoice.id })
    expect(state.state).toBe('draft')
    expect(state.transitions.map((t: { method: string }) => t.method)).toContain('action_post')
    const posted = await callTool(ai, 'transition_state', {
      model: 'account.move',
      ids: [invoice.id],
      transition: 'action_post',
    })
    expect(posted.records).toEqual([{ id: invoice.id, display_name: expect.any(String), state: 'posted' }])
    const [row] = await read(d.odooAdmin, 'account.move', [invoice.id], ['state', 'name', 'amount_untaxed'])
    expect(row).toMatchObject({ state: 'posted', amount_untaxed: 1250 })
    expect(row?.name).not.toBe('/')
    const refused = await ai.callTool({
      name: 'delete_record',
      arguments: { model: 'account.move', id: invoice.id },
    })
    expect(refused.isError).toBe(true)
    expect(await exists(d.odooAdmin, 'account.move', invoice.id)).toBe(true)
  })

  it('delete_record deletes demo’s draft invoice', async () => {
    const d = deployment()
    const invoice = await draftInvoice(d, 'demo')
    await callTool(ai, 'delete_record', { model: 'account.move', id: invoice.id })
    expect(await exists(d.odooAdmin, 'account.move', invoice.id)).toBe(false)
  })

  it('execute_method calls a method on records with named parameters', async () => {
    const d = deployment()
    const { id } = await quotation(d, 'demo')
    const reference = d.unique('ref')
    const called = await callTool(ai, 'execute_method', {
      model: 'sale.order',
      method: 'write',
      ids: [id],
      kwargs: { vals: { client_order_ref: reference } },
    })
    expect(called.result).toBe(true)
    expect((await read(d.odooAdmin, 'sale.order', [id], ['client_order_ref']))[0]?.client_order_ref).toBe(
      reference,
    )
  })

  it('execute_method calls a model method (no records) and returns its result', async () => {
    const d = deployment()
    const { name } = await customer(d)
    const called = await callTool(ai, 'execute_method', {
      model: 'res.partner',
      method: 'search_count',
      kwargs: { domain: [['name', '=', name]] },
    })
    expect(called.result).toBe(1)
  })

  it('execute_method creates with vals_list by name, on every protocol', async () => {
    const d = deployment()
    const name = d.unique('method contact')
    const called = await callTool(ai, 'execute_method', {
      model: 'res.partner',
      method: 'create',
      kwargs: { vals_list: [{ name }] },
    })
    const ids = Array.isArray(called.result) ? called.result : [called.result]
    expect(ids).toHaveLength(1)
    expect((await read(d.odooAdmin, 'res.partner', ids, ['name']))[0]?.name).toBe(name)
  })

  if (target.protocol === 'jsonrpc') {
    it('execute_method passes positional args after the ids (JSON-RPC)', async () => {
      const d = deployment()
      const { id } = await quotation(d, 'demo')
      const reference = d.unique('positional')
      await callTool(ai, 'execute_method', {
        model: 'sale.order',
        method: 'write',
        ids: [id],
        args: [{ client_order_ref: reference }],
      })
      expect((await read(d.odooAdmin, 'sale.order', [id], ['client_order_ref']))[0]?.client_order_ref).toBe(
        reference,
      )
    })
  } else {
    it('execute_method refuses positional args with a clear error (JSON-2 has none) and sends nothing', async () => {
      const d = deployment()
      const { id } = await quotation(d, 'demo')
      const result = await ai.callTool({
        name: 'execute_method',
        arguments: { model: 'sale.order', method: 'write', ids: [id], args: [{ client_order_ref: 'x' }] },
      })
      expect(result.isError).toBe(true)
      expect(JSON.stringify(result.content)).toContain('positional parameters work over JSON-RPC only')
      expect(
        (await read(d.odooAdmin, 'sale.order', [id], ['client_order_ref']))[0]?.client_order_ref,
      ).not.toBe('x')
    })
  }

  it('post_message posts an internal note and a message to followers, each a mail.message in Odoo', async () => {
    const d = deployment()
    const { id } = await quotation(d, 'demo')
    for (const internal of [true, false]) {
      const body = d.unique(internal ? 'note' : 'message')
      const posted = await callTool(ai, 'post_message', { model: 'sale.order', id, body, internal })
      expect(posted.message_id).toEqual(expect.any(Number))
      const [message] = await read(
        d.odooAdmin,
        'mail.message',
        [posted.message_id],
        ['model', 'res_id', 'body', 'subtype_id', 'author_id'],
      )
      expect(message).toMatchObject({ model: 'sale.order', res_id: id })
      expect(message?.body).toContain(body)
      expect(message?.subtype_id[1]).toBe(internal ? 'Note' : 'Discussions')
      // Posted as demo (his partner), not as the service user or admin.
      const [demoUser] = await read(d.odooAdmin, 'res.users', [d.users.demo.uid], ['partner_id'])
      expect(message?.author_id[0]).toBe(demoUser?.partner_id[0])
    }
  })

  it('send_test_email_template creates one mail to the given address only', async () => {
    const d = deployment()
    const template = await partnerTemplate(d)
    const recipient = await customer(d)
    const email_to = `${d
      .unique('test')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '.')}@example.com`
    const sent = await callTool(ai, 'send_test_email_template', {
      template_id: template.id,
      record_id: recipient.id,
      email_to,
    })
    expect(sent).toMatchObject({ template: template.name, email_to, mail_id: expect.any(Number) })
    const [mail] = await read(
      d.odooAdmin,
      'mail.mail',
      [sent.mail_id],
      ['email_to', 'recipient_ids', 'subject'],
    )
    expect(mail).toMatchObject({ email_to, recipient_ids: [] })
    expect(mail?.subject).toBe(`${template.name} subject`)
  })

  it('stage_mass_mailing_from_template stages a draft mailing for a list, with its recipient count', async () => {
    const d = deployment()
    const template = await partnerTemplate(d)
    const list = await mailingList(d, 3)
    const staged = await callTool(ai, 'stage_mass_mailing_from_template', {
      template_id: template.id,
      mailing_list_ids: [list.id],
    })
    expect(staged).toMatchObject({
      state: 'draft',
      recipients: 3,
      sent: false,
      subject: `${template.name} subject`,
    })
    const [mailing] = await read(
      d.odooAdmin,
      'mailing.mailing',
      [staged.mailing_id],
      ['state', 'subject', 'contact_list_ids'],
    )
    expect(mailing).toMatchObject({
      state: 'draft',
      subject: `${template.name} subject`,
      contact_list_ids: [list.id],
    })
  })

  it('stage_mass_mailing_from_template stages a draft mailing for a domain of contacts', async () => {
    const d = deployment()
    const template = await partnerTemplate(d)
    const tag = d.unique('audience')
    for (let i = 0; i < 2; i++) await customer(d, `${tag} member`)
    const staged = await callTool(ai, 'stage_mass_mailing_from_template', {
      template_id: template.id,
      model: 'res.partner',
      domain: [['name', 'ilike', `${tag} member`]],
      subject: 'Spring news',
    })
    expect(staged).toMatchObject({ state: 'draft', recipients: 2, subject: 'Spring news' })
    const [mailing] = await read(
      d.odooAdmin,
      'mailing.mailing',
      [staged.mailing_id],
      ['state', 'mailing_domain'],
    )
    expect(mailing?.state).toBe('draft')
    expect(mailing?.mailing_domain).toContain(`${tag} member`)
  })

  it('a product price is what Odoo computes: the quotation total follows quantity × price', async () => {
    const d = deployment()
    const item = await product(d, 250)
    const { id } = await quotation(d, 'demo', { product: item, quantity: 4 })
    const found = await callTool(ai, 'get_record', { model: 'sale.order', id, fields: ['amount_untaxed'] })
    expect(found.record.amount_untaxed).toBe(1000)
  })
})
