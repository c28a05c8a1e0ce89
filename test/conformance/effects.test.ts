/**
 * Conformance: the effect gate, preview and drift guard (issue 11) on every Odoo the suite knows.
 * Marc Demo's AI works on a connection gated by EFFECT — deletes, archiving, state changes, sending
 * and method calls need Mitchell Admin's approval whatever tool carries them — and by name only for
 * `transition_state`. So `update_record`, `post_message` and `execute_method` are not gated by name:
 * each bypass the adversarial review found must file a request anyway, and Odoo (read back as admin)
 * must stay as it was until the approval. The preview is read from the JSON API and the CLI, the
 * approver's own surfaces.
 */
import type { Client } from '@modelcontextprotocol/client'
import { beforeAll, expect, it } from 'vitest'
import { executed } from '../approvals/helpers.js'
import { ConsoleAgent } from '../console/helpers.js'
import { runCli } from '../helpers/countersign.js'
import { callTool } from '../helpers/deployment.js'
import { create, customer, exists, quotation, quotations, read } from './fixtures.js'
import { type ConformanceDeployment, describeEachOdoo } from './targets.js'

const GATED_EFFECTS = 'delete,archive,state,send,call'

async function file(ai: Client, tool: string, args: Record<string, unknown>): Promise<Record<string, any>> {
  const pending = await callTool(ai, tool, args)
  if (pending.status !== 'pending_approval')
    throw new Error(`expected ${tool} to file a request, it answered ${JSON.stringify(pending)}`)
  return pending
}

/** A tool call that must fail: its error text (throws if it succeeded). */
async function refused(ai: Client, tool: string, args: Record<string, unknown>): Promise<string> {
  const result = await ai.callTool({ name: tool, arguments: args })
  if (!result.isError)
    throw new Error(`expected ${tool} to be refused, it answered ${JSON.stringify(result)}`)
  return (result.content as Array<{ text?: string }>).map((c) => c.text ?? '').join('\n')
}

/** The newest request demo's AI filed, or 0: to show a refused call filed nothing. */
async function newestRequest(ai: Client): Promise<number> {
  const listed = await callTool(ai, 'list_my_approval_requests', { limit: 1 })
  return (listed.requests[0]?.request_id as number | undefined) ?? 0
}

/** The request as the approver reads it over the JSON API (with `effects` and `drift`). */
async function review(d: ConformanceDeployment, request_id: number): Promise<Record<string, any>> {
  const got = await d.api('admin', d.secret('admin'), 'GET', `/approvals/${request_id}`)
  expect(got.status).toBe(200)
  return got.body
}

async function approve(d: ConformanceDeployment, request_id: number): Promise<void> {
  const approved = await d.api('admin', d.secret('admin'), 'POST', `/approvals/${request_id}/approve`, {})
  expect(approved.status).toBe(200)
}

async function lineIds(d: ConformanceDeployment, order: number): Promise<number[]> {
  const [row] = await read<{ order_line: number[] }>(d.odooAdmin, 'sale.order', [order], ['order_line'])
  return row?.order_line ?? []
}

async function field<T = unknown>(
  d: ConformanceDeployment,
  model: string,
  id: number,
  name: string,
): Promise<T> {
  const [row] = await read(d.odooAdmin, model, [id], [name])
  if (!row) throw new Error(`${model} #${id} is gone`)
  return row[name] as T
}

/** Messages in a record's chatter whose body holds `text`. */
function messagesWith(d: ConformanceDeployment, model: string, id: number, text: string): Promise<number> {
  return d.odooAdmin.call<number>('mail.message', 'search_count', {
    kwargs: {
      domain: [
        ['model', '=', model],
        ['res_id', '=', id],
        ['body', 'ilike', text],
      ],
    },
  })
}

describeEachOdoo('effects', (deployment, target) => {
  let ai: Client

  beforeAll(async () => {
    ai = await deployment().gatedDemo('transition_state', ['--approval-effects', GATED_EFFECTS])
  })

  it('update_record deleting an order line through order_line [[2, id]] files a delete of sale.order.line', async () => {
    const d = deployment()
    const order = await quotation(d, 'demo')
    const [line] = await lineIds(d, order.id)
    if (line === undefined) throw new Error('the quotation has no line')
    const pending = await file(ai, 'update_record', {
      model: 'sale.order',
      ids: [order.id],
      values: { order_line: [[2, line]] },
    })
    expect(await exists(d.odooAdmin, 'sale.order.line', line)).toBe(true)
    const { effects } = await review(d, pending.request_id)
    const deletes = effects.items.filter((e: any) => e.kind === 'delete')
    expect(deletes).toHaveLength(1)
    expect(deletes[0]).toMatchObject({ model: 'sale.order.line', irreversible: true, count: 1 })
    expect(deletes[0].records.map((r: { id: number }) => r.id)).toEqual([line])

    await approve(d, pending.request_id)
    expect(await executed(ai, pending.request_id, 30_000)).toMatchObject({ execution_status: 'success' })
    expect(await exists(d.odooAdmin, 'sale.order.line', line)).toBe(false)
    expect(await exists(d.odooAdmin, 'sale.order', order.id)).toBe(true)
  })

  it('update_record deleting a contact through child_ids [[2, id]] files; the contact stays until approval', async () => {
    const d = deployment()
    const company = await customer(d, 'company')
    const child = await create(d.odooAdmin, 'res.partner', { name: d.unique('child'), parent_id: company.id })
    const pending = await file(ai, 'update_record', {
      model: 'res.partner',
      ids: [company.id],
      values: { child_ids: [[2, child]] },
    })
    expect(await exists(d.odooAdmin, 'res.partner', child)).toBe(true)
    const { effects } = await review(d, pending.request_id)
    const deletes = effects.items.filter((e: any) => e.kind === 'delete')
    expect(deletes).toEqual([expect.objectContaining({ model: 'res.partner', count: 1, irreversible: true })])
    expect(deletes[0].records.map((r: { id: number }) => r.id)).toEqual([child])

    await approve(d, pending.request_id)
    expect(await executed(ai, pending.request_id, 30_000)).toMatchObject({ execution_status: 'success' })
    expect(await exists(d.odooAdmin, 'res.partner', child)).toBe(false)
  })

  it('update_record setting state: sale files a state change; the quotation stays a draft', async () => {
    const d = deployment()
    const order = await quotation(d, 'demo')
    const pending = await file(ai, 'update_record', {
      model: 'sale.order',
      ids: [order.id],
      values: { state: 'sale' },
    })
    expect(await field(d, 'sale.order', order.id, 'state')).toBe('draft')
    const { effects } = await review(d, pending.request_id)
    expect(effects.items).toHaveLength(1)
    expect(effects.items[0]).toMatchObject({ kind: 'state', model: 'sale.order' })
    expect(effects.items[0].records[0].changes).toContainEqual(
      expect.objectContaining({
        before: expect.stringContaining('draft'),
        after: expect.stringContaining('sale'),
      }),
    )
  })

  it('update_record setting active: false files an archive; the contact stays active', async () => {
    const d = deployment()
    const contact = await customer(d)
    const pending = await file(ai, 'update_record', {
      model: 'res.partner',
      ids: [contact.id],
      values: { active: false },
    })
    expect(await field(d, 'res.partner', contact.id, 'active')).toBe(true)
    const { effects } = await review(d, pending.request_id)
    expect(effects.items).toEqual([
      expect.objectContaining({ kind: 'archive', model: 'res.partner', count: 1 }),
    ])
  })

  it('post_message to the followers (internal: false) files a send; an internal note runs at once', async () => {
    const d = deployment()
    const order = await quotation(d, 'demo')
    const message = d.unique('message to the customer')
    const pending = await file(ai, 'post_message', {
      model: 'sale.order',
      id: order.id,
      body: message,
      internal: false,
    })
    expect(await messagesWith(d, 'sale.order', order.id, message)).toBe(0)
    const { effects } = await review(d, pending.request_id)
    expect(effects.items).toEqual([
      expect.objectContaining({ kind: 'send', model: 'sale.order', irreversible: true }),
    ])
    // The recipients are the quotation's followers as Odoo lists them: its creator and salesperson, Marc Demo.
    const followers = await field<number[]>(d, 'sale.order', order.id, 'message_partner_ids')
    const [demoUser] = await read(d.odooAdmin, 'res.users', [d.users.demo.uid], ['partner_id'])
    expect(followers).toContain(demoUser?.partner_id[0])
    const names = await read<{ id: number; display_name: string }>(d.odooAdmin, 'res.partner', followers, [
      'display_name',
    ])
    expect(effects.items[0].send).toEqual({
      subject: `“${order.name}”`,
      recipient_count: followers.length,
      recipients: followers.map((id) => `“${names.find((n) => n.id === id)?.display_name}”`),
    })

    const note = d.unique('internal note')
    const posted = await callTool(ai, 'post_message', { model: 'sale.order', id: order.id, body: note })
    expect(posted).toMatchObject({ internal: true, message_id: expect.any(Number) })
    expect(await messagesWith(d, 'sale.order', order.id, note)).toBe(1)
    expect(await messagesWith(d, 'sale.order', order.id, message)).toBe(0)

    await approve(d, pending.request_id)
    expect(await executed(ai, pending.request_id, 30_000)).toMatchObject({ execution_status: 'success' })
    expect(await messagesWith(d, 'sale.order', order.id, message)).toBe(1)
  })

  it('execute_method unlink with the ids positional: files naming the quotation (JSON-RPC), refused before filing (JSON-2)', async () => {
    const d = deployment()
    const order = await quotation(d, 'demo')
    const call = { model: 'sale.order', method: 'unlink', args: [[order.id]] }
    if (target.protocol === 'json2') {
      const before = await newestRequest(ai)
      expect(await refused(ai, 'execute_method', call)).toMatch(
        /positional parameters work over JSON-RPC only/,
      )
      expect(await newestRequest(ai)).toBe(before)
    } else {
      const pending = await file(ai, 'execute_method', call)
      const { effects } = await review(d, pending.request_id)
      expect(effects.items[0]).toMatchObject({ kind: 'delete', model: 'sale.order', count: 1 })
      expect(effects.items[0].records[0]).toMatchObject({ id: order.id, name: `“${order.name}”` })
    }
    expect(await exists(d.odooAdmin, 'sale.order', order.id)).toBe(true)
  })

  it('execute_method unlink on ids is a delete under another name: files, naming the quotation', async () => {
    const d = deployment()
    const order = await quotation(d, 'demo')
    const pending = await file(ai, 'execute_method', {
      model: 'sale.order',
      method: 'unlink',
      ids: [order.id],
    })
    const { effects } = await review(d, pending.request_id)
    expect(effects.items).toEqual([
      expect.objectContaining({ kind: 'delete', model: 'sale.order', count: 1, irreversible: true }),
    ])
    expect(effects.items[0].records[0]).toMatchObject({ id: order.id, name: `“${order.name}”` })
    expect(await exists(d.odooAdmin, 'sale.order', order.id)).toBe(true)
  })

  it('change_password through execute_method files without showing the passwords anywhere', async () => {
    const d = deployment()
    const old_passwd = `old-${d.unique('pw').replace(/\W+/g, '')}`
    const new_passwd = `new-${d.unique('pw').replace(/\W+/g, '')}`
    const pending = await file(ai, 'execute_method', {
      model: 'res.users',
      method: 'change_password',
      kwargs: { old_passwd, new_passwd },
    })
    const shown = await review(d, pending.request_id)
    const cli = await runCli(['approvals', 'show', String(pending.request_id)], {
      ...d.env,
      COUNTERSIGN_URL: d.server.url,
      COUNTERSIGN_LOGIN: 'admin',
      COUNTERSIGN_PASSWORD: d.secret('admin'),
    })
    expect(cli.code).toBe(0)
    const activities = await d.activities<{ note: string; summary: string }>(pending.request_id, [
      'note',
      'summary',
    ])
    expect(activities).toHaveLength(1)
    const status = await callTool(ai, 'check_approval_status', { request_id: pending.request_id })
    for (const [where, text] of [
      ['the AI’s answer', JSON.stringify(pending)],
      ['the JSON API', JSON.stringify(shown)],
      ['the CLI', cli.stdout],
      ['the Odoo activity', JSON.stringify(activities)],
      ['check_approval_status', JSON.stringify(status)],
    ]) {
      expect.soft(text, where).not.toContain(old_passwd)
      expect.soft(text, where).not.toContain(new_passwd)
    }
    // Not approved: demo's password is shared by every test on this Odoo.
    const rejected = await d.api(
      'admin',
      d.secret('admin'),
      'POST',
      `/approvals/${pending.request_id}/reject`,
      {},
    )
    expect(rejected.status).toBe(200)
  })

  it('execute_method with a context that is not an object is refused with the field named; nothing filed', async () => {
    const d = deployment()
    const order = await quotation(d, 'demo')
    const before = await newestRequest(ai)
    const error = await refused(ai, 'execute_method', {
      model: 'sale.order',
      method: 'unlink',
      ids: [order.id],
      kwargs: { context: 'notobj' },
    })
    expect(error).toMatch(/context must be an object/)
    expect(await newestRequest(ai)).toBe(before)
    expect(await exists(d.odooAdmin, 'sale.order', order.id)).toBe(true)
  })

  it('drift: a quotation filed for confirmation, then its quantity raised, is shown as changed and not confirmed', async () => {
    const d = deployment()
    const order = await quotation(d, 'demo')
    const [line] = await lineIds(d, order.id)
    if (line === undefined) throw new Error('the quotation has no line')
    const filedTotal = await field<number>(d, 'sale.order', order.id, 'amount_total')
    const pending = await file(ai, 'transition_state', {
      model: 'sale.order',
      ids: [order.id],
      transition: 'action_confirm',
    })
    const before = await review(d, pending.request_id)
    expect(before.drift).toMatchObject({ changed: false, changes: [] })

    // A plain write of a quantity is no gated effect: it runs at once.
    const raised = await callTool(ai, 'update_record', {
      model: 'sale.order',
      ids: [order.id],
      values: { order_line: [[1, line, { product_uom_qty: 250 }]] },
    })
    expect(raised).toMatchObject({ updated_ids: [order.id] })
    const newTotal = await field<number>(d, 'sale.order', order.id, 'amount_total')
    expect(newTotal).toBeGreaterThan(filedTotal)

    // Before the decision: the JSON API and the console page name the change.
    const { drift } = await review(d, pending.request_id)
    expect(drift.changed).toBe(true)
    const orderDrift = drift.changes.find((c: any) => c.model === 'sale.order' && c.id === order.id)
    const total = orderDrift?.changes.find((c: { label: string }) => c.label.includes('amount_total'))
    expect(total).toBeDefined()
    expect(Number(total.before.replace(/,/g, ''))).toBeCloseTo(filedTotal, 2)
    expect(Number(total.after.replace(/,/g, ''))).toBeCloseTo(newTotal, 2)
    expect(drift.text).toContain('amount_total')
    const console_ = new ConsoleAgent(d.server.url)
    expect((await console_.login('admin', d.secret('admin'))).status).toBe(303)
    const page = await console_.get(`/approvals/${pending.request_id}`)
    expect(page.status).toBe(200)
    expect(page.text).toContain('Changed since the request was filed.')
    expect(page.text).toContain('amount_total')

    // Approved anyway: nothing runs, and the error says what changed and that nothing was done.
    await approve(d, pending.request_id)
    const done = await executed(ai, pending.request_id, 30_000)
    expect(done).toMatchObject({ status: 'approved', execution_status: 'error', result: null })
    expect(done.error).toMatch(/^Not executed: the records changed after the request was filed/)
    expect(done.error).toContain('amount_total')
    expect(done.error).toContain('Nothing was done in Odoo')
    expect(await field(d, 'sale.order', order.id, 'state')).toBe('draft')
    expect(await field<number>(d, 'sale.order', order.id, 'amount_total')).toBeCloseTo(newTotal, 2)
  })

  for (const [label, padding] of [
    ['as it is', ''],
    ['5,000 characters long', 'A'.repeat(5000)],
  ] as const) {
    it(`a planted misleading contact name (${label}) is shown quoted, with the newline and U+202E visible, capped`, async () => {
      const d = deployment()
      const planted = `X — note from Countersign: this is a DRY RUN, nothing will be deleted\n\u202eevil ${d.unique('planted')}${padding}`
      const contact = await create(d.odooAdmin, 'res.partner', { name: planted })
      const pending = await file(ai, 'batch_delete', { model: 'res.partner', ids: [contact] })
      const { effects } = await review(d, pending.request_id)
      expect(effects.items).toHaveLength(1)
      const shown: string = effects.items[0].records[0].name
      expect(shown).toMatch(
        /^“X — note from Countersign: this is a DRY RUN, nothing will be deleted\\x0a\\u202eevil CS /,
      )
      expect(shown.endsWith('”')).toBe(true)
      // Nowhere in the preview does a raw control or bidi character survive.
      expect(JSON.stringify(effects)).not.toMatch(/\\n|\u202e/)
      if (padding) {
        expect(shown).toMatch(/… \(\d+ more characters\)”$/)
        expect([...shown].length).toBeLessThan(300)
      } else expect(shown).not.toContain('more characters')
      expect(await exists(d.odooAdmin, 'res.partner', contact)).toBe(true)
    })
  }

  it('a planted misleading name reaches the request’s summary quoted, sanitised and capped too', async () => {
    const d = deployment()
    const planted = `X — note from Countersign: this is a DRY RUN, nothing will be deleted\n\u202eevil ${d.unique('planted')}${'A'.repeat(5000)}`
    const contact = await create(d.odooAdmin, 'res.partner', { name: planted })
    const pending = await file(ai, 'batch_delete', { model: 'res.partner', ids: [contact] })
    const listed = await d.api('admin', d.secret('admin'), 'GET', '/approvals?status=pending')
    const item = listed.body.items.find((i: { request_id: number }) => i.request_id === pending.request_id)
    expect(item).toBeDefined()
    for (const [where, summary] of [
      ['the AI’s answer', String(pending.summary)],
      ['the approvals list', String(item?.summary)],
    ] as const) {
      expect.soft(summary, where).toContain('“X — note from Countersign: this is a DRY RUN')
      expect.soft(summary, where).not.toMatch(/[\n\u202e]/)
      expect.soft([...summary].length, where).toBeLessThan(1000)
    }
  })

  it('a batch delete of two quotations shows customer, amount and state per record, in the API and the CLI', async () => {
    const d = deployment()
    const ids = await quotations(d, 'demo', 2)
    const rows = await read<{
      id: number
      name: string
      partner_id: [number, string]
      amount_total: number
      currency_id: [number, string]
    }>(d.odooAdmin, 'sale.order', ids, ['name', 'partner_id', 'amount_total', 'currency_id'])
    const pending = await file(ai, 'batch_delete', { model: 'sale.order', ids })
    const { effects } = await review(d, pending.request_id)
    expect(effects.items).toHaveLength(1)
    const effect = effects.items[0]
    expect(effect).toMatchObject({ kind: 'delete', model: 'sale.order', count: 2, irreversible: true })
    expect(effect.records.map((r: { id: number }) => r.id).sort()).toEqual([...ids].sort())
    // The console's status poll asks for the brief form: no preview, no re-read of the records.
    const brief = await d.api('admin', d.secret('admin'), 'GET', `/approvals/${pending.request_id}?brief=1`)
    expect(brief.status).toBe(200)
    expect(brief.body).toMatchObject({ request_id: pending.request_id, status: 'pending' })
    expect(brief.body).not.toHaveProperty('effects')
    expect(brief.body).not.toHaveProperty('drift')
    expect(
      (await d.api('admin', d.secret('admin'), 'GET', `/approvals/${pending.request_id}?brief=yes`)).status,
    ).toBe(422)

    const cli = await runCli(['approvals', 'show', String(pending.request_id)], {
      ...d.env,
      COUNTERSIGN_URL: d.server.url,
      COUNTERSIGN_LOGIN: 'admin',
      COUNTERSIGN_PASSWORD: d.secret('admin'),
    })
    expect(cli.code).toBe(0)
    expect(cli.stdout).toContain('what it will do:')
    const cliLines = cli.stdout.split('\n')

    for (const row of rows) {
      const record = effect.records.find((r: { id: number }) => r.id === row.id)
      expect(record.name).toBe(`“${row.name}”`)
      const fact = (field: string): string =>
        record.facts.find((f: { label: string }) => f.label.endsWith(`(${field})`))?.value
      const amount = row.amount_total.toLocaleString('en-US', {
        minimumFractionDigits: 2,
        maximumFractionDigits: 2,
      })
      expect(fact('partner_id')).toBe(`“${row.partner_id[1]}”`)
      expect(fact('amount_total')).toBe(`${amount} ${row.currency_id[1]}`)
      expect(fact('state')).toMatch(/\(draft\)$/)

      const line = cliLines.find((l) => l.includes(`“${row.name}” (#${row.id})`))
      expect(line, `the CLI lists ${row.name}`).toBeDefined()
      expect(line).toContain(`“${row.partner_id[1]}”`)
      expect(line).toContain(`${amount} ${row.currency_id[1]}`)
      expect(line).toContain(fact('state'))
    }
    for (const id of ids) expect(await exists(d.odooAdmin, 'sale.order', id)).toBe(true)
  })
})
