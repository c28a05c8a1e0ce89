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
  /** The Set-Cookie header lines, as sent (web-session.ts reads Odoo's session cookie from them). */
  setCookie: string[]
}

export interface HttpPoster {
  request(
    method: 'GET' | 'POST',
    url: URL,
    body: unknown,
    headers: Record<string, string>,
    timeout_ms: number,
    options?: RequestOptions,
  ): Promise<HttpAnswer>
  close(): void
}

export interface RequestOptions {
  /**
   * The call only reads, so it may be sent again when a pooled keep-alive connection turns out to
   * have been closed by the server (ECONNRESET before any answer). Never set for writes: a reset
   * can also mean Odoo received the call, and a write must run at most once.
   */
  read_only?: boolean
}

/** Bodies above this are refused rather than buffered: no Odoo answer we use comes near it. */
const MAX_BODY_BYTES = 64 * 1024 * 1024

export function createHttpPoster(options: { maxSockets?: number } = {}): HttpPoster {
  // One pool per client: Odoo answers cookie-less calls in ~10-20 ms, so a new TLS/TCP handshake
  // per call would be a large share of every tool call.
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64, scheduling: 'lifo' as const }
  const httpAgent = new http.Agent(agentOptions)
  const httpsAgent = new https.Agent(agentOptions)

  async function request(
    method: 'GET' | 'POST',
    url: URL,
    body: unknown,
    headers: Record<string, string>,
    timeout_ms: number,
    options: RequestOptions = {},
  ): Promise<HttpAnswer> {
    const started = Date.now()
    try {
      return await attempt(method, url, body, headers, timeout_ms)
    } catch (error) {
      const left = timeout_ms - (Date.now() - started)
      if (!(options.read_only && error instanceof StaleSocket && left > 0)) throw unwrap(error)
      return await attempt(method, url, body, headers, left).catch((again) => {
        throw unwrap(again)
      })
    }
  }

  function attempt(
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
      // Set once the whole request has been handed to the socket: from then on Odoo may act on it.
      let sent = false
      let answered = false
      const finish = (error: OdooError | StaleSocket | null, answer?: HttpAnswer) => {
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
          answered = true
          const chunks: Buffer[] = []
          let size = 0
          res.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (size > MAX_BODY_BYTES) {
              req.destroy()
              finish(
                new OdooError('network', `Odoo at ${url.origin} sent more than ${MAX_BODY_BYTES} bytes`, {
                  request_sent: true,
                }),
              )
              return
            }
            chunks.push(chunk)
          })
          res.on('end', () =>
            finish(null, {
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              body: Buffer.concat(chunks).toString('utf8'),
              setCookie: res.headers['set-cookie'] ?? [],
            }),
          )
          res.on('error', (cause) =>
            finish(
              new OdooError('network', `Odoo at ${url.origin} broke off its answer: ${cause.message}`, {
                cause,
                request_sent: true,
              }),
            ),
          )
        },
      )
      const timer = setTimeout(() => {
        finish(
          new OdooError('timeout', `Odoo at ${url.origin} did not answer within ${timeout_ms} ms`, {
            request_sent: sent,
          }),
        )
        req.destroy()
      }, timeout_ms)
      req.on('finish', () => {
        sent = true
      })
      req.on('error', (cause: NodeJS.ErrnoException) => {
        const error = new OdooError(
          'network',
          `Cannot reach Odoo at ${url.origin}: ${cause.code ?? cause.message}`,
          { cause, request_sent: sent },
        )
        // A pooled connection the server closed while idle: the request died with it unread.
        const stale = req.reusedSocket && !answered && cause.code === 'ECONNRESET'
        finish(stale ? new StaleSocket(error) : error)
      })
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

/** A reset on a reused keep-alive socket before any answer; carries the error to report if not retried. */
class StaleSocket extends Error {
  constructor(readonly error: OdooError) {
    super(error.message)
  }
}

function unwrap(error: unknown): unknown {
  return error instanceof StaleSocket ? error.error : error
}
