/**
 * Chatter, templates, activities and mass mailing as Odoo 17 answers them over JSON-RPC
 * (facts.md §13–§15 and the captures named below).
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

async function xmlid(module: string, name: string): Promise<number> {
  const [, id] = await ok<[string, number]>(
    executeKw(sandbox, 'admin', 'ir.model.data', 'check_object_reference', [module, name]),
  )
  return id
}

async function firstOrder(login: string, domain: unknown[] = []): Promise<number> {
  const [id] = await ok<number[]>(
    executeKw(sandbox, login, 'sale.order', 'search', [domain], { limit: 1, order: 'id' }),
  )
  return id as number
}

describe('mail.template send_mail (13-send_mail-*.txt)', () => {
  it('creates an outgoing mail.mail to the given address, plus the template partners, and answers its id', async () => {
    const template = await xmlid('sale', 'mail_template_sale_cancellation')
    const order = await firstOrder('admin', [['state', '=', 'sale']])
    sandbox.resetWrites()
    const mailId = await ok<number>(
      executeKw(sandbox, 'admin', 'mail.template', 'send_mail', [[template], order], {
        force_send: false,
        email_values: { email_to: 'ana@example.com' },
      }),
    )
    const [order_] = await ok<{ name: string; partner_id: [number, string] }[]>(
      executeKw(sandbox, 'admin', 'sale.order', 'read', [[order], ['name', 'partner_id']]),
    )
    const [mail] = await ok<Record<string, unknown>[]>(
      executeKw(sandbox, 'admin', 'mail.mail', 'read', [[mailId]], {
        fields: [
          'subject',
          'email_to',
          'email_from',
          'recipient_ids',
          'model',
          'res_id',
          'state',
          'message_type',
        ],
      }),
    )
    expect(mail).toEqual({
      id: mailId,
      subject: `YourCompany Sales Order Cancelled (Ref ${order_?.name})`, // 13-mail.mail-read-after-send_mail.txt
      email_to: 'ana@example.com',
      email_from: '"Mitchell Admin" <admin@yourcompany.example.com>',
      recipient_ids: [order_?.partner_id[0]],
      model: 'sale.order',
      res_id: order,
      state: 'outgoing',
      message_type: 'email_outgoing',
    })
    expect(sandbox.writes()).toEqual({
      received: { 'mail.template.send_mail': 1 },
      applied: { 'mail.template.send_mail': 1 },
    })
  })

  it('renders the record into subject and body', async () => {
    const template = await xmlid('sale', 'email_template_edi_sale')
    const order = await firstOrder('admin')
    const mailId = await ok<number>(
      executeKw(sandbox, 'admin', 'mail.template', 'send_mail', [[template], order]),
    )
    const [mail] = await ok<{ subject: string; body_html: string }[]>(
      executeKw(sandbox, 'admin', 'mail.mail', 'read', [[mailId], ['subject', 'body_html']]),
    )
    expect(mail?.subject).toBe('YourCompany Quotation (Ref S00001)')
    expect(mail?.body_html).toContain('<strong>S00001</strong>')
  })

  it('checks the sender may read the document, and only one template at a time', async () => {
    const template = await xmlid('sale', 'email_template_edi_sale')
    const adminOrder = await firstOrder('admin', [['user_id', '=', 2]])
    expect(
      (await fails(executeKw(sandbox, 'demo', 'mail.template', 'send_mail', [[template], adminOrder])))
        .message,
    ).toMatch(/^Uh-oh! .*doesn't have 'read' access to:\n- Sales Order \(sale\.order\)/s)
    expect(
      (await fails(executeKw(sandbox, 'restricted', 'mail.template', 'send_mail', [[template], adminOrder])))
        .message,
    ).toMatch(/^You are not allowed to access 'Sales Order' \(sale\.order\) records\./)
    const invoiceTemplate = await xmlid('account', 'email_template_edi_invoice')
    expect(
      await fails(
        executeKw(sandbox, 'admin', 'mail.template', 'send_mail', [[template, invoiceTemplate], adminOrder]),
      ),
    ).toMatchObject({
      name: 'builtins.ValueError',
      message: `Expected singleton: mail.template(${template}, ${invoiceTemplate})`,
    })
    expect(
      await fails(executeKw(sandbox, 'admin', 'mail.template', 'send_mail', [[template], 999999])),
    ).toMatchObject({
      name: 'odoo.exceptions.MissingError',
      message: 'Record does not exist or has been deleted.\n(Record: sale.order(999999,), User: 2)',
    })
  })

  it('keeps mail.mail for Settings users only (13-mail.mail-read-demo.txt)', async () => {
    expect((await fails(executeKw(sandbox, 'demo', 'mail.mail', 'search_read', [[]]))).message).toBe(
      "You are not allowed to access 'Outgoing Mails' (mail.mail) records.\n\nThis operation is allowed for the following groups:\n\t- Administration/Settings\n\nContact your administrator to request access if necessary.",
    )
  })
})

describe('message_post (15-*.txt)', () => {
  it('is keyword-only, answers the message id and escapes a plain-text body', async () => {
    const order = await firstOrder('admin')
    const id = await ok<number>(
      executeKw(sandbox, 'admin', 'sale.order', 'message_post', [[order]], {
        body: '<b>Bold</b> & <i>html</i>',
      }),
    )
    const [message] = await ok<Record<string, unknown>[]>(
      executeKw(sandbox, 'admin', 'mail.message', 'read', [[id]], {
        fields: ['model', 'res_id', 'message_type', 'subtype_id', 'body', 'author_id', 'is_internal'],
      }),
    )
    expect(message).toEqual({
      id,
      model: 'sale.order',
      res_id: order,
      message_type: 'notification',
      subtype_id: [await xmlid('mail', 'mt_note'), 'Note'],
      body: '<p>&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;i&gt;html&lt;/i&gt;</p>',
      author_id: [3, 'YourCompany, Mitchell Admin'],
      is_internal: false,
    })
    expect(
      await fails(executeKw(sandbox, 'admin', 'sale.order', 'message_post', [[order], 'positional body'])),
    ).toMatchObject({
      name: 'builtins.TypeError',
      message: 'SaleOrder.message_post() takes 1 positional argument but 2 were given',
    })
  })

  it('needs the document write right (restricted: "modify"; demo on a foreign order: the message error)', async () => {
    const adminOrder = await firstOrder('admin', [['user_id', '=', 2]])
    expect(
      (
        await fails(
          executeKw(sandbox, 'restricted', 'sale.order', 'message_post', [[adminOrder]], { body: 'x' }),
        )
      ).message,
    ).toBe(
      "You are not allowed to modify 'Sales Order' (sale.order) records.\n\nThis operation is allowed for the following groups:\n\t- Invoicing/Billing\n\t- Sales/Administrator\n\t- Sales/User: Own Documents Only\n\t- Technical/Show Full Accounting Features\n\nContact your administrator to request access if necessary.",
    )
    const error = await fails(
      executeKw(sandbox, 'demo', 'sale.order', 'message_post', [[adminOrder]], { body: 'x' }),
    )
    expect(error.message).toMatch(
      /^The requested operation cannot be completed due to security restrictions\. Please contact your system administrator\.\n\n\(Document type: Message, Operation: create\) - \(Records: \[\d+\], User: 6\)$/,
    )
    const own = await firstOrder('demo')
    expect(
      typeof (await ok(executeKw(sandbox, 'demo', 'sale.order', 'message_post', [[own]], { body: 'mine' }))),
    ).toBe('number')
  })
})

describe('mail.activity (14-*.txt)', () => {
  it('creates a To-Do on a document and completes it with a chatter message', async () => {
    const order = await firstOrder('demo')
    const modelId = (
      await ok<[string, number]>(
        executeKw(sandbox, 'demo', 'ir.model.data', 'check_object_reference', ['sale', 'model_sale_order']),
      )
    )[1]
    const todo = await xmlid('mail', 'mail_activity_data_todo')
    const id = await ok<number>(
      executeKw(sandbox, 'admin', 'mail.activity', 'create', [
        {
          res_model_id: modelId,
          res_id: order,
          activity_type_id: todo,
          summary: 'Review approval 42',
          note: '<p>Please check</p>',
          user_id: 6,
        },
      ]),
    )
    const [activity] = await ok<Record<string, unknown>[]>(
      executeKw(sandbox, 'demo', 'mail.activity', 'read', [[id]], {
        fields: ['res_model', 'res_name', 'activity_type_id', 'user_id', 'summary'],
      }),
    )
    expect(activity).toMatchObject({
      res_model: 'sale.order',
      activity_type_id: [todo, 'To-Do'],
      user_id: [6, 'Marc Demo'],
      summary: 'Review approval 42',
    })
    const messageId = await ok<number>(
      executeKw(sandbox, 'demo', 'mail.activity', 'action_feedback', [[id]], {
        feedback: 'Approved by demo',
      }),
    )
    expect(await ok(executeKw(sandbox, 'admin', 'mail.activity', 'read', [[id], ['summary']]))).toEqual([])
    const [message] = await ok<{ body: string; subtype_id: [number, string] }[]>(
      executeKw(sandbox, 'admin', 'mail.message', 'read', [[messageId], ['body', 'subtype_id']]),
    )
    expect(message?.subtype_id[1]).toBe('Activities')
    expect(message?.body).toContain('<span>To-Do</span> done')
    expect(message?.body).toContain('Approved by demo')
  })

  it('needs res_model_id, and an assignee who can read the model (14-create-*.txt)', async () => {
    expect(
      (
        await fails(
          executeKw(sandbox, 'admin', 'mail.activity', 'create', [{ res_model: 'sale.order', res_id: 1 }]),
        )
      ).message,
    ).toBe(
      'The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: Activity (mail.activity)\nField: Document Model (res_model_id)\n',
    )
    const modelId = (
      await ok<[string, number]>(
        executeKw(sandbox, 'admin', 'ir.model.data', 'check_object_reference', ['sale', 'model_sale_order']),
      )
    )[1]
    expect(
      (
        await fails(
          executeKw(sandbox, 'admin', 'mail.activity', 'create', [
            { res_model_id: modelId, res_id: 1, user_id: 8 },
          ]),
        )
      ).message,
    ).toBe(
      'Assigned user Restricted User has no access to the document and is not able to handle this activity.',
    )
    const adminOrder = await firstOrder('admin', [['user_id', '=', 2]])
    expect(
      (
        await fails(
          executeKw(sandbox, 'demo', 'mail.activity', 'create', [
            { res_model_id: modelId, res_id: adminOrder },
          ]),
        )
      ).message,
    ).toBe(
      "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\nSorry, Marc Demo (id=6) doesn't have 'create' access to:\n- Activity (mail.activity)\n\nIf you really, really need access, perhaps you can win over your friendly administrator with a batch of freshly baked cookies.",
    )
  })

  it('activity_schedule answers the recordset repr over JSON-RPC (14-activity_schedule-rpc.txt)', async () => {
    const order = await firstOrder('admin')
    const result = await ok<string>(
      executeKw(sandbox, 'admin', 'sale.order', 'activity_schedule', [[order]], {
        act_type_xmlid: 'mail.mail_activity_data_todo',
        summary: 's',
        user_id: 6,
      }),
    )
    expect(result).toMatch(/^mail\.activity\(\d+,\)$/)
  })
})

describe('mass mailing (13-mailing.*.txt)', () => {
  it('stages a draft mailing on a list and queues it', async () => {
    const [list] = await ok<{ id: number; display_name: string; contact_count: number }[]>(
      executeKw(sandbox, 'admin', 'mailing.list', 'search_read', [[['name', '=', 'Newsletter']]], {
        fields: ['display_name', 'contact_count'],
      }),
    )
    expect(list?.display_name).toBe(`Newsletter (${list?.contact_count})`)
    const id = await ok<number>(
      executeKw(sandbox, 'admin', 'mailing.mailing', 'create', [
        { subject: 'Spring news', body_html: '<p>Hello</p>', contact_list_ids: [[6, 0, [list?.id]]] },
      ]),
    )
    const [mailing] = await ok<Record<string, unknown>[]>(
      executeKw(sandbox, 'admin', 'mailing.mailing', 'read', [[id]], {
        fields: [
          'name',
          'state',
          'mailing_model_real',
          'mailing_domain',
          'reply_to_mode',
          'email_from',
          'user_id',
          'total',
        ],
      }),
    )
    // `total` counts the domain's records, opted-out contacts included (mailing.py `_compute_total`).
    expect(mailing?.total).toBe(list?.contact_count)
    expect(mailing).toMatchObject({
      state: 'draft',
      mailing_model_real: 'mailing.contact',
      mailing_domain: `[('list_ids', 'in', [${list?.id}])]`,
      reply_to_mode: 'new',
      email_from: '"Mitchell Admin" <admin@yourcompany.example.com>',
      user_id: [2, 'Mitchell Admin'],
    })
    expect(mailing?.name).toMatch(/^Spring news \(Mass Mailing created on \d{4}-\d{2}-\d{2}\)$/)
    const queued = await executeKw(sandbox, 'admin', 'mailing.mailing', 'action_put_in_queue', [[id]])
    expect('result' in queued).toBe(false)
    const [after] = await ok<{ state: string }[]>(
      executeKw(sandbox, 'admin', 'mailing.mailing', 'read', [[id], ['state']]),
    )
    expect(after?.state).toBe('in_queue')
  })

  it('is refused to users without Email Marketing (13-mailing.mailing-create-restricted.txt)', async () => {
    expect(
      (await fails(executeKw(sandbox, 'restricted', 'mailing.mailing', 'create', [{ subject: 'x' }])))
        .message,
    ).toBe(
      "You are not allowed to create 'Mass Mailing' (mailing.mailing) records.\n\nThis operation is allowed for the following groups:\n\t- Administration/Settings\n\t- Email Marketing/User\n\nContact your administrator to request access if necessary.",
    )
  })

  it('keeps list membership and opt-out on subscriptions', async () => {
    const [list] = await ok<number[]>(
      executeKw(sandbox, 'admin', 'mailing.list', 'search', [[['name', '=', 'Newsletter']]]),
    )
    const contact = await ok<number>(
      executeKw(sandbox, 'admin', 'mailing.contact', 'create', [
        { name: 'Zoe', email: 'zoe@example.com', list_ids: [[4, list]] },
      ]),
    )
    const [row] = await ok<{ list_ids: number[]; opt_out: boolean }[]>(
      executeKw(sandbox, 'admin', 'mailing.contact', 'read', [[contact], ['list_ids', 'opt_out']]),
    )
    expect(row).toMatchObject({ list_ids: [list], opt_out: false })
    const optedOut = await ok<number[]>(
      executeKw(sandbox, 'admin', 'mailing.contact', 'search', [[['opt_out', '=', true]]], {
        context: { default_list_ids: [list] },
      }),
    )
    expect(optedOut.length).toBeGreaterThan(0)
    expect(optedOut).not.toContain(contact)
  })
})
