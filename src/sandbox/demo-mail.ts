/**
 * Demo mail data: the mail templates Countersign's tools use (with the ids and xml ids a real 17
 * database gives them) plus a partner welcome template, and the demo mailing lists and contacts.
 * Deterministic. Does not create activity types or subtypes (demo-reference.ts).
 */
import { insertRow } from './demo-data.js'
import type { Store } from './store.js'

// Subjects and recipients as Odoo 17's own templates write them (captures/13-mail.template-sale-account.txt);
// bodies are shorter, using only the `{{ object.x }}` / `t-out` forms render() understands.
// [id (as in a real 17 database where it exists there), xml id, name, model, values]
const TEMPLATES: readonly [number, string, string, string, Record<string, unknown>][] = [
  [
    10,
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
    7,
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
    13,
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
    14,
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
  for (const [id, xmlid, name, model, values] of TEMPLATES) {
    const modelId = store.rows('ir.model').find((m) => m.model === model)?.id as number
    const template = insertRow(
      store,
      'mail.template',
      {
        name,
        model_id: modelId,
        active: true,
        auto_delete: true,
        use_default_to: false,
        ...values,
      },
      id,
    )
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

// The mailing lists and contacts of a real 17 demo database (facts.md §13): Newsletter holds all
// seven contacts, two of them opted out; Imported Contacts holds two.
const CONTACTS: readonly [string, string][] = [
  ['Mitchell Admin', 'admin@yourcompany.example.com'],
  ['Aristide Antario', 'alexandre.antario@example.com'],
  ['Beverly Bridge', 'beverly.bridge@example.com'],
  ['Carol Cartridge', 'carol.cartridge@example.com'],
  ['David Dawson', 'david.dawson@example.com'],
  ['Elsa Ericson', 'elsa.ericson@example.com'],
  ['Franz Faubourg', 'franz.faubourg@example.com'],
]

function mailingLists(store: Store): void {
  const newsletter = insertRow(store, 'mailing.list', { name: 'Newsletter', active: true, is_public: true })
  const imported = insertRow(store, 'mailing.list', {
    name: 'Imported Contacts',
    active: true,
    is_public: false,
  })
  const ids = CONTACTS.map(
    ([name, email]) =>
      insertRow(store, 'mailing.contact', {
        name,
        email,
        active: true,
        is_blacklisted: name === 'Elsa Ericson',
      }).id,
  )
  for (const [index, id] of ids.entries()) {
    insertRow(store, 'mailing.subscription', {
      contact_id: id,
      list_id: newsletter.id,
      opt_out: index === 4 || index === 6,
    })
  }
  for (const index of [3, 6])
    insertRow(store, 'mailing.subscription', { contact_id: ids[index], list_id: imported.id, opt_out: false })
}

export function seedMail(store: Store): void {
  templates(store)
  mailingLists(store)
}
