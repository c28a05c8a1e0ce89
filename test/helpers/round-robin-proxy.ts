/**
 * A non-sticky reverse proxy for tests: each incoming HTTP request goes to the next upstream in
 * turn (0, 1, 0, 1 …), whatever connection or MCP session it belongs to, the way a plain load
 * balancer without affinity would. Bodies and responses (including SSE streams) are piped through
 * unchanged, headers too (Authorization, Mcp-Method, Mcp-Name…). Records which upstream served
 * each request and the JSON-RPC method(s) in its body, so a test can prove the alternation.
 * Listens on 127.0.0.1, port 0; closed by the Cleanups it is given. Does no load balancing logic
 * beyond the counter and never retries.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Cleanups } from './countersign.js'

export interface ProxiedRequest {
  upstream: number
  method: string
  path: string
  /** JSON-RPC methods in the body (one, or several for a batch); empty for GET/DELETE. */
  rpc: string[]
  /** The bearer token's first characters, to tell connections apart without keeping the token. */
  token_prefix: string | null
  status: number | null
}

export interface RoundRobinProxy {
  url: string
  log: ProxiedRequest[]
}

function rpcMethods(body: Buffer): string[] {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown
    const messages = Array.isArray(parsed) ? parsed : [parsed]
    return messages
      .map((m) => (m && typeof m === 'object' && 'method' in m ? String(m.method) : 'response'))
      .filter(Boolean)
  } catch {
    return []
  }
}

export async function startRoundRobinProxy(
  upstreams: string[],
  cleanups: Cleanups,
): Promise<RoundRobinProxy> {
  const log: ProxiedRequest[] = []
  let next = 0
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = []
    incoming.on('data', (c: Buffer) => chunks.push(c))
    incoming.on('end', () => {
      const body = Buffer.concat(chunks)
      const upstream = next++ % upstreams.length
      const target = new URL(incoming.url ?? '/', upstreams[upstream])
      const auth = incoming.headers.authorization
      const entry: ProxiedRequest = {
        upstream,
        method: incoming.method ?? 'GET',
        path: target.pathname,
        rpc: body.length > 0 ? rpcMethods(body) : [],
        token_prefix: auth ? auth.replace(/^Bearer\s+/i, '').slice(0, 12) : null,
        status: null,
      }
      log.push(entry)
      const headers: IncomingHttpHeaders = { ...incoming.headers, host: target.host }
      const forwarded = httpRequest(
        target,
        { method: incoming.method, headers, agent: false },
        (response) => {
          entry.status = response.statusCode ?? null
          outgoing.writeHead(response.statusCode ?? 502, response.headers)
          response.pipe(outgoing)
        },
      )
      forwarded.on('error', (error) => {
        if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' })
        outgoing.end(`proxy: ${error.message}`)
      })
      forwarded.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, log }
}
