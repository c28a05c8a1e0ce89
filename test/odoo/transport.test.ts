/**
 * The Odoo client's HTTP behaviour against hand-made servers: connection reuse, the per-call
 * deadline, and answers that are not Odoo's API. Odoo semantics are tested against the sandbox in
 * client.test.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createOdooClient, OdooError } from '../../src/odoo/index.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.()
})

/**
 * Answers anything but POST /jsonrpc (the client's background GETs for Odoo's session cookie) with
 * a 404 on a connection it then closes, so those GETs never share a connection with the calls a
 * test counts. True when it answered.
 */
function notJsonRpc(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'POST' && req.url === '/jsonrpc') return false
  req.resume()
  res.writeHead(404, { 'Content-Type': 'text/html', Connection: 'close' })
  res.end('<html>Not Found</html>')
  return true
}

function listen(server: Server | TcpServer): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))
  })
}

describe('Odoo client transport', () => {
  it('reuses one keep-alive connection for sequential calls', async () => {
    // Counts the connections that carried /jsonrpc calls; the client's background session-cookie
    // GETs get a 404 and a closed connection, as from a server that is not Odoo's web client.
    const sockets = new Set<Socket>()
    const server = createServer((req, res) => {
      if (notJsonRpc(req, res)) return
      sockets.add(req.socket)
      let body = ''
      req.on('data', (c) => {
        body += c
      })
      req.on('end', () => {
        const { id } = JSON.parse(body)
        res.setHeader('Content-Type', 'application/json')
        res.end(JSON.stringify({ jsonrpc: '2.0', id, result: 7 }))
      })
    })
    const url = await listen(server)
    const odoo = createOdooClient({ url, db: 'x', protocol: 'jsonrpc', timeout_ms: 2000 })
    cleanups.push(
      () => new Promise<void>((r) => server.close(() => r())),
      () => odoo.close(),
    )
    const session = odoo.session({ login: 'a', secret: 'b', uid: 2 })
    for (let i = 0; i < 5; i++)
      expect(await session.call('res.partner', 'search_count', { kwargs: { domain: [] } })).toBe(7)
    expect(sockets.size).toBe(1)
  })

  it('ends a call to a server that never answers with a timeout error within the set timeout', async () => {
    const sockets: Socket[] = []
    const server = createTcpServer((socket) => {
      sockets.push(socket) // accept and say nothing
    })
    const url = await listen(server)
    const odoo = createOdooClient({ url, db: 'x', protocol: 'jsonrpc', timeout_ms: 300 })
    cleanups.push(
      () => {
        for (const s of sockets) s.destroy()
        return new Promise<void>((r) => server.close(() => r()))
      },
      () => odoo.close(),
    )
    const started = performance.now()
    const error = await odoo.authenticate({ login: 'a', secret: 'b' }).catch((e: unknown) => e)
    const elapsed = performance.now() - started
    expect(error).toBeInstanceOf(OdooError)
    expect((error as OdooError).kind).toBe('timeout')
    expect(elapsed).toBeGreaterThanOrEqual(290)
    expect(elapsed).toBeLessThan(2000)
  })

  it('reports an unreachable Odoo as a network error', async () => {
    const server = createTcpServer()
    const url = await listen(server)
    await new Promise<void>((r) => server.close(() => r())) // the port is now closed
    const odoo = createOdooClient({ url, db: 'x', protocol: 'jsonrpc', timeout_ms: 2000 })
    cleanups.push(() => odoo.close())
    const error = await odoo.version().catch((e: unknown) => e)
    expect((error as OdooError).kind).toBe('network')
    expect((error as OdooError).message).toContain('ECONNREFUSED')
  })

  it('reports an HTML page (a wrong ODOO_URL) as a network error that says so', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/html' })
      res.end('<html>Not Found</html>')
    })
    const url = await listen(server)
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())))
    for (const protocol of ['jsonrpc', 'json2'] as const) {
      const odoo = createOdooClient({ url, db: 'x', protocol, timeout_ms: 2000 })
      cleanups.push(() => odoo.close())
      const error = await odoo
        .session({ login: 'a', secret: 'b', uid: 2 })
        .call('res.partner', 'search_count', { kwargs: { domain: [] } })
        .catch((e: unknown) => e)
      expect((error as OdooError).kind).toBe('network')
      expect((error as OdooError).message).toMatch(/ODOO_URL/)
    }
  })

  describe('a keep-alive connection the server reset before answering', () => {
    // Answers the first request on each connection and resets the connection at the next one, as a
    // server does that closed an idle keep-alive connection just as the client reused it.
    async function resettingServer() {
      const seen = { requests: 0, connections: 0 }
      const sockets = new Set<Socket>()
      const server = createServer((req, res) => {
        if (notJsonRpc(req, res)) return
        seen.requests++
        if (!sockets.has(req.socket)) {
          sockets.add(req.socket)
          seen.connections++
        }
        const served = (req.socket as Socket & { served?: number }).served ?? 0
        ;(req.socket as Socket & { served?: number }).served = served + 1
        if (served > 0) {
          req.socket.resetAndDestroy()
          return
        }
        let body = ''
        req.on('data', (c) => {
          body += c
        })
        req.on('end', () => {
          res.setHeader('Content-Type', 'application/json')
          res.end(JSON.stringify({ jsonrpc: '2.0', id: JSON.parse(body).id, result: 7 }))
        })
      })
      const url = await listen(server)
      const odoo = createOdooClient({ url, db: 'x', protocol: 'jsonrpc', timeout_ms: 2000 })
      cleanups.push(
        () => new Promise<void>((r) => server.close(() => r())),
        () => odoo.close(),
      )
      return { seen, session: odoo.session({ login: 'a', secret: 'b', uid: 2 }) }
    }

    it('sends a read again on a new connection', async () => {
      const { seen, session } = await resettingServer()
      expect(await session.call('res.partner', 'search_count', { kwargs: { domain: [] } })).toBe(7)
      expect(await session.call('res.partner', 'search_count', { kwargs: { domain: [] } })).toBe(7)
      expect(seen).toEqual({ requests: 3, connections: 2 })
    })

    it('never sends a write again, and says it may have arrived', async () => {
      const { seen, session } = await resettingServer()
      expect(await session.call('res.partner', 'search_count', { kwargs: { domain: [] } })).toBe(7)
      const error = await session.call('res.partner', 'unlink', { ids: [1] }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(OdooError)
      expect(error).toMatchObject({ kind: 'network', request_sent: true })
      expect((error as OdooError).message).toContain('ECONNRESET')
      await new Promise((r) => setTimeout(r, 100))
      expect(seen).toEqual({ requests: 2, connections: 1 })
    })
  })

  it('tells a call that never left (refused) from one that may have arrived (timed out)', async () => {
    const closed = createTcpServer()
    const closedUrl = await listen(closed)
    await new Promise<void>((r) => closed.close(() => r()))
    const refused = createOdooClient({ url: closedUrl, db: 'x', protocol: 'json2', timeout_ms: 2000 })
    cleanups.push(() => refused.close())
    const neverSent = await refused
      .session({ login: 'a', secret: 'b', uid: 2 })
      .call('res.partner', 'unlink', { ids: [1] })
      .catch((e: unknown) => e)
    expect(neverSent).toMatchObject({ kind: 'network', request_sent: false })

    const sockets: Socket[] = []
    const silent = createTcpServer((socket) => {
      sockets.push(socket)
    })
    const silentUrl = await listen(silent)
    const slow = createOdooClient({ url: silentUrl, db: 'x', protocol: 'json2', timeout_ms: 200 })
    cleanups.push(
      () => {
        for (const socket of sockets) socket.destroy()
        return new Promise<void>((r) => silent.close(() => r()))
      },
      () => slow.close(),
    )
    const maybe = await slow
      .session({ login: 'a', secret: 'b', uid: 2 })
      .call('res.partner', 'unlink', { ids: [1] })
      .catch((e: unknown) => e)
    expect(maybe).toMatchObject({ kind: 'timeout', request_sent: true })
  })
})
