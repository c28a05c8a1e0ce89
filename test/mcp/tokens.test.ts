/**
 * Connection tokens at both MCP edges. HTTP: a missing, malformed, unknown, revoked or rotated-away
 * token gets 401 with a `WWW-Authenticate: Bearer` challenge on GET and POST /mcp before its body is
 * read, touches no connection, and a client already connected is cut off at its next request. stdio: a revoked token
 * refuses at start with one line; a token revoked or rotated while `countersign stdio` runs stops
 * working at the next request, and a policy change applies there too.
 */
import { Client } from '@modelcontextprotocol/client'
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  afterUsageFlush,
  CLI,
  Cleanups,
  mcpHttpClient,
  mcpStdioClient,
  runCli,
} from '../helpers/countersign.js'
import { callTool, type Deployment, startDeployment } from '../helpers/deployment.js'

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'tokens-test', version: '1.0.0' },
  },
}

interface ShownConnection {
  status: string
  request_count: number
  last_used_at: string | null
}

describe('MCP connection tokens', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let url: string
  let active: { connection_id: number; token: string }
  let revoked: { connection_id: number; token: string }
  let rotated: { connection_id: number; old: string; token: string }

  async function show(connection_id: number): Promise<ShownConnection> {
    const result = await runCli(['connection', 'show', String(connection_id), '--json'], d.env)
    expect(result.code, result.stderr).toBe(0)
    return JSON.parse(result.stdout) as ShownConnection
  }

  async function mcp(method: 'GET' | 'POST', authorization: string | null) {
    const response = await fetch(`${url}/mcp`, {
      method,
      headers: {
        accept: method === 'GET' ? 'text/event-stream' : 'application/json, text/event-stream',
        ...(method === 'POST' && { 'content-type': 'application/json' }),
        ...(authorization !== null && { authorization }),
      },
      ...(method === 'POST' && { body: JSON.stringify(INITIALIZE) }),
    })
    const body = await response.text()
    return { status: response.status, challenge: response.headers.get('www-authenticate'), body }
  }

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    url = (d.servers[0] as { url: string }).url
    active = await d.connection('demo', ['--write'])
    revoked = await d.connection('demo', [])
    const toRotate = await d.connection('demo', [])
    expect((await runCli(['connection', 'revoke', String(revoked.connection_id)], d.env)).code).toBe(0)
    const rotation = await runCli(['connection', 'rotate', String(toRotate.connection_id), '--json'], d.env)
    expect(rotation.code, rotation.stderr).toBe(0)
    const fresh = JSON.parse(rotation.stdout) as { token: string }
    rotated = { connection_id: toRotate.connection_id, old: toRotate.token, token: fresh.token }
    expect(rotated.token).not.toBe(rotated.old)
  })
  afterAll(() => cleanups.run())

  const refused: Array<[string, () => string | null, RegExp]> = [
    ['no Authorization header', () => null, /^Bearer realm="countersign", resource_metadata="[^"]+"$/],
    ['Basic credentials', () => `Basic ${Buffer.from('demo:demo').toString('base64')}`, /^Bearer /],
    ['"Bearer" without a token', () => 'Bearer', /^Bearer /],
    ['a bearer value with a space', () => 'Bearer csk_abc def', /^Bearer /],
    ['a token without the csk_ form', () => 'Bearer not-a-token', /error="invalid_token"/],
    ['an unknown csk_ token', () => `Bearer csk_${'A'.repeat(43)}`, /error="invalid_token"/],
    ['a revoked token', () => `Bearer ${revoked.token}`, /error="invalid_token"/],
    ['a rotated-away token', () => `Bearer ${rotated.old}`, /error="invalid_token"/],
  ]

  for (const method of ['GET', 'POST'] as const) {
    it.each(refused)(
      `${method} /mcp with %s → 401 and a Bearer challenge`,
      async (_what, header, challenge) => {
        const answer = await mcp(method, header())
        expect(answer.status).toBe(401)
        expect(answer.challenge).toMatch(/^Bearer realm="countersign"/)
        expect(answer.challenge).toMatch(challenge)
        expect(JSON.parse(answer.body)).toMatchObject({ error: 'unauthorized' })
      },
    )
  }

  it('refuses a stranger before reading the body: not JSON or over the size limit, it is still 401', async () => {
    for (const body of ['{"jsonrpc": ', 'x'.repeat(5 * 1024 * 1024)]) {
      const response = await fetch(`${url}/mcp`, {
        method: 'POST',
        headers: { accept: 'application/json, text/event-stream', 'content-type': 'application/json' },
        body,
      })
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="countersign"/)
      await response.body?.cancel()
    }
    // With a token the body is read, and refused for what it is (the size limit: deep-input.test.ts).
    const parsed = await fetch(`${url}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${active.token}`,
        accept: 'application/json, text/event-stream',
        'content-type': 'application/json',
      },
      body: '{"jsonrpc": ',
    })
    expect(parsed.status).toBe(400)
    await parsed.body?.cancel()
  })

  it('answers the live tokens (the same request that the refused ones sent)', async () => {
    for (const token of [active.token, rotated.token]) {
      const answer = await mcp('POST', `Bearer ${token}`)
      expect(answer.status).toBe(200)
      expect(answer.challenge).toBeNull()
      expect(answer.body).toContain('"serverInfo"')
    }
  })

  it('refused requests touch no connection; accepted ones count', async () => {
    // Earlier tests used these tokens: let their counts be written before taking the baseline.
    await afterUsageFlush()
    const before = await show(revoked.connection_id)
    const rotatedBefore = await show(rotated.connection_id)
    await mcp('POST', `Bearer ${revoked.token}`)
    await mcp('GET', `Bearer ${revoked.token}`)
    await mcp('POST', `Bearer ${rotated.old}`)
    // Uses are written once a second (src/mcp/usage.ts): wait for a write, or "unchanged" means nothing.
    await afterUsageFlush()
    const after = await show(revoked.connection_id)
    expect(after).toMatchObject({ status: 'revoked', request_count: before.request_count })
    expect(after.last_used_at).toBe(before.last_used_at)
    expect((await show(rotated.connection_id)).request_count).toBe(rotatedBefore.request_count)
    await mcp('POST', `Bearer ${rotated.token}`)
    await afterUsageFlush()
    expect((await show(rotated.connection_id)).request_count).toBe(rotatedBefore.request_count + 1)
  })

  it('cuts off an already connected HTTP client at its next request after revocation', async () => {
    const victim = await d.connection('demo', [])
    const client = await mcpHttpClient(url, victim.token, 'legacy', cleanups)
    await callTool(client, 'count_records', { model: 'res.partner' })
    expect((await runCli(['connection', 'revoke', String(victim.connection_id)], d.env)).code).toBe(0)
    await expect(
      client.callTool({ name: 'count_records', arguments: { model: 'res.partner' } }),
    ).rejects.toThrow(/401|nauthorized/)
  })

  it('stdio with a revoked, rotated-away or unknown token refuses at start: exit 1, one line', async () => {
    for (const token of [revoked.token, rotated.old, `csk_${'B'.repeat(43)}`]) {
      const run = await runCli(['stdio', '--token', token], d.env)
      expect(run.code).toBe(1)
      expect(run.stdout).toBe('')
      expect(run.stderr.trim().split('\n')).toEqual([
        'countersign: unknown or revoked connection token (create one with `countersign connection create`)',
      ])
    }
  })

  it('stdio takes the token from COUNTERSIGN_TOKEN too, and names both ways when it has none', async () => {
    const none = await runCli(['stdio'], d.env)
    expect(none.code).toBe(1)
    expect(none.stderr.trim()).toBe(
      'countersign: stdio needs the connection token: --token csk_… or COUNTERSIGN_TOKEN=csk_…',
    )
    const refused = await runCli(['stdio'], { ...d.env, COUNTERSIGN_TOKEN: revoked.token })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('unknown or revoked connection token')
    const fresh = await d.connection('demo', [])
    const client = new Client({ name: 'countersign-test', version: '1.0.0' })
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [CLI, 'stdio'],
        env: { ...d.env, COUNTERSIGN_TOKEN: fresh.token },
        stderr: 'pipe',
      }),
    )
    cleanups.push(() => client.close())
    expect(await callTool(client, 'count_records', { model: 'res.partner' })).toMatchObject({
      count: expect.any(Number),
    })
  })

  it('stdio: a revocation while it runs stops the next request', async () => {
    const victim = await d.connection('demo', [])
    const client = await mcpStdioClient(d.env, victim.token, 'legacy', cleanups)
    await callTool(client, 'count_records', { model: 'res.partner' })
    expect((await runCli(['connection', 'revoke', String(victim.connection_id)], d.env)).code).toBe(0)
    await expect(
      client.callTool({ name: 'count_records', arguments: { model: 'res.partner' } }),
    ).rejects.toThrow(/revoked or rotated/)
    await expect(client.listTools()).rejects.toThrow(/revoked or rotated/)
  })

  it('stdio: a rotation while it runs stops the old token at the next request', async () => {
    const victim = await d.connection('demo', [])
    const client = await mcpStdioClient(d.env, victim.token, 'modern', cleanups)
    await callTool(client, 'count_records', { model: 'res.partner' })
    expect((await runCli(['connection', 'rotate', String(victim.connection_id)], d.env)).code).toBe(0)
    await expect(
      client.callTool({ name: 'count_records', arguments: { model: 'res.partner' } }),
    ).rejects.toThrow(/revoked or rotated/)
  })

  it('stdio: a policy change while it runs applies at the next request', async () => {
    const conn = await d.connection('demo', ['--write'])
    const client = await mcpStdioClient(d.env, conn.token, 'legacy', cleanups)
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('create_record')

    // 1. Write access taken away: the write tools disappear and cannot be called.
    const update = await runCli(['connection', 'update', String(conn.connection_id), '--no-write'], d.env)
    expect(update.code, update.stderr).toBe(0)
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('create_record')
    d.sandbox.resetWrites()
    await expect(
      client.callTool({
        name: 'create_record',
        arguments: { model: 'res.partner', values: { name: 'Nope' } },
      }),
    ).rejects.toThrow(/not found/)
    expect(d.sandbox.writes().received['res.partner.create']).toBeUndefined()

    // 2. Back on, but gated: the call files a request instead of running.
    const gate = await runCli(
      ['connection', 'update', String(conn.connection_id), '--write', '--approval-tools', 'create_record'],
      d.env,
    )
    expect(gate.code, gate.stderr).toBe(0)
    const pending = await callTool(client, 'create_record', {
      model: 'res.partner',
      values: { name: 'Later' },
    })
    expect(pending.status).toBe('pending_approval')
    expect(d.sandbox.writes().received['res.partner.create']).toBeUndefined()
  })
})
