/**
 * The Odoo client's HTTP behaviour against hand-made servers: connection reuse, the per-call
 * deadline, and answers that are not Odoo's API. Odoo semantics are tested against the sandbox in
 * client.test.ts.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createOdooClient, OdooError } from '../../src/odoo/index.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.()
})

function listen(server: Server | TcpServer): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))
  })
}

describe('Odoo client transport', () => {
  it('reuses one keep-alive connection for sequential calls', async () => {
    let connections = 0
    const server = createServer((req, res) => {
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
    server.on('connection', () => {
      connections++
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
    expect(connections).toBe(1)
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
})
