/**
 * Deterministic demo business data in the spirit of Odoo's demo database: customer companies with
 * their contacts, 20 quotations/orders spread over Mitchell Admin and Marc Demo (14 of them Marc's,
 * 12 of those still draft), 20 invoices (posted INV/2026/000NN, drafts "/", a bill, a
 * cancelled one), four mail templates and a mailing list with contacts. Does not create users
 * or reference data (demo-data.ts).
 */
import { insertRow } from './demo-data.js'
import type { Store } from './store.js'

const COMPANIES: readonly [string, string, string, readonly string[]][] = [
  [
    'Azure Interior',
    'Fremont',
    'azure.Interior24@example.com',
    ['Brandon Freeman', 'Colleen Diaz', 'Nicole Ford'],
  ],
  [
    'Deco Addict',
    'Pleasant Hill',
    'deco.addict82@example.com',
    ['Addison Olson', 'Douglas Fletcher', 'Floyd Steward'],
  ],
  [
    'Gemini Furniture',
    'Fairfield',
    'gemini.furniture39@example.com',
    ['Edwin Hansen', 'Jesse Brown', 'Oscar Morgan'],
  ],
  ['Lumber Inc', 'Stockton', 'lumber-inv92@example.com', ['Lorraine Douglas']],
  ['Ready Mat', 'Tracy', 'ready.mat28@example.com', ['Billy Fox', 'Kim Snyder', 'Julie Richards']],
  ['The Jackson Group', 'Sacramento', 'jackson.group82@example.com', ['Toni Jimenez', 'Gordon Owens']],
  ['Wood Corner', 'Turlock', 'wood.corner26@example.com', ['Willie Burke', 'Ron Gibson', 'Edith Sanchez']],
  ['Acme Corporation', 'Brussels', 'info@acme.example.com', ['Ana Pereira', 'Tom Ruiz']],
]
const INDIVIDUALS = ['Chester Reed', 'Sandra Neal', 'Theodore Gardner', 'Travis Mendoza']

function emailOf(name: string): string {
  return `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.com`
}

function partners(store: Store): number[] {
  const customers: number[] = []
  for (const [index, [company, city, email, contacts]] of COMPANIES.entries()) {
    const parent = insertRow(store, 'res.partner', {
      name: company,
      is_company: true,
      email,
      phone: `+1 555-01${String(index).padStart(2, '0')}`,
      city,
      country_id: company === 'Acme Corporation' ? 1 : 2,
      type: 'contact',
      active: true,
      lang: 'en_US',
      customer_rank: 1,
      supplier_rank: company === 'Wood Corner' ? 1 : 0,
    })
    customers.push(parent.id)
    for (const name of contacts) {
      insertRow(store, 'res.partner', {
        name,
        is_company: false,
        parent_id: parent.id,
        email: emailOf(name),
        city,
        country_id: parent.country_id,
        function: 'Purchaser',
        type: 'contact',
        active: true,
        lang: 'en_US',
        customer_rank: 0,
        supplier_rank: 0,
      })
    }
  }
  for (const name of INDIVIDUALS) {
    const row = insertRow(store, 'res.partner', {
      name,
      is_company: false,
      email: emailOf(name),
      type: 'contact',
      active: true,
      lang: 'en_US',
      customer_rank: 1,
      supplier_rank: 0,
    })
    customers.push(row.id)
  }
  return customers
}

const ADMIN = 2
const DEMO = 6

function orders(store: Store, customers: number[]): void {
  // [salesperson, state] for S00001…S00020; Marc Demo's 12 drafts make a batch to delete.
  const plan: [number, string][] = [
    [ADMIN, 'sale'],
    [DEMO, 'sale'],
    [ADMIN, 'sale'],
    [DEMO, 'sent'],
    [ADMIN, 'sent'],
    [ADMIN, 'cancel'],
    [ADMIN, 'draft'],
    [ADMIN, 'sale'],
    ...Array.from({ length: 12 }, (): [number, string] => [DEMO, 'draft']),
  ]
  for (const [index, [user, state]] of plan.entries()) {
    const day = String((index % 27) + 1).padStart(2, '0')
    const customer = customers[index % customers.length] as number
    const order = insertRow(store, 'sale.order', {
      name: `S${String(store.nextSequence('sale.order')).padStart(5, '0')}`,
      partner_id: customer,
      partner_invoice_id: customer,
      user_id: user,
      state,
      locked: false,
      date_order: `2026-01-${day} 10:00:00`,
      validity_date: `2026-02-${day}`,
      company_id: 1,
      currency_id: 1,
      create_uid: user,
      write_uid: user,
    })
    for (let line = 0; line <= index % 3; line++) {
      const product = store.get('product.product', ((index + line * 3) % 8) + 1)
      insertRow(store, 'sale.order.line', {
        order_id: order.id,
        sequence: 10 + line,
        name: product?.name,
        product_id: product?.id,
        product_uom_qty: (index % 4) + 1 + line,
        price_unit: product?.list_price,
        discount: 0,
        tax_id: [1],
      })
    }
  }
}

function invoices(store: Store, customers: number[]): void {
  let posted = 0
  for (let index = 0; index < 20; index++) {
    const day = String((index % 27) + 1).padStart(2, '0')
    const kind = index < 12 ? 'posted' : index < 18 ? 'draft' : index === 18 ? 'bill' : 'cancel'
    const isPosted = kind === 'posted' || kind === 'bill'
    const name =
      kind === 'posted'
        ? `INV/2026/${String(++posted).padStart(5, '0')}`
        : kind === 'bill'
          ? 'BILL/2026/00001'
          : '/'
    const move = insertRow(store, 'account.move', {
      name,
      move_type: kind === 'bill' ? 'in_invoice' : 'out_invoice',
      state: isPosted ? 'posted' : kind === 'cancel' ? 'cancel' : 'draft',
      partner_id: kind === 'bill' ? customers[6] : customers[index % customers.length],
      invoice_user_id: index % 3 === 1 ? DEMO : ADMIN,
      invoice_date: isPosted ? `2026-01-${day}` : false,
      invoice_date_due: isPosted ? `2026-02-${day}` : false,
      date: `2026-01-${day}`,
      journal_id: kind === 'bill' ? 2 : 1,
      currency_id: 1,
      company_id: 1,
      payment_state: isPosted && index % 4 === 0 ? 'paid' : 'not_paid',
      posted_before: isPosted,
      is_move_sent: false,
      auto_post: 'no',
    })
    for (let line = 0; line <= index % 2; line++) {
      const product = store.get('product.product', ((index + line) % 8) + 1)
      insertRow(store, 'account.move.line', {
        move_id: move.id,
        name: product?.name,
        display_type: 'product',
        product_id: product?.id,
        quantity: (index % 3) + 1,
        price_unit: product?.list_price,
        discount: 0,
        tax_ids: kind === 'bill' ? [] : [1],
      })
    }
  }
}

// Subjects and recipients as Odoo 17's own templates write them (captures/13-mail.template-sale-account.txt);
// bodies are shorter, using only the `{{ object.x }}` / `t-out` forms render() understands.
const TEMPLATES: readonly [string, string, string, Record<string, unknown>][] = [
  [
    'sale.email_template_edi_sale',
    'Sales: Send Quotation',
    'sale.order',
    {
      subject: "{{ object.company_id.name }} Quotation (Ref {{ object.name or 'n/a' }})",
      email_from: '{{ (object.user_id.email_formatted or "") }}',
      partner_to: '{{ object.partner_id.id }}',
      body_html:
        '<div><p>Hello <t t-out="object.partner_id.name or \'\'"/>,</p><p>Your quotation <strong t-out="object.name or \'\'"></strong> amounting to <strong t-out="object.amount_total or \'\'"></strong> is ready for review.</p></div>',
    },
  ],
  [
    'account.email_template_edi_invoice',
    'Invoice: Sending',
    'account.move',
    {
      subject: "{{ object.company_id.name }} Invoice (Ref {{ object.name or 'n/a' }})",
      email_from: '{{ (object.invoice_user_id.email_formatted or "") }}',
      partner_to: '{{ object.partner_id.id }}',
      body_html:
        '<div><p>Dear <t t-out="object.partner_id.name or \'\'"/>,</p><p>Here is your invoice <strong t-out="object.name or \'\'"></strong> amounting to <strong t-out="object.amount_total or \'\'"></strong>.</p></div>',
    },
  ],
  [
    'sale.mail_template_sale_cancellation',
    'Sales: Order Cancellation',
    'sale.order',
    {
      subject:
        "{{ object.company_id.name }} {{ object.type_name }} Cancelled (Ref {{ object.name or 'n/a' }})",
      email_from: '{{ (object.user_id.email_formatted or "") }}',
      partner_to: '{{ object.partner_id.id }}',
      body_html:
        '<div><p>Dear <t t-out="object.partner_id.name or \'\'"/>, your order <t t-out="object.name"/> was cancelled.</p></div>',
    },
  ],
  [
    'mail.mail_template_partner_welcome',
    'Contact: Welcome',
    'res.partner',
    {
      subject: 'Welcome, {{ object.name }}',
      email_to: '{{ object.email }}',
      body_html: '<div><p>Welcome <t t-out="object.name or \'\'"/>!</p></div>',
    },
  ],
]

function templates(store: Store): void {
  for (const [xmlid, name, model, values] of TEMPLATES) {
    const modelId = store.rows('ir.model').find((m) => m.model === model)?.id as number
    const template = insertRow(store, 'mail.template', {
      name,
      model_id: modelId,
      active: true,
      auto_delete: true,
      use_default_to: false,
      ...values,
    })
    const [module, xml] = xmlid.split('.') as [string, string]
    store.insert('ir.model.data', {
      module,
      name: xml,
      model: 'mail.template',
      res_id: template.id,
      noupdate: true,
    })
  }
}

function mailingList(store: Store): void {
  const list = insertRow(store, 'mailing.list', { name: 'Newsletter', active: true, is_public: true })
  const names = [
    'Ana Pereira',
    'Brandon Freeman',
    'Colleen Diaz',
    'Edwin Hansen',
    'Julie Richards',
    'Oscar Morgan',
    'Sandra Neal',
    'Willie Burke',
  ]
  for (const [index, name] of names.entries()) {
    const contact = insertRow(store, 'mailing.contact', { name, email: emailOf(name), active: true })
    insertRow(store, 'mailing.subscription', {
      contact_id: contact.id,
      list_id: list.id,
      opt_out: index === names.length - 1,
    })
  }
  insertRow(store, 'mailing.list', { name: 'Partners Event', active: true, is_public: false })
}

export function seedBusiness(store: Store): void {
  const customers = partners(store)
  orders(store, customers)
  invoices(store, customers)
  templates(store)
  mailingList(store)
}
