/**
 * Raw JSON-RPC over Streamable HTTP, without the SDK client: one POST /mcp per message, the HTTP
 * status and headers kept, and the answer read from either a JSON body or an SSE stream. For tests
 * that must see exactly what went over the wire (status codes, one request per call, arguments the
 * SDK client would refuse to send). Stateless servers answer tools/call without an initialize.
 */

/** A JSON-RPC message as received; tests read it field by field and assert on what they find. */
export type JsonRpcMessage = Record<string, any>

export interface RawAnswer {
  status: number
  headers: Headers
  /** JSON-RPC messages in the answer (an SSE stream may carry several). */
  messages: JsonRpcMessage[]
  body: string
}

let nextId = 1

/** One POST /mcp; `message` as an object, or as the raw body text (e.g. JSON no serializer would write). */
export async function postMcp(
  url: string,
  token: string,
  message: Record<string, unknown> | string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  const response = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
      ...headers,
    },
    body: typeof message === 'string' ? message : JSON.stringify(message),
  })
  const body = await response.text()
  const type = response.headers.get('content-type') ?? ''
  let messages: JsonRpcMessage[] = []
  if (type.includes('text/event-stream')) {
    messages = body
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => JSON.parse(line.slice('data:'.length)) as JsonRpcMessage)
  } else if (type.includes('application/json') && body) {
    const parsed = JSON.parse(body) as JsonRpcMessage | JsonRpcMessage[]
    messages = Array.isArray(parsed) ? parsed : [parsed]
  }
  return { status: response.status, headers: response.headers, messages, body }
}

/** tools/call as one raw request; `arguments` may be anything, even what the schema forbids. */
export function rawToolCall(url: string, token: string, name: string, args: unknown): Promise<RawAnswer> {
  return postMcp(url, token, {
    jsonrpc: '2.0',
    id: nextId++,
    method: 'tools/call',
    params: { name, arguments: args },
  })
}
