/**
 * Issue 3 acceptance, property test: arbitrary arguments thrown at EVERY tool of a write-enabled
 * connection over Streamable HTTP — plausible calls, near misses (one field replaced by junk, one
 * missing, an extra key, junk inside a list) and arbitrary JSON objects: wrong types, huge and
 * negative numbers, long and unicode strings, nested junk. Every answer is HTTP 200 with a tool
 * result or a tool error (`isError`), never a JSON-RPC error, a 5xx or an "internal error" result;
 * `serve` stays up with no unhandled rejection or uncaught exception in its log, and a normal call
 * works afterwards. The destructive tools are gated behind approval on this connection, so a random
 * valid call files a request instead of wrecking the sandbox; Odoo's own data is checked after.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_APPROVAL_TOOLS } from '../../src/commands/demo.js'
import { Cleanups } from '../helpers/countersign.js'
import { callTool, type Deployment, startDeployment } from '../helpers/deployment.js'
import { type JsonRpcMessage, type RawAnswer, rawToolCall } from '../helpers/mcp-raw.js'

const GATED = ['update_record', ...DEMO_APPROVAL_TOOLS]
/** Runs per tool: 17 tools × 150 calls take about 15 s here (2 cores). */
const RUNS = 150

// --- junk -----------------------------------------------------------------------------------
const edgeNumber = fc.constantFrom(
  0,
  -0,
  -1,
  1.5,
  -(2 ** 31),
  2 ** 31,
  2 ** 53,
  -(2 ** 53),
  Number.MAX_SAFE_INTEGER,
  1e308,
  -1e308,
  5e-324,
)
const edgeString = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'ı̇\u202e\u200b',
  '💥'.repeat(500),
  'x'.repeat(100_000),
  "'; drop table connection; --",
  '__proto__',
  'constructor',
  '../../etc/passwd',
  'res.partner',
  '<script>alert(1)</script>',
)
const junk: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 2, arbitrary: edgeNumber },
  { weight: 2, arbitrary: edgeString },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  },
  { weight: 1, arbitrary: fc.array(fc.oneof(edgeNumber, edgeString, fc.constant(null)), { maxLength: 5 }) },
)

// --- plausible values -----------------------------------------------------------------------
// Mostly what exists in the sandbox, so plausible calls get past Odoo and reach results and the gate.
const model = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('res.partner', 'sale.order', 'account.move', 'mail.template', 'mailing.list'),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom('x_no.such_model', 'res.users', 'ir.model', 'mail.message', 'constructor'),
  },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,8}(\.[a-z0-9_]{1,8}){0,2}$/) },
)
const field = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('name', 'display_name', 'id', 'email', 'state', 'partner_id') },
  { weight: 1, arbitrary: fc.constantFrom('x_missing', 'password', 'constructor') },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z_][a-z0-9_]{0,12}$/) },
)
const id = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 ** 31 - 1 }) },
  { weight: 1, arbitrary: fc.constant(2 ** 53 - 1) },
)
const templateId = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(7, 10, 13, 14) },
  { weight: 1, arbitrary: id },
)
const ids = (max: number) => fc.uniqueArray(id, { minLength: 1, maxLength: max })
const operator = fc.constantFrom('=', '!=', 'ilike', 'in', 'not in', '>', 'child_of', 'any', '=?')
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  edgeNumber,
)
const term = fc.tuple(
  fc.oneof(field, fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}\.[a-z_][a-z0-9_]{0,6}$/)),
  operator,
  fc.oneof(scalar, fc.array(scalar, { maxLength: 4 })),
)
const domain = fc.array(
  fc.oneof({ weight: 4, arbitrary: term }, { weight: 1, arbitrary: fc.constantFrom('&', '|', '!') }),
  {
    maxLength: 4,
  },
)
const values = fc.oneof(
  fc.record({ name: fc.string({ minLength: 1, maxLength: 30 }) }),
  fc.dictionary(field, fc.oneof(scalar, fc.jsonValue({ maxDepth: 2 })), { minKeys: 1, maxKeys: 4 }),
)
const email = fc.oneof(fc.constantFrom('qa@example.com', 'ana.lopez+test@example.org'), fc.emailAddress())
/** Present half of the time. */
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 })

/** A plausible (often valid) argument object for each tool. */
const PLAUSIBLE: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  list_models: fc.record({
    search: optional(fc.string({ maxLength: 20 })),
    limit: optional(fc.integer({ min: 1, max: 200 })),
  }),
  describe_model: fc.record({ model, fields: optional(fc.array(field, { maxLength: 5 })) }),
  search_read: fc.record({
    model,
    domain: optional(domain),
    fields: optional(fc.array(field, { maxLength: 5 })),
    limit: optional(fc.integer({ min: 1, max: 500 })),
    offset: optional(fc.nat(2 ** 31)),
    order: optional(fc.constantFrom('name asc', 'id desc', 'name, id desc', 'x_missing')),
  }),
  get_record: fc.record({ model, id, fields: optional(fc.array(field, { maxLength: 4 })) }),
  count_records: fc.record({ model, domain: optional(domain) }),
  get_workflow_state: fc.record({
    model: fc.oneof(fc.constantFrom('sale.order', 'account.move'), model),
    id,
  }),
  create_record: fc.record({ model, values }),
  update_record: fc.record({ model, ids: ids(5), values }),
  delete_record: fc.record({ model, id }),
  batch_delete: fc.record({ model, ids: ids(5) }),
  execute_method: fc.record({
    model,
    method: fc.oneof(
      fc.constantFrom('read', 'unlink', 'action_confirm', 'write', 'name_search'),
      fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,12}$/),
    ),
    ids: optional(ids(3)),
    args: optional(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 })),
    kwargs: optional(
      fc.dictionary(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), fc.jsonValue({ maxDepth: 2 }), {
        maxKeys: 3,
      }),
    ),
  }),
  transition_state: fc.record({
    model: fc.constantFrom('sale.order', 'account.move'),
    ids: ids(3),
    transition: fc.constantFrom('action_confirm', 'action_cancel', 'action_post', 'button_draft', 'unlink'),
  }),
  post_message: fc.record({
    model,
    id,
    body: fc.string({ minLength: 1, maxLength: 200 }),
    internal: optional(fc.boolean()),
  }),
  send_test_email_template: fc.record({ template_id: templateId, record_id: id, email_to: email }),
  stage_mass_mailing_from_template: fc.oneof(
    fc.record({
      template_id: templateId,
      mailing_list_ids: fc.oneof(fc.constant([1]), fc.constant([1, 2]), ids(3)),
      subject: optional(fc.string({ minLength: 1, maxLength: 40 })),
    }),
    fc.record({ template_id: templateId, model, domain: optional(domain) }),
  ),
  check_approval_status: fc.record({ request_id: id }),
  list_my_approval_requests: fc.record({
    status: optional(fc.constantFrom('pending', 'approved', 'rejected', 'expired')),
    limit: optional(fc.integer({ min: 1, max: 50 })),
  }),
}

/** Drops the keys fc.option left undefined (JSON would drop them anyway; this keeps shrinking readable). */
function defined(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined))
}

/** Plausible arguments, or a near miss of them, or an arbitrary object. */
function argumentsFor(tool: string): fc.Arbitrary<Record<string, unknown>> {
  const base = (PLAUSIBLE[tool] as fc.Arbitrary<Record<string, unknown>>).map(defined)
  const replaced = fc.tuple(base, fc.nat(), junk).map(([args, n, value]) => {
    const keys = Object.keys(args)
    return keys.length === 0 ? { ...args, x: value } : { ...args, [keys[n % keys.length] as string]: value }
  })
  const missing = fc.tuple(base, fc.nat()).map(([args, n]) => {
    const keys = Object.keys(args)
    const { [keys[n % Math.max(keys.length, 1)] as string]: _dropped, ...rest } = args
    return rest
  })
  const extra = fc
    .tuple(base, fc.string({ maxLength: 10 }), junk)
    .map(([args, key, value]) => ({ ...args, [key]: value }))
  const junkInside = fc.tuple(base, fc.nat(), junk).map(([args, n, value]) => {
    const lists = Object.keys(args).filter((k) => Array.isArray(args[k]))
    if (lists.length === 0) return args
    const key = lists[n % lists.length] as string
    return { ...args, [key]: [...(args[key] as unknown[]), value] }
  })
  const arbitrary = fc.dictionary(
    fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('model', 'id', 'ids', 'values', 'domain')),
    junk,
    {
      maxKeys: 5,
    },
  )
  return fc.oneof(
    { weight: 3, arbitrary: base },
    { weight: 2, arbitrary: replaced },
    { weight: 1, arbitrary: missing },
    { weight: 1, arbitrary: extra },
    { weight: 1, arbitrary: junkInside },
    { weight: 2, arbitrary: arbitrary },
  )
}

/** JSON keys Fastify's body parser refuses outright (prototype poisoning). */
const POISONED = /"(__proto__|constructor)":/

/** The answer is a tool result or a tool error, nothing else; returns which. */
function checkAnswer(answer: RawAnswer, context: string): 'result' | 'error' {
  expect(answer.status, `${context}: HTTP ${answer.status} ${answer.body.slice(0, 300)}`).toBe(200)
  expect(answer.messages, context).toHaveLength(1)
  const [message] = answer.messages as [JsonRpcMessage]
  expect(message.error, `${context}: JSON-RPC error ${JSON.stringify(message.error)}`).toBeUndefined()
  const result = message.result as {
    content: Array<{ type: string; text: string }>
    isError?: boolean
    structuredContent?: unknown
  }
  expect(Array.isArray(result.content), context).toBe(true)
  expect(result.content[0]?.type, context).toBe('text')
  const text = result.content[0]?.text ?? ''
  expect(text.length, context).toBeGreaterThan(0)
  // An "internal error" result is Countersign failing on input it should have answered plainly.
  expect(text, context).not.toContain('internal error')
  if (result.isError) return 'error'
  expect(typeof result.structuredContent, context).toBe('object')
  return 'result'
}

describe('property: arbitrary arguments at every tool never crash anything', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let url: string
  let token: string
  let tools: string[]
  const seen: Record<string, { result: number; error: number }> = {}
  let partnersBefore: number
  let ordersBefore: Array<{ id: number; state: string }>

  beforeAll(async () => {
    // Hundreds of gated calls in a few seconds on one connection: past its default filing limits,
    // which would answer most of them with a refusal before the gate (test/approvals/filing-limits.test.ts).
    d = await startDeployment(cleanups, {
      env: { COUNTERSIGN_MAX_PENDING_REQUESTS: '100000', COUNTERSIGN_MAX_REQUESTS_PER_MINUTE: '100000' },
    })
    url = (d.servers[0] as { url: string }).url
    ;({ token } = await d.connection('demo', [
      '--write',
      '--approval-tools',
      GATED.join(','),
      '--approver',
      'admin',
    ]))
    const client = await d.mcp(token)
    tools = (await client.listTools()).tools.map((t) => t.name)
    partnersBefore = await d.odooAdmin.call<number>('res.partner', 'search_count', { kwargs: { domain: [] } })
    ordersBefore = await d.odooAdmin.call('sale.order', 'search_read', {
      kwargs: { domain: [], fields: ['state'], order: 'id' },
    })
    d.sandbox.resetWrites()
  })
  afterAll(() => cleanups.run())

  it('the connection lists every tool of the catalog, so every tool is exercised below', () => {
    expect(tools.sort()).toEqual(Object.keys(PLAUSIBLE).sort())
  })

  for (const tool of Object.keys(PLAUSIBLE)) {
    it(`${tool}: every answer is a tool result or a tool error`, async () => {
      seen[tool] = { result: 0, error: 0 }
      await fc.assert(
        fc.asyncProperty(argumentsFor(tool), async (args) => {
          const answer = await rawToolCall(url, token, tool, args)
          const sent = JSON.stringify(args)
          if (answer.status === 400 && POISONED.test(sent)) {
            // Fastify's prototype-poisoning guard refuses the body before MCP sees it, as a JSON-RPC parse error.
            expect(answer.messages[0]?.error?.code).toBe(-32700)
            return
          }
          const kind = checkAnswer(answer, `${tool} ${sent.slice(0, 500)}`)
          ;(seen[tool] as { result: number; error: number })[kind]++
        }),
        { numRuns: RUNS, interruptAfterTimeLimit: 8_000 },
      )
      // Both paths were taken: some calls passed validation and reached Odoo or the gate.
      expect(seen[tool]?.error).toBeGreaterThan(0)
    })
  }

  it('an unknown tool name or non-object arguments are protocol errors, not 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('__proto__', 'toString', 'constructor')),
        fc.oneof(
          fc
            .jsonValue({ maxDepth: 2 })
            .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
        ),
        async (name, args) => {
          const unknown = await rawToolCall(url, token, tools.includes(name) ? `${name}_x` : name, {})
          expect(unknown.status).toBe(200)
          expect(unknown.messages[0]?.error?.code).toBe(-32602)
          const shapeless = await rawToolCall(url, token, 'count_records', args)
          expect(shapeless.status).toBe(200)
          expect(shapeless.messages[0]?.error?.code).toBe(-32602)
        },
      ),
      { numRuns: 30 },
    )
  })

  it('a body that is not JSON, or carries a __proto__ key, is a JSON-RPC parse error (400)', async () => {
    for (const body of [
      '{"jsonrpc":"2.0",',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"count_records","arguments":{"__proto__":{"x":1}}}}',
    ]) {
      const response = await fetch(`${url}/mcp`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body,
      })
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } })
    }
  })

  it('serve is still up, logged no crash, and a normal call works', async () => {
    const server = d.servers[0] as {
      process: { exitCode: number | null; signalCode: string | null }
      logs(): string
    }
    expect(server.process.exitCode).toBeNull()
    expect(server.process.signalCode).toBeNull()
    const log = server.logs()
    expect(log).not.toMatch(/unhandled ?rejection|uncaught ?exception/i)
    // No error-level line: internal errors are logged at level 50, and there must be none.
    const errors = log.split('\n').filter((l) => /"level":(50|60)/.test(l))
    expect(errors, errors.join('\n')).toEqual([])
    const client = await d.mcp(token)
    const counted = await callTool(client, 'count_records', {
      model: 'res.partner',
      domain: [['is_company', '=', true]],
    })
    expect(counted.count).toBeGreaterThan(0)
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
  })

  it('plenty of calls got past validation to Odoo or the gate (results, not only errors)', () => {
    const results = Object.values(seen).reduce((sum, s) => sum + s.result, 0)
    expect(Object.keys(seen)).toHaveLength(Object.keys(PLAUSIBLE).length)
    expect(results).toBeGreaterThan(RUNS * 2)
  })

  it('the gated tools filed requests instead of changing Odoo', async () => {
    const writes = d.sandbox.writes().applied
    for (const key of Object.keys(writes)) {
      // Only ungated, non-destructive writes (new partners/records, chatter) and the approvers' activities.
      expect(key, `applied ${key}`).toMatch(/\.(create|message_post)$/)
    }
    const ordersAfter = await d.odooAdmin.call<Array<{ id: number; state: string }>>(
      'sale.order',
      'search_read',
      {
        kwargs: { domain: [], fields: ['state'], order: 'id' },
      },
    )
    expect(ordersAfter).toEqual(ordersBefore)
    expect(
      await d.odooAdmin.call<number>('res.partner', 'search_count', { kwargs: { domain: [] } }),
    ).toBeGreaterThanOrEqual(partnersBefore)
    const filed = await d.api('admin', 'admin', 'GET', '/approvals?status=pending')
    expect(filed.body.total).toBeGreaterThan(0)
  })
})
