/**
 * Issue 13 acceptance, the schema part: every tool `countersign serve` lists converts in the OpenAI
 * Agents SDK's strict mode (the SDK's own `mcpToFunctionTool`, which falls back to a non-strict tool
 * when a schema is not strict-compatible), and the free-form arguments listed as JSON text are
 * accepted both as text and as JSON, checked alike (field names, nesting depth) and filed alike,
 * while text that is not JSON is refused with a clear error, changes and files nothing, and stays
 * out of the audit log. The Inspector's `--strict` check is in inspector.test.ts.
 */
import type { Client, Tool as ListedTool } from '@modelcontextprotocol/client'
import { tool as functionTool, type MCPServer, mcpToFunctionTool } from '@openai/agents'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readStoreConfig } from '../../src/config.js'
import { MAX_ARGUMENT_DEPTH } from '../../src/mcp/server.js'
import { listAudit } from '../../src/store/audit-log.js'
import { openStore } from '../../src/store/open-store.js'
import { Cleanups } from '../helpers/countersign.js'
import { callTool, type Deployment, startDeployment } from '../helpers/deployment.js'
import { APPROVAL_TOOLS, READ_TOOLS, WRITE_TOOLS } from '../helpers/tool-names.js'

/** What the SDK needs of a server to convert its tools: a name (nothing is called here). */
const server = { name: 'countersign' } as unknown as MCPServer

/** Why the SDK would refuse the schema in strict mode, for a readable failure; null when it takes it. */
function strictRefusal(listed: ListedTool): string | null {
  try {
    functionTool({
      name: listed.name,
      description: '',
      parameters: listed.inputSchema as never,
      strict: true,
      execute: () => '',
    })
    return null
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

function errorText(result: { content?: unknown }): string {
  const content = (result.content ?? []) as Array<{ type: string; text?: string }>
  return content.map((c) => c.text ?? '').join('\n')
}

describe('tool schemas in the strict modes of agent SDKs', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let ai: Client
  let gated: Client
  let listed: ListedTool[]

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    ai = await d.mcp((await d.connection('demo', ['--write'])).token)
    gated = await d.mcp(
      (await d.connection('demo', ['--write', '--approval-tools', 'create_record,execute_method'])).token,
    )
    listed = (await ai.listTools()).tools
  })
  afterAll(() => cleanups.run())

  it('every tool converts in the OpenAI Agents SDK’s strict mode', () => {
    expect(listed.map((t) => t.name).sort()).toEqual(
      [...READ_TOOLS, ...WRITE_TOOLS, ...APPROVAL_TOOLS].sort(),
    )
    for (const tool of listed) {
      const converted = mcpToFunctionTool(tool as never, server, true)
      expect(converted.strict, `${tool.name}: ${strictRefusal(tool)}`).toBe(true)
      // The schema the model sees in strict mode keeps every argument the tool takes.
      const parameters = converted.parameters as { properties: Record<string, unknown> }
      expect(Object.keys(parameters.properties).sort()).toEqual(
        Object.keys(tool.inputSchema.properties ?? {}).sort(),
      )
    }
  })

  it('lists no tuple, open object or untyped schema in any input', () => {
    const text = JSON.stringify(listed.map((t) => t.inputSchema))
    expect(text).not.toContain('prefixItems')
    expect(text).not.toMatch(/"additionalProperties":(true|\{)/)
    expect(text).not.toContain(':{}')
    // The free-form arguments are listed as JSON text, saying so.
    const properties = (name: string) =>
      listed.find((t) => t.name === name)?.inputSchema.properties as Record<
        string,
        { type?: string; description?: string }
      >
    for (const [name, argument] of [
      ['create_record', 'values'],
      ['update_record', 'values'],
      ['execute_method', 'kwargs'],
      ['execute_method', 'args'],
    ] as const) {
      expect(properties(name)[argument]?.type, `${name}.${argument}`).toBe('string')
      expect(properties(name)[argument]?.description).toMatch(/JSON (object|list) as text, e\.g\. [[{]/)
    }
  })

  it('takes field values as JSON text and as an object, with the same effect', async () => {
    const asText = await callTool(ai, 'create_record', {
      model: 'res.partner',
      values: JSON.stringify({ name: 'Text Form Partner', email: 'text@example.com' }),
    })
    const asObject = await callTool(ai, 'create_record', {
      model: 'res.partner',
      values: { name: 'Object Form Partner', email: 'object@example.com' },
    })
    const rows = await d.odooAdmin.call<Array<{ id: number; name: string; email: string }>>(
      'res.partner',
      'read',
      { ids: [asText.id, asObject.id], kwargs: { fields: ['name', 'email'] } },
    )
    expect(rows.map((r) => [r.id, r.name, r.email])).toEqual([
      [asText.id, 'Text Form Partner', 'text@example.com'],
      [asObject.id, 'Object Form Partner', 'object@example.com'],
    ])

    await callTool(ai, 'update_record', {
      model: 'res.partner',
      ids: [asText.id],
      values: '{"phone": "+32 2 555 01 02"}',
    })
    const called = await callTool(ai, 'execute_method', {
      model: 'res.partner',
      method: 'read',
      ids: [asText.id],
      kwargs: '{"fields": ["phone"]}',
    })
    expect(called.result).toEqual([{ id: asText.id, phone: '+32 2 555 01 02' }])
    const positional = await callTool(ai, 'execute_method', {
      model: 'res.partner',
      method: 'read',
      ids: [asText.id],
      args: '[["email"]]',
    })
    expect(positional.result).toEqual([{ id: asText.id, email: 'text@example.com' }])
  })

  it('checks the decoded text exactly as it checks JSON: a bad field name is refused either way', async () => {
    for (const values of [{ 'Bad Field': 1 }, '{"Bad Field": 1}']) {
      const result = await ai.callTool({ name: 'create_record', arguments: { model: 'res.partner', values } })
      expect(result.isError).toBe(true)
      expect(errorText(result)).toMatch(/^Invalid arguments for create_record \(nothing was done\): values/)
    }
    const context = await ai.callTool({
      name: 'execute_method',
      arguments: { model: 'res.partner', method: 'search_count', kwargs: '{"domain": [], "context": 5}' },
    })
    expect(errorText(context)).toContain('kwargs.context: context must be an object')
  })

  it('refuses text that is not JSON with a clear error, and changes and files nothing', async () => {
    const partners = () => d.odooAdmin.call<number>('res.partner', 'search_count', { kwargs: { domain: [] } })
    const before = await partners()
    d.sandbox.resetWrites()
    for (const client of [ai, gated]) {
      const result = await client.callTool({
        name: 'create_record',
        arguments: { model: 'res.partner', values: '{"name": "Unclosed' },
      })
      expect(result.isError).toBe(true)
      expect(errorText(result)).toBe(
        'Invalid arguments for create_record (nothing was done): values: this text is not valid JSON; give a JSON ' +
          'object as text, e.g. {"name": "Azure Interior"}, or the object itself',
      )
    }
    const method = await gated.callTool({
      name: 'execute_method',
      arguments: { model: 'res.partner', method: 'search_count', args: '[[] ' },
    })
    expect(errorText(method)).toContain('args: this text is not valid JSON; give a JSON list as text')
    expect(await partners()).toBe(before)
    expect(d.sandbox.writes().received).toEqual({})
    const mine = await callTool(gated, 'list_my_approval_requests', {})
    expect(mine.requests).toEqual([])
  })

  it('limits the nesting of decoded text like that of JSON: too deep is refused and files nothing', async () => {
    const deep = `${'['.repeat(3_000)}${']'.repeat(3_000)}`
    const result = await gated.callTool({
      name: 'create_record',
      arguments: { model: 'res.partner', values: `{"comment": ${deep}}` },
    })
    expect(errorText(result)).toBe(
      `Invalid arguments for create_record (nothing was done): they are nested deeper than ${MAX_ARGUMENT_DEPTH} levels of arrays and objects; no tool takes arguments that deep.`,
    )
    expect((await callTool(gated, 'list_my_approval_requests', {})).requests).toEqual([])
  })

  it('keeps text that is not JSON out of the audit payload: masking cannot see secrets in it', async () => {
    const logging = await d.startServer({ COUNTERSIGN_AUDIT_PAYLOADS: 'true' })
    const made = await d.connection('demo', ['--write'])
    const client = await d.mcp(made.token, { server: d.servers.indexOf(logging) })
    const text = '{"password": "hunter2-secret", '
    const result = await client.callTool({
      name: 'create_record',
      arguments: { model: 'res.users', values: text },
    })
    expect(result.isError).toBe(true)
    const store = await openStore(readStoreConfig(d.env))
    cleanups.push(() => store.close())
    const [row] = (await listAudit(store.db, { event: 'tool_call', connection_id: made.connection_id })).items
    expect(row).toMatchObject({ outcome: 'invalid_arguments', tool: 'create_record' })
    expect(row?.payload).toEqual({
      arguments: { model: 'res.users', values: '(not valid JSON; not logged)' },
    })
    expect(JSON.stringify(row)).not.toContain('hunter2')
  })

  it('files the same request for the text and the object form of one call', async () => {
    const first = await callTool(gated, 'create_record', {
      model: 'res.partner',
      values: { name: 'Gated Partner' },
    })
    expect(first.status).toBe('pending_approval')
    const again = await callTool(gated, 'create_record', {
      model: 'res.partner',
      values: '{"name": "Gated Partner"}',
    })
    expect(again).toMatchObject({
      status: 'pending_approval',
      request_id: first.request_id,
      already_filed: true,
    })
    const status = await callTool(gated, 'check_approval_status', { request_id: first.request_id })
    expect(status.arguments).toEqual({ model: 'res.partner', values: { name: 'Gated Partner' } })
  })
})
