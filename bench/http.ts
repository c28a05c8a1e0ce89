/**
 * Minimal HTTP clients for the load generator, over node:http keep-alive agents like the Odoo
 * client's own (src/odoo/http-post.ts), so both sides of a comparison pay the same client costs:
 * raw MCP JSON-RPC posts to /mcp (answer read from JSON or an SSE stream, as the SDK would), and
 * plain GET/POST with a small cookie jar for the console and the JSON API. Does not retry.
 */
import http from 'node:http'

export interface HttpAnswer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

export function request(
  agent: http.Agent,
  url: URL,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? null : Buffer.from(options.body, 'utf8')
    const req = http.request(
      url,
      {
        agent,
        method: options.method ?? 'GET',
        headers: { ...options.headers, ...(payload ? { 'content-length': String(payload.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(payload ?? undefined)
  })
}

export function keepAlive(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets, scheduling: 'lifo' })
}

export interface McpPoster {
  /** Sends one JSON-RPC request and returns its `result`; throws on an error answer or an isError result. */
  call(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>
  close(): void
}

let nextId = 1

const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'countersign-bench', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
}

/**
 * Stateless JSON-RPC posts to /mcp. Era '2025' is the 2025-11-25 protocol most clients speak (the
 * server answers over SSE); '2026' sends the 2026-07-28 envelope (`_meta` and Mcp-Method / Mcp-Name
 * headers), answered with a plain JSON body.
 */
export function mcpPoster(
  base: string,
  token: string,
  options: { agent?: http.Agent; era?: '2025' | '2026' } = {},
): McpPoster {
  const agent = options.agent ?? keepAlive(64)
  const url = new URL('/mcp', base)
  const modern = options.era === '2026'
  return {
    async call(method, params = {}) {
      const name = typeof params.name === 'string' ? params.name : undefined
      const answer = await request(agent, url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': modern ? '2026-07-28' : '2025-11-25',
          ...(modern && { 'mcp-method': method, ...(name && { 'mcp-name': name }) }),
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: nextId++,
          method,
          params: modern ? { ...params, _meta: MODERN_META } : params,
        }),
      })
      const message = parseAnswer(answer)
      if (message.error) throw new Error(`${method}: ${JSON.stringify(message.error)}`)
      const result = message.result as Record<string, unknown>
      if (result?.isError) throw new Error(`${method}: ${JSON.stringify(result.content)}`)
      return result
    },
    close: () => {
      if (!options.agent) agent.destroy()
    },
  }
}

function parseAnswer(answer: HttpAnswer): { result?: unknown; error?: unknown } {
  const type = String(answer.headers['content-type'] ?? '')
  if (answer.status !== 200)
    throw new Error(`MCP answered HTTP ${answer.status}: ${answer.body.slice(0, 300)}`)
  if (type.includes('text/event-stream')) {
    const data = answer.body.split('\n').find((line) => line.startsWith('data:'))
    if (!data) throw new Error(`MCP sent an SSE stream without data: ${answer.body.slice(0, 300)}`)
    return JSON.parse(data.slice('data:'.length))
  }
  return JSON.parse(answer.body)
}

/** Cookies by name, from Set-Cookie headers; enough for the console's session and CSRF cookies. */
export class CookieJar {
  private readonly cookies = new Map<string, string>()
  take(headers: http.IncomingHttpHeaders): void {
    for (const line of headers['set-cookie'] ?? []) {
      const [pair] = line.split(';')
      const eq = pair?.indexOf('=') ?? -1
      if (pair && eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim())
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
}
