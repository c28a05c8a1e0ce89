/**
 * Deeply nested input is refused at the edge with a clear 4xx or tool error, and changes nothing:
 * /mcp bodies nested thousands of levels (they answered 500 from the SDK's adapter), tool
 * arguments nested 3,000 levels over HTTP and over stdio (they overflowed the stack in canonical
 * JSON, an internal error), and JSON bodies of the JSON API and the console (a 500 page).
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_JSON_BODY_DEPTH } from '../../src/app.js'
import { MAX_ARGUMENT_DEPTH } from '../../src/mcp/server.js'
import { Cleanups, mcpStdioClient } from '../helpers/countersign.js'
import { callTool, type Deployment, startDeployment } from '../helpers/deployment.js'
import { postMcp as postRawMcp } from '../helpers/mcp-raw.js'

/** JSON text of `depth` nested arrays around a 0: what the review sent. */
function nestedText(depth: number): string {
  return `${'['.repeat(depth)}0${']'.repeat(depth)}`
}

/** The same as a value, built without recursion. */
function nestedValue(depth: number): unknown {
  let value: unknown = 0
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

/** update_record arguments (a gated tool below) with a value nested `depth` levels inside. */
function deepUpdateText(depth: number): string {
  return `{"model":"res.partner","ids":[7],"values":{"comment":${nestedText(depth)}}}`
}

describe('deeply nested input', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let token: string
  let url: string

  /** POST /mcp with a raw body; the one JSON-RPC answer it gets. */
  async function postMcp(body: string): Promise<{ status: number; body: any }> {
    const answer = await postRawMcp(url, token, body)
    return { status: answer.status, body: answer.messages[0] ?? answer.body }
  }

  async function filed(): Promise<number> {
    const listed = await d.api('admin', 'admin', 'GET', '/approvals?status=all')
    expect(listed.status).toBe(200)
    return listed.body.total as number
  }

  function errorLines(): string[] {
    return d.servers.flatMap((s) => s.logs().split('\n')).filter((l) => /"level":(50|60)/.test(l))
  }

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    url = d.servers[0]!.url
    ;({ token } = await d.connection('demo', [
      '--write',
      '--approval-tools',
      'update_record',
      '--approver',
      'admin',
    ]))
  })
  afterAll(() => cleanups.run())

  it('an /mcp body nested 5,000, 20,000 or 1,000,000 levels is a 400 JSON-RPC parse error naming the bound', async () => {
    for (const depth of [5_000, 20_000, 1_000_000]) {
      const body = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"update_record","arguments":${deepUpdateText(depth)}}}`
      const answer = await postMcp(body)
      expect(answer.status, `depth ${depth}`).toBe(400)
      expect(answer.body).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: {
          code: -32700,
          message: `Parse error: the JSON body is nested deeper than ${MAX_JSON_BODY_DEPTH} levels`,
        },
      })
    }
    // Nested objects too, and anywhere in the message.
    const objects = `${'{"a":'.repeat(20_000)}0${'}'.repeat(20_000)}`
    const answer = await postMcp(
      `{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"_meta":${objects}}}`,
    )
    expect(answer.status).toBe(400)
    expect(answer.body.error.code).toBe(-32700)
    expect(await filed()).toBe(0)
    expect(errorLines()).toEqual([])
  })

  it('tool arguments nested 3,000 levels are refused at the edge over HTTP; nothing is filed', async () => {
    const answer = await postMcp(
      `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"update_record","arguments":${deepUpdateText(3_000)}}}`,
    )
    expect(answer.status).toBe(400)
    expect(answer.body.error.message).toContain(`nested deeper than ${MAX_JSON_BODY_DEPTH} levels`)
    expect(await filed()).toBe(0)
    expect(errorLines()).toEqual([])
  })

  it('over HTTP, arguments past the tool bound but within the body bound get a tool error; nothing is filed', async () => {
    const ai = await d.mcp(token)
    const result = await ai.callTool({
      name: 'update_record',
      arguments: { model: 'res.partner', ids: [7], values: { comment: nestedValue(MAX_ARGUMENT_DEPTH + 5) } },
    })
    expect(result.isError).toBe(true)
    expect((result.content as Array<{ text: string }>)[0]?.text).toBe(
      `Invalid arguments for update_record (nothing was done): they are nested deeper than ${MAX_ARGUMENT_DEPTH} levels of arrays and objects; no tool takes arguments that deep.`,
    )
    expect(await filed()).toBe(0)
    // At the bound itself they are arguments like any other (here: filed for approval).
    const atBound = await callTool(ai, 'update_record', {
      model: 'res.partner',
      ids: [7],
      // 3 levels are the arguments object, `values` and the list holding `comment`'s value.
      values: { comment: [nestedValue(MAX_ARGUMENT_DEPTH - 3)] },
    })
    expect(atBound.status).toBe('pending_approval')
    expect(await filed()).toBe(1)
  })

  it('over stdio, arguments nested 3,000 levels get a tool error, and the process keeps serving', async () => {
    const before = await filed()
    const ai: Client = await mcpStdioClient(d.env, token, 'legacy', cleanups)
    const result = await ai.callTool({
      name: 'update_record',
      arguments: { model: 'res.partner', ids: [8], values: { comment: nestedValue(3_000) } },
    })
    expect(result.isError).toBe(true)
    expect((result.content as Array<{ text: string }>)[0]?.text).toContain(
      `nested deeper than ${MAX_ARGUMENT_DEPTH} levels`,
    )
    expect(await filed()).toBe(before)
    const counted = await callTool(ai, 'count_records', { model: 'res.partner' })
    expect(counted.count).toBeGreaterThan(0)
  })

  it('the JSON API and the console refuse deep JSON bodies with a 4xx and change nothing', async () => {
    const [pending] = (await d.api('admin', 'admin', 'GET', '/approvals?status=pending')).body.items
    const basic = `Basic ${Buffer.from('admin:admin').toString('base64')}`
    for (const depth of [5_000, 20_000]) {
      const api = await fetch(`${url}/api/approvals/${pending.request_id}/reject`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/json' },
        body: `{"note":${nestedText(depth)}}`,
      })
      expect(api.status).toBe(422)
      expect(await api.json()).toMatchObject({
        code: 'CS_BAD_REQUEST',
        message: `the JSON body is nested deeper than ${MAX_JSON_BODY_DEPTH} levels`,
      })
      const login = await fetch(`${url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"login":${nestedText(depth)},"password":"admin"}`,
      })
      expect(login.status).toBe(422)
      expect(await login.text()).toContain(`nested deeper than ${MAX_JSON_BODY_DEPTH} levels`)
      expect(login.headers.get('set-cookie')).toBeNull()
    }
    // A url-encoded form cannot nest: bracketed keys are plain names to the console.
    const form = await fetch(`${url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `${'login'}${'[a]'.repeat(20_000)}=admin&password=admin`,
    })
    expect(form.status).toBeGreaterThanOrEqual(400)
    expect(form.status).toBeLessThan(500)
    const still = await d.api('admin', 'admin', 'GET', `/approvals/${pending.request_id}`)
    expect(still.body.status).toBe('pending')
    expect(errorLines()).toEqual([])
  })

  it('bodies over the size bound are refused too: 64 KiB outside /mcp', async () => {
    const basic = `Basic ${Buffer.from('admin:admin').toString('base64')}`
    const api = await fetch(`${url}/api/approvals/1/reject`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'x'.repeat(70 * 1024) }),
    })
    expect(api.status).toBe(413)
    expect((await d.api('admin', 'admin', 'GET', '/approvals/1')).body.status).toBe('pending')
  })
})
