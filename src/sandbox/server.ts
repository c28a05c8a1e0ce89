/**
 * The sandbox's HTTP server (node:http, keep-alive): routes `/jsonrpc`, `/json/2/<model>/<method>`,
 * `GET /web/version`, the web routes that make and end a session (`GET /web`, `/web/login`,
 * `/web/session/logout`: web-sessions.ts), the password login and calls on it
 * (`/web/session/authenticate`, `/web/dataset/call_kw`, `/web/session/destroy`: web-login.ts) and the `/__sandbox/` test hooks to their handlers, and
 * answers anything else with 404. Does not implement Odoo's web client or other routes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { handleJson2, VERSION_19 } from './json2.js'
import { handleJsonRpc } from './jsonrpc.js'
import type { Runtime } from './runtime.js'
import { handleHook } from './test-hooks.js'
import { handleWebLogin } from './web-login.js'
import { sessionCookie, type WebAnswer } from './web-sessions.js'

const MAX_BODY = 16 * 1024 * 1024

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) {
        reject(new Error('request body too large'))
        request.destroy()
      } else chunks.push(chunk)
    })
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
  })
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  response.writeHead(status, {
    'content-type':
      typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  response.end(text)
}

function sendWeb(response: ServerResponse, answer: WebAnswer): void {
  response.writeHead(answer.status, { 'content-length': Buffer.byteLength(answer.body), ...answer.headers })
  response.end(answer.body)
}

function headerMap(request: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(request.headers))
    out[key] = Array.isArray(value) ? value[0] : value
  return out
}

async function route(runtime: Runtime, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://sandbox')
  const path = url.pathname
  const method = request.method ?? 'GET'
  const raw = await readBody(request)

  if (path === '/jsonrpc' && method === 'POST') {
    let body: unknown
    try {
      body = JSON.parse(raw)
    } catch {
      // odoo/http.py JsonRPCDispatcher: a plain 400, outside the JSON-RPC envelope.
      return send(response, 400, 'Invalid JSON data')
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return send(response, 400, 'Invalid JSON-RPC data')
    runtime.sessions.jsonrpc(sessionCookie(request.headers.cookie))
    return send(response, 200, await handleJsonRpc(runtime, body))
  }

  if (
    path.startsWith('/web/session/authenticate') ||
    path === '/web/session/destroy' ||
    path.startsWith('/web/dataset/call_kw')
  ) {
    if (method !== 'POST') return send(response, 405, 'Method Not Allowed')
    let body: unknown
    try {
      body = JSON.parse(raw)
    } catch {
      return send(response, 400, 'Invalid JSON data')
    }
    const answer = await handleWebLogin(runtime, path, (body ?? {}) as object, request.headers.cookie)
    if (answer) return send(response, 200, answer.body, answer.headers)
  }

  if ((path === '/web' || path === '/web/login') && method === 'GET')
    return sendWeb(
      response,
      runtime.sessions.webClient(path, url.searchParams, sessionCookie(request.headers.cookie)),
    )
  if (path === '/web/session/logout' && method === 'GET')
    return sendWeb(response, runtime.sessions.logout(sessionCookie(request.headers.cookie)))

  const json2 = /^\/json\/2\/([^/]+)\/([^/]+)$/.exec(path)
  if (json2) {
    const answer = await handleJson2(runtime, {
      method,
      model: decodeURIComponent(json2[1] as string),
      name: decodeURIComponent(json2[2] as string),
      headers: headerMap(request),
      rawBody: raw,
    })
    return send(response, answer.status, answer.body, answer.headers)
  }

  if (path === '/web/version' && method === 'GET') return send(response, 200, VERSION_19)

  if (path.startsWith('/__sandbox/')) {
    let body: unknown = {}
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw)
      } catch {
        return send(response, 400, { error: 'invalid JSON' })
      }
    }
    const answer = handleHook(runtime, method, path, body)
    return send(response, answer.status, answer.body)
  }

  return send(response, 404, 'Not Found')
}

export function createSandboxServer(runtime: Runtime): Server {
  const server = createServer((request, response) => {
    route(runtime, request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { error: String((error as Error)?.message ?? error) })
      else response.destroy()
    })
  })
  // Odoo's threaded werkzeug server keeps an idle keep-alive connection open until the client closes
  // it (its request handler has no socket timeout outside --test-enable: odoo/service/server.py).
  // Node's default closes it after 5 s, which a loaded client could race with a write on the same
  // socket and get ECONNRESET where real Odoo never resets. close() ends open connections itself.
  server.keepAliveTimeout = 0
  return server
}
