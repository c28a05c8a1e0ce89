/**
 * Issue 13 acceptance: every tool declares an `outputSchema`, and real results validate against it
 * — checked with the validator the official MCP client itself uses (Ajv, 2020-12, formats on), on
 * the schemas `countersign serve` lists. Every tool once as it runs, once as it is filed for
 * approval (and filed again: already_filed), and check_approval_status in each state a request
 * goes through: pending, approved and executed, approved and failed, rejected, expired.
 */
import type { Client } from '@modelcontextprotocol/client'
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/client/validators/ajv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups } from '../helpers/countersign.js'
import { type Deployment, startDeployment } from '../helpers/deployment.js'
import { APPROVAL_TOOLS, READ_TOOLS, WRITE_TOOLS } from '../helpers/tool-names.js'

type Structured = Record<string, any>
type Validate = (value: unknown) => { valid: boolean; errorMessage?: string }

const ODOO_TOOLS = [...READ_TOOLS, ...WRITE_TOOLS]

describe('tool results validate against the listed outputSchema', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  const validators = new Map<string, Validate>()
  /** Which tools a result has been validated for, and in which form. */
  const seen = new Set<string>()
  let ai: Client
  let gated: Client
  let partner: number
  let drafts: number[]
  let template: number
  let mailingList: number

  /** Calls a tool, expects no tool error, validates the result against the tool's outputSchema. */
  async function checked(client: Client, name: string, args: Record<string, unknown>): Promise<Structured> {
    const result = await client.callTool({ name, arguments: args })
    expect(result.isError ?? false, `${name}: ${JSON.stringify(result.content)}`).toBe(false)
    const validate = validators.get(name)
    if (!validate) throw new Error(`${name} has no outputSchema`)
    const verdict = validate(result.structuredContent)
    expect(
      verdict.valid,
      `${name}: ${verdict.errorMessage} in ${JSON.stringify(result.structuredContent)}`,
    ).toBe(true)
    const structured = result.structuredContent as Structured
    seen.add(`${name}:${structured.status ?? 'ran'}${structured.already_filed ? ':again' : ''}`)
    return structured
  }

  /** The arguments of one successful call of each Odoo tool, on sandbox data. */
  function callsOfEveryTool(): Array<[string, Record<string, unknown>]> {
    const [toConfirm, toSend, toMail] = drafts as [number, number, number]
    return [
      ['list_models', { search: 'sale' }],
      ['describe_model', { model: 'sale.order', fields: ['state', 'partner_id'] }],
      ['search_read', { model: 'res.partner', domain: [['is_company', '=', true]], limit: 3 }],
      ['get_record', { model: 'res.partner', id: partner }],
      [
        'count_records',
        { model: 'sale.order', domain: ['|', ['state', '=', 'draft'], ['state', '=', 'sent']] },
      ],
      ['get_workflow_state', { model: 'sale.order', id: toConfirm }],
      ['update_record', { model: 'res.partner', ids: [partner], values: { phone: '+32 2 555 01 03' } }],
      ['execute_method', { model: 'sale.order', method: 'action_quotation_sent', ids: [toSend] }],
      ['transition_state', { model: 'sale.order', ids: [toConfirm], transition: 'action_confirm' }],
      ['post_message', { model: 'res.partner', id: partner, body: 'Output schema check.' }],
      ['send_test_email_template', { template_id: template, record_id: toMail, email_to: 'qa@example.com' }],
      ['stage_mass_mailing_from_template', { template_id: template, mailing_list_ids: [mailingList] }],
    ]
  }

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    ai = await d.mcp((await d.connection('demo', ['--write'])).token)
    gated = await d.mcp(
      (
        await d.connection('demo', [
          '--write',
          '--approval-tools',
          [...ODOO_TOOLS].join(','),
          '--approver',
          'admin',
        ])
      ).token,
    )
    const validator = new AjvJsonSchemaValidator()
    for (const tool of (await ai.listTools()).tools) {
      if (tool.outputSchema) validators.set(tool.name, validator.getValidator(tool.outputSchema) as Validate)
    }
    partner = (
      await d.odooAdmin.call<Array<{ id: number }>>('res.partner', 'search_read', {
        kwargs: { domain: [['is_company', '=', true]], fields: ['id'], limit: 1 },
      })
    )[0]?.id as number
    drafts = (
      await d.odooAdmin.call<Array<{ id: number }>>('sale.order', 'search_read', {
        kwargs: {
          domain: [
            ['user_id', '=', 6],
            ['state', '=', 'draft'],
          ],
          fields: ['id'],
          limit: 3,
        },
      })
    ).map((r) => r.id)
    template = (
      await d.odooAdmin.call<Array<{ id: number }>>('mail.template', 'search_read', {
        kwargs: { domain: [['model', '=', 'sale.order']], fields: ['id'], limit: 1 },
      })
    )[0]?.id as number
    mailingList = (
      await d.odooAdmin.call<Array<{ id: number }>>('mailing.list', 'search_read', {
        kwargs: { domain: [], fields: ['id'], limit: 1 },
      })
    )[0]?.id as number
  })
  afterAll(() => cleanups.run())

  it('lists an outputSchema for every tool, an object at its root', async () => {
    expect([...validators.keys()].sort()).toEqual([...ODOO_TOOLS, ...APPROVAL_TOOLS].sort())
  })

  it('files every Odoo tool for approval, twice, and both answers validate', async () => {
    const calls: Array<[string, Record<string, unknown>]> = [
      ...callsOfEveryTool(),
      ['create_record', { model: 'res.partner', values: { name: 'Filed Partner' } }],
      ['delete_record', { model: 'res.partner', id: partner }],
      ['batch_delete', { model: 'res.partner', ids: [partner] }],
    ]
    for (const [name, args] of calls) {
      const filed = await checked(gated, name, args)
      expect(filed, name).toMatchObject({
        status: 'pending_approval',
        because: [`${name} needs approval on this connection`],
      })
      const again = await checked(gated, name, args)
      expect(again, name).toMatchObject({ request_id: filed.request_id, already_filed: true })
    }
    for (const name of ODOO_TOOLS) {
      expect(seen.has(`${name}:pending_approval`), name).toBe(true)
      expect(seen.has(`${name}:pending_approval:again`), name).toBe(true)
    }
  })

  it('runs every Odoo tool and each result validates', async () => {
    for (const [name, args] of callsOfEveryTool()) await checked(ai, name, args)
    const created = await checked(ai, 'create_record', { model: 'res.partner', values: { name: 'Doomed' } })
    await checked(ai, 'delete_record', { model: 'res.partner', id: created.id })
    const two = [
      (await checked(ai, 'create_record', { model: 'res.partner', values: '{"name": "Doomed 1"}' })).id,
      (await checked(ai, 'create_record', { model: 'res.partner', values: '{"name": "Doomed 2"}' })).id,
    ]
    await checked(ai, 'batch_delete', { model: 'res.partner', ids: two })
    for (const name of ODOO_TOOLS) expect(seen.has(`${name}:ran`), name).toBe(true)
  })

  it('check_approval_status validates in every state of a request, and so does the list', async () => {
    const status = (request_id: number) => checked(gated, 'check_approval_status', { request_id })
    const fileUpdate = async (client: Client, phone: string) =>
      (
        await checked(client, 'update_record', {
          model: 'res.partner',
          ids: [partner],
          values: { phone },
        })
      ).request_id as number

    const pending = await fileUpdate(gated, '+32 2 555 09 01')
    expect(await status(pending)).toMatchObject({
      status: 'pending',
      execution_status: 'pending',
      result: null,
    })

    const approve = (request_id: number) =>
      d.api('admin', 'admin', 'POST', `/approvals/${request_id}/approve`, { note: 'Fine.' })
    expect((await approve(pending)).status).toBe(200)
    const done = await eventuallyFinished(status, pending)
    expect(done).toMatchObject({ status: 'approved', execution_status: 'success', approver_note: 'Fine.' })
    expect(done.result).toMatchObject({ model: 'res.partner', updated_ids: [partner] })

    // Deleted meanwhile: the approved call fails at execution, and the error is what comes back.
    const doomed = (await checked(ai, 'create_record', { model: 'res.partner', values: { name: 'Gone' } })).id
    const failing = (await checked(gated, 'delete_record', { model: 'res.partner', id: doomed })).request_id
    await checked(ai, 'delete_record', { model: 'res.partner', id: doomed })
    expect((await approve(failing)).status).toBe(200)
    const failed = await eventuallyFinished(status, failing)
    expect(failed).toMatchObject({ status: 'approved', execution_status: 'error', result: null })
    expect(failed.error).toEqual(expect.any(String))

    const rejected = await fileUpdate(gated, '+32 2 555 09 02')
    expect(
      (await d.api('admin', 'admin', 'POST', `/approvals/${rejected}/reject`, { note: 'No.' })).status,
    ).toBe(200)
    expect(await status(rejected)).toMatchObject({ status: 'rejected', approver_note: 'No.' })

    const shortLived = await d.mcp(
      (
        await d.connection('demo', [
          '--write',
          '--approval-tools',
          'update_record',
          '--expiry-hours',
          '0.0005',
        ])
      ).token,
    )
    const expiring = await fileUpdate(shortLived, '+32 2 555 09 03')
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    const expired = await checked(shortLived, 'check_approval_status', { request_id: expiring })
    expect(expired).toMatchObject({ status: 'expired', approver: null })

    const listed = await checked(gated, 'list_my_approval_requests', {})
    expect(listed.requests.length).toBeGreaterThan(0)
    const some = await checked(gated, 'list_my_approval_requests', { status: 'rejected', limit: 1 })
    expect(some.requests).toEqual([expect.objectContaining({ request_id: rejected, approver: 'admin' })])
  })
})

/** Polls check_approval_status until the approved call has finished. */
async function eventuallyFinished(
  status: (request_id: number) => Promise<Structured>,
  request_id: number,
): Promise<Structured> {
  const until = Date.now() + 15_000
  for (;;) {
    const now = await status(request_id)
    if (now.execution_status === 'success' || now.execution_status === 'error') return now
    if (Date.now() > until) throw new Error(`request ${request_id} did not finish`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
