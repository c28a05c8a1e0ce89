/**
 * Issue 3 acceptance: the official v2 client, in both protocol eras, over Streamable HTTP and over
 * stdio, against `countersign serve` / `countersign stdio` and the sandbox Odoo. tools/list follows
 * each connection's policy; every tool runs and its effect is checked in the sandbox's own data;
 * the same write as `restricted` comes back as a tool error carrying Odoo's access message.
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOdooClient } from '../../src/odoo/index.js'
import type { OdooSession } from '../../src/odoo/types.js'
import { type SandboxOdoo, startSandboxOdoo } from '../../src/sandbox/index.js'
import {
  Cleanups,
  countersignEnv,
  createConnection,
  type Era,
  mcpHttpClient,
  mcpStdioClient,
  startServe,
  tempSqlite,
} from '../helpers/countersign.js'
import { APPROVAL_TOOLS, READ_TOOLS, WRITE_TOOLS } from '../helpers/tool-names.js'

type Structured = Record<string, any>

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<Structured> {
  const result = await client.callTool({ name, arguments: args })
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`)
  return result.structuredContent as Structured
}

const combos: Array<[transport: 'http' | 'stdio', era: Era]> = [
  ['http', 'legacy'],
  ['http', 'modern'],
  ['stdio', 'legacy'],
  ['stdio', 'modern'],
]

describe.each(combos)('MCP over %s, %s era', (transport, era) => {
  const cleanups = new Cleanups()
  let sandbox: SandboxOdoo
  let admin: OdooSession
  let connect: (token: string) => Promise<Client>
  const tokens: Record<'writer' | 'reader' | 'restricted', string> = {
    writer: '',
    reader: '',
    restricted: '',
  }

  beforeAll(async () => {
    sandbox = await startSandboxOdoo()
    cleanups.push(() => sandbox.close())
    const odoo = createOdooClient({
      url: sandbox.url,
      db: sandbox.db,
      protocol: 'jsonrpc',
      timeout_ms: 10_000,
    })
    cleanups.push(() => odoo.close())
    admin = await odoo.authenticate({ login: 'admin', secret: 'admin' })
    const env = countersignEnv(sandbox, tempSqlite())
    tokens.writer = (
      await createConnection(env, { user: 'demo', key: sandbox.user('demo').api_key, args: ['--write'] })
    ).token
    tokens.reader = (await createConnection(env, { user: 'demo', key: sandbox.user('demo').api_key })).token
    tokens.restricted = (
      await createConnection(env, {
        user: 'restricted',
        key: sandbox.user('restricted').api_key,
        args: ['--write'],
      })
    ).token
    if (transport === 'http') {
      const server = await startServe(env, cleanups)
      connect = (token) => mcpHttpClient(server.url, token, era, cleanups)
    } else {
      connect = (token) => mcpStdioClient(env, token, era, cleanups)
    }
  })
  afterAll(() => cleanups.run())

  it('lists tools by policy: a read-only connection lists no write tool', async () => {
    const reader = await connect(tokens.reader)
    const readNames = (await reader.listTools()).tools.map((t) => t.name)
    expect(readNames.sort()).toEqual([...READ_TOOLS, ...APPROVAL_TOOLS].sort())
    // A hidden tool cannot be called either.
    await expect(
      reader.callTool({ name: 'delete_record', arguments: { model: 'res.partner', id: 1 } }),
    ).rejects.toThrow(/not found/)

    const writer = await connect(tokens.writer)
    const tools = (await writer.listTools()).tools
    expect(tools.map((t) => t.name).sort()).toEqual([...READ_TOOLS, ...WRITE_TOOLS, ...APPROVAL_TOOLS].sort())
    const byName = new Map(tools.map((t) => [t.name, t]))
    expect(byName.get('search_read')?.annotations).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
    })
    expect(byName.get('batch_delete')?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
    })
    expect(byName.get('create_record')?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
    })
    expect(byName.get('search_read')?.inputSchema).toMatchObject({ type: 'object', required: ['model'] })
  })

  it('runs every read tool as the connection’s user', async () => {
    const client = await connect(tokens.writer)
    const models = await call(client, 'list_models', { search: 'sale' })
    expect(models.models.map((m: { model: string }) => m.model)).toContain('sale.order')

    const described = await call(client, 'describe_model', {
      model: 'sale.order',
      fields: ['state', 'partner_id'],
    })
    expect(described.fields.state.type).toBe('selection')
    expect(described.fields.partner_id.relation).toBe('res.partner')

    // demo is a salesman: he sees only his own orders (and those without a salesperson), as Odoo's rule says.
    const count = await call(client, 'count_records', { model: 'sale.order' })
    const adminCount = await admin.call<number>('sale.order', 'search_count', { kwargs: { domain: [] } })
    const demoCount = await admin.call<number>('sale.order', 'search_count', {
      kwargs: { domain: ['|', ['user_id', '=', 6], ['user_id', '=', false]] },
    })
    expect(count.count).toBe(demoCount)
    expect(count.count).toBeLessThan(adminCount)

    const found = await call(client, 'search_read', {
      model: 'res.partner',
      domain: [['is_company', '=', true]],
      fields: ['name'],
      limit: 5,
      order: 'name asc',
    })
    const expected = await admin.call<Array<{ name: string }>>('res.partner', 'search_read', {
      kwargs: { domain: [['is_company', '=', true]], fields: ['name'], limit: 5, order: 'name asc' },
    })
    expect(found.records.map((r: { name: string }) => r.name)).toEqual(expected.map((r) => r.name))

    const first = expected[0] as unknown as { id: number; name: string }
    const record = await call(client, 'get_record', { model: 'res.partner', id: first.id, fields: ['name'] })
    expect(record.record.name).toBe(first.name)

    const [order] = await admin.call<Array<{ id: number }>>('sale.order', 'search_read', {
      kwargs: {
        domain: [
          ['user_id', '=', 6],
          ['state', '=', 'draft'],
        ],
        fields: ['id'],
        limit: 1,
      },
    })
    const state = await call(client, 'get_workflow_state', { model: 'sale.order', id: order?.id })
    expect(state.state).toBe('draft')
    expect(state.transitions.map((t: { method: string }) => t.method)).toEqual([
      'action_confirm',
      'action_cancel',
    ])
  })

  it('runs every write tool as the connection’s user and changes the sandbox accordingly', async () => {
    const client = await connect(tokens.writer)
    sandbox.resetWrites()

    const created = await call(client, 'create_record', {
      model: 'res.partner',
      values: { name: `MCP ${transport} ${era}`, email: 'mcp@example.com' },
    })
    const [row] = await admin.call<Array<{ name: string; create_uid: [number, string] }>>(
      'res.partner',
      'read',
      {
        ids: [created.id],
        kwargs: { fields: ['name', 'create_uid'] },
      },
    )
    expect(row?.name).toBe(`MCP ${transport} ${era}`)
    expect(row?.create_uid[0]).toBe(6) // created as demo, not as some service account

    await call(client, 'update_record', {
      model: 'res.partner',
      ids: [created.id],
      values: { phone: '+32 2 555 01 01' },
    })
    const [updated] = await admin.call<Array<{ phone: string }>>('res.partner', 'read', {
      ids: [created.id],
      kwargs: { fields: ['phone'] },
    })
    expect(updated?.phone).toBe('+32 2 555 01 01')

    await call(client, 'post_message', { model: 'res.partner', id: created.id, body: 'Called the customer.' })
    const messages = await admin.call<Array<{ body: string; author_id: [number, string] }>>(
      'mail.message',
      'search_read',
      {
        kwargs: {
          domain: [
            ['model', '=', 'res.partner'],
            ['res_id', '=', created.id],
          ],
          fields: ['body', 'author_id'],
        },
      },
    )
    expect(messages.some((m) => m.body.includes('Called the customer.'))).toBe(true)

    await call(client, 'delete_record', { model: 'res.partner', id: created.id })
    expect(
      await admin.call('res.partner', 'search_count', { kwargs: { domain: [['id', '=', created.id]] } }),
    ).toBe(0)

    const drafts = await admin.call<Array<{ id: number }>>('sale.order', 'search_read', {
      kwargs: {
        domain: [
          ['user_id', '=', 6],
          ['state', '=', 'draft'],
        ],
        fields: ['id'],
        limit: 3,
      },
    })
    const [toConfirm, toSend, toMail] = drafts.map((d) => d.id) as [number, number, number]
    const moved = await call(client, 'transition_state', {
      model: 'sale.order',
      ids: [toConfirm],
      transition: 'action_confirm',
    })
    expect(moved.records[0].state).toBe('sale')
    const refused = await client.callTool({
      name: 'transition_state',
      arguments: { model: 'sale.order', ids: [toConfirm], transition: 'action_confirm' },
    })
    expect(refused.isError).toBe(true)
    expect(JSON.stringify(refused.content)).toContain("is in state 'sale'")

    await call(client, 'execute_method', {
      model: 'sale.order',
      method: 'action_quotation_sent',
      ids: [toSend],
    })
    const [sent] = await admin.call<Array<{ state: string }>>('sale.order', 'read', {
      ids: [toSend],
      kwargs: { fields: ['state'] },
    })
    expect(sent?.state).toBe('sent')

    const [template] = await admin.call<Array<{ id: number }>>('mail.template', 'search_read', {
      kwargs: { domain: [['model', '=', 'sale.order']], fields: ['id'], limit: 1 },
    })
    const mailed = await call(client, 'send_test_email_template', {
      template_id: template?.id,
      record_id: toMail,
      email_to: 'qa@example.com',
    })
    const [mail] = await admin.call<Array<{ email_to: string; recipient_ids: number[] }>>(
      'mail.mail',
      'read',
      {
        ids: [mailed.mail_id],
        kwargs: { fields: ['email_to', 'recipient_ids'] },
      },
    )
    expect(mail).toMatchObject({ email_to: 'qa@example.com', recipient_ids: [] })

    const [list] = await admin.call<Array<{ id: number }>>('mailing.list', 'search_read', {
      kwargs: { domain: [], fields: ['id'], limit: 1 },
    })
    const staged = await call(client, 'stage_mass_mailing_from_template', {
      template_id: template?.id,
      mailing_list_ids: [list?.id],
    })
    const [mailing] = await admin.call<Array<{ state: string; contact_list_ids: number[] }>>(
      'mailing.mailing',
      'read',
      {
        ids: [staged.mailing_id],
        kwargs: { fields: ['state', 'contact_list_ids'] },
      },
    )
    expect(mailing).toMatchObject({ state: 'draft', contact_list_ids: [list?.id] })
    const listed = await admin.call<number>('mailing.contact', 'search_count', {
      kwargs: { domain: [['list_ids', 'in', [list?.id]]] },
    })
    expect(staged.recipients).toBe(listed)
    expect(staged.sent).toBe(false)

    const invoices = await admin.call<Array<{ id: number }>>('account.move', 'search_read', {
      kwargs: {
        domain: [
          ['state', '=', 'draft'],
          ['move_type', '=', 'out_invoice'],
        ],
        fields: ['id'],
        limit: 2,
      },
    })
    const ids = invoices.map((i) => i.id)
    await call(client, 'batch_delete', { model: 'account.move', ids })
    expect(
      await admin.call('account.move', 'search_count', { kwargs: { domain: [['id', 'in', ids]] } }),
    ).toBe(0)

    const applied = sandbox.writes().applied
    expect(applied['res.partner.create']).toBe(1)
    expect(applied['res.partner.unlink']).toBe(1)
    expect(applied['account.move.unlink']).toBe(1)
    expect(applied['mailing.mailing.create']).toBe(1)
  })

  it('returns Odoo’s access error as a tool error when restricted makes the same write', async () => {
    const client = await connect(tokens.restricted)
    sandbox.resetWrites()
    const result = await client.callTool({
      name: 'create_record',
      arguments: { model: 'res.partner', values: { name: 'Not allowed' } },
    })
    expect(result.isError).toBe(true)
    const text = JSON.stringify(result.content)
    expect(text).toContain("You are not allowed to create 'Contact' (res.partner) records.")
    expect(text).toContain('may not create Contacts')
    expect(sandbox.writes().applied['res.partner.create']).toBeUndefined()
  })
})
