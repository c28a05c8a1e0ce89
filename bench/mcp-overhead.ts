/**
 * Figure 1: the same `search_read` (20 partners, the tool's default fields) as a direct JSON-RPC
 * call through Countersign's own Odoo client, and as an MCP `tools/call` through the running
 * server, at concurrency 1 and 32, in alternating rounds. MCP overhead = median(MCP) − median(direct).
 * At concurrency 1 it also times the official SDK client (its own client-side work included), an
 * HTTP round trip that does nothing (the floor of any extra hop), the server's CPU time per call
 * (from /proc), and the SDK's stateless handler with its Node adapter on a bare HTTP server with
 * no tools: the part of the overhead that is the SDK's, whatever Countersign does.
 */

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import { toNodeHandler } from '@modelcontextprotocol/node'
import { createMcpHandler, Server } from '@modelcontextprotocol/server'
import { defaultFields } from '../src/tools/read-tools.js'
import { signInOverHttp } from '../test/helpers/oauth-http.js'
import type { Deployment } from './deployment.js'
import { keepAlive, mcpPoster, request } from './http.js'
import { type Row, ratioOf } from './report.js'
import { compare, measure, type Summary } from './stats.js'
import type { OdooTarget } from './target.js'

const MODEL = 'res.partner'
const LIMIT = 20

export async function mcpOverhead(
  target: OdooTarget,
  d: Deployment,
  options: { quick: boolean; sdk: boolean },
): Promise<Row[]> {
  const session = await d.odoo.authenticate(target.requester)
  // Exactly what the search_read tool sends for {"model": "res.partner", "limit": 20}.
  const direct = () =>
    session.call(MODEL, 'search_read', {
      kwargs: { domain: [], fields: defaultFields(MODEL), offset: 0, limit: LIMIT + 1 },
    })
  const agent = keepAlive(64)
  const mcp = mcpPoster(d.server.url, d.plain.token, { agent })
  const viaMcp = () =>
    mcp.call('tools/call', { name: 'search_read', arguments: { model: MODEL, limit: LIMIT } })
  const mcp2026 = mcpPoster(d.server.url, d.plain.token, { agent, era: '2026' })
  const viaMcp2026 = () =>
    mcp2026.call('tools/call', { name: 'search_read', arguments: { model: MODEL, limit: LIMIT } })
  // The same call with an OAuth access token (another store lookup: the token, its grant, the
  // connection) instead of a connection token, where the bench can sign the requester in.
  const oauthToken = target.requester_password
    ? await oauthAccessToken(d.server.url, target.requester.login, target.requester_password)
    : null
  const mcpOAuth = oauthToken ? mcpPoster(d.server.url, oauthToken, { agent }) : null
  const viaOAuth = () =>
    (mcpOAuth as NonNullable<typeof mcpOAuth>).call('tools/call', {
      name: 'search_read',
      arguments: { model: MODEL, limit: LIMIT },
    })
  // The floor of any extra HTTP hop to a Fastify server on this machine: no MCP, no Odoo, no database.
  const healthz = () => request(agent, new URL('/healthz', d.server.url))

  const sdk = new Client({ name: 'countersign-bench', version: '1.0.0' })
  if (options.sdk) {
    await sdk.connect(
      new StreamableHTTPClientTransport(new URL('/mcp', d.server.url), {
        requestInit: { headers: { Authorization: `Bearer ${d.plain.token}` } },
      }),
    )
  }
  const viaSdk = () => sdk.callTool({ name: 'search_read', arguments: { model: MODEL, limit: LIMIT } })

  const rows: Row[] = []
  let measured1: Partial<Record<'healthz', Summary>> | undefined
  const section = `1. search_read, direct JSON-RPC vs MCP tools/call (${d.engine})`
  try {
    for (const concurrency of [1, 32]) {
      const count = (options.quick ? 300 : 3000) * (concurrency === 1 ? 1 : 2)
      const variants =
        concurrency === 1
          ? {
              direct,
              mcp: viaMcp,
              mcp2026: viaMcp2026,
              healthz,
              ...(options.sdk && { sdk: viaSdk }),
              ...(mcpOAuth && { oauth: viaOAuth }),
            }
          : { direct, mcp: viaMcp }
      const measured: Record<'direct' | 'mcp', Summary> &
        Partial<Record<'mcp2026' | 'healthz' | 'sdk' | 'oauth', Summary>> = await compare(
        variants as Record<
          'direct' | 'mcp' | 'mcp2026' | 'healthz' | 'sdk' | 'oauth',
          () => Promise<unknown>
        >,
        {
          warmup: options.quick ? 50 : 500,
          count,
          concurrency,
          rounds: 6,
        },
      )
      if (concurrency === 1) measured1 = measured
      const overhead = measured.mcp.median_ms - measured.direct.median_ms
      rows.push(
        { section, name: `c=${concurrency} direct JSON-RPC (src/odoo)`, summary: measured.direct },
        {
          section,
          name: `c=${concurrency} MCP tools/call (raw HTTP)`,
          summary: measured.mcp,
          ratio: ratioOf(measured.mcp, measured.direct, 'direct'),
        },
        {
          section,
          name: `c=${concurrency} MCP overhead (median − median)`,
          value: { amount: overhead, unit: 'ms' },
          target: { text: '≤ 1 ms median', met: overhead <= 1 },
        },
      )
      if (measured.mcp2026)
        rows.push({
          section,
          name: `c=${concurrency} MCP tools/call, 2026-07-28 era`,
          summary: measured.mcp2026,
          ratio: ratioOf(measured.mcp2026, measured.direct, 'direct'),
          note: `overhead ${(measured.mcp2026.median_ms - measured.direct.median_ms).toFixed(3)} ms: JSON answer, no SSE stream`,
        })
      if (measured.oauth)
        rows.push({
          section,
          name: `c=${concurrency} MCP tools/call with an OAuth access token`,
          summary: measured.oauth,
          ratio: ratioOf(measured.oauth, measured.mcp, 'connection token'),
          note: `overhead ${(measured.oauth.median_ms - measured.direct.median_ms).toFixed(3)} ms: the token, its grant and its connection are looked up`,
        })
      if (measured.healthz)
        rows.push({
          section,
          name: `c=${concurrency} HTTP floor: GET /healthz`,
          summary: measured.healthz,
          note: 'any HTTP hop to the server costs this much: part of every MCP call, not of a direct one',
        })
      if (measured.sdk)
        rows.push({
          section,
          name: `c=${concurrency} MCP via the official SDK client`,
          summary: measured.sdk,
          ratio: ratioOf(measured.sdk, measured.direct, 'direct'),
          note: 'includes the SDK client’s own work (SSE, result validation)',
        })
    }
    const cpuPerCall = async (op: () => Promise<unknown>, count: number) => {
      const before = d.server.cpu_ms()
      await measure(op, { warmup: 0, count, concurrency: 1 })
      return (d.server.cpu_ms() - before) / count
    }
    const calls = options.quick ? 500 : 3000
    const cpuMcp = await cpuPerCall(viaMcp, calls)
    const cpuHealthz = await cpuPerCall(healthz, calls)
    const floor = await sdkFloorServer()
    const floorMcp = mcpPoster(floor.url, 'none', { agent })
    const sdkAlone = await measure(() => floorMcp.call('tools/list'), {
      warmup: 500,
      count: calls,
      concurrency: 1,
    })
    await floor.close()
    rows.push(
      { section, name: 'server CPU per MCP search_read', value: { amount: cpuMcp, unit: 'ms' } },
      {
        section,
        name: 'server CPU per GET /healthz',
        value: { amount: cpuHealthz, unit: 'ms' },
        ratio: ratioOf(cpuMcp, cpuHealthz, 'MCP call / healthz'),
      },
      {
        section,
        name: 'SDK floor: tools/list, empty server, over HTTP',
        summary: sdkAlone,
        ratio: ratioOf(sdkAlone, measured1?.healthz ?? sdkAlone, 'GET /healthz'),
        note: 'createMcpHandler + toNodeHandler on bare node:http in this process; no Fastify, no Countersign',
      },
    )
  } finally {
    mcp.close()
    mcp2026.close()
    agent.destroy()
    if (options.sdk) await sdk.close()
  }
  return rows
}

/**
 * The SDK's floor over HTTP: its stateless handler behind its own Node adapter on a bare node:http
 * server in this process, serving an MCP server with no tools. No Fastify, no Countersign.
 */
async function sdkFloorServer(): Promise<{ url: string; close(): Promise<void> }> {
  const handler = createMcpHandler(
    () => {
      const server = new Server({ name: 'floor', version: '1' }, { capabilities: { tools: {} } })
      server.setRequestHandler('tools/list', async () => ({ tools: [] }))
      return server
    },
    { legacy: 'stateless' },
  )
  const serve = toNodeHandler(handler)
  const server = createServer((req, res) => void serve(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Registers a client (RFC 7591) and signs the requester in over HTTP: an access token for /mcp. */
async function oauthAccessToken(base: string, login: string, password: string): Promise<string> {
  const redirect = 'http://127.0.0.1:9/bench/callback'
  const registered = await fetch(`${base}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'Countersign bench',
      redirect_uris: [redirect],
      token_endpoint_auth_method: 'none',
    }),
  })
  if (registered.status !== 201) throw new Error(`OAuth registration answered ${registered.status}`)
  const { client_id } = (await registered.json()) as { client_id: string }
  return (await signInOverHttp(base, client_id, redirect, { login, password })).access_token
}
