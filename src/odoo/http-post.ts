/**
 * Posts JSON to Odoo over pooled keep-alive connections with a hard per-call deadline.
 * Returns the raw status and body; does not interpret Odoo's payloads (jsonrpc.ts and json2.ts do).
 * Network failures and deadlines become OdooError('network' | 'timeout').
 */
import http from 'node:http'
import https from 'node:https'
import { OdooError } from './errors.js'

export interface HttpAnswer {
  status: number
  contentType: string
  body: string
}

export interface HttpPoster {
  request(
    method: 'GET' | 'POST',
    url: URL,
    body: unknown,
    headers: Record<string, string>,
    timeout_ms: number,
  ): Promise<HttpAnswer>
  close(): void
}

/** Bodies above this are refused rather than buffered: no Odoo answer we use comes near it. */
const MAX_BODY_BYTES = 64 * 1024 * 1024

export function createHttpPoster(options: { maxSockets?: number } = {}): HttpPoster {
  // One pool per client: Odoo answers cookie-less calls in ~10-20 ms, so a new TLS/TCP handshake
  // per call would be a large share of every tool call.
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64, scheduling: 'lifo' as const }
  const httpAgent = new http.Agent(agentOptions)
  const httpsAgent = new https.Agent(agentOptions)

  function request(
    method: 'GET' | 'POST',
    url: URL,
    body: unknown,
    headers: Record<string, string>,
    timeout_ms: number,
  ): Promise<HttpAnswer> {
    const payload = method === 'POST' ? Buffer.from(JSON.stringify(body), 'utf8') : null
    const secure = url.protocol === 'https:'
    const lib = secure ? https : http
    return new Promise<HttpAnswer>((resolve, reject) => {
      let settled = false
      const finish = (error: OdooError | null, answer?: HttpAnswer) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        if (error) reject(error)
        else resolve(answer as HttpAnswer)
      }
      const req = lib.request(
        url,
        {
          method,
          agent: secure ? httpsAgent : httpAgent,
          headers: {
            Accept: 'application/json',
            ...(payload
              ? { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': payload.length }
              : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = []
          let size = 0
          res.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (size > MAX_BODY_BYTES) {
              req.destroy()
              finish(new OdooError('network', `Odoo at ${url.origin} sent more than ${MAX_BODY_BYTES} bytes`))
              return
            }
            chunks.push(chunk)
          })
          res.on('end', () =>
            finish(null, {
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          )
          res.on('error', (cause) =>
            finish(
              new OdooError('network', `Odoo at ${url.origin} broke off its answer: ${cause.message}`, {
                cause,
              }),
            ),
          )
        },
      )
      const timer = setTimeout(() => {
        finish(new OdooError('timeout', `Odoo at ${url.origin} did not answer within ${timeout_ms} ms`))
        req.destroy()
      }, timeout_ms)
      req.on('error', (cause: NodeJS.ErrnoException) =>
        finish(
          new OdooError('network', `Cannot reach Odoo at ${url.origin}: ${cause.code ?? cause.message}`, {
            cause,
          }),
        ),
      )
      req.end(payload ?? undefined)
    })
  }

  return {
    request,
    close() {
      httpAgent.destroy()
      httpsAgent.destroy()
    },
  }
}
