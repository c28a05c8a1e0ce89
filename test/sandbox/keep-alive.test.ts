/**
 * The sandbox keeps an idle keep-alive connection open as Odoo's threaded server does (no idle
 * timeout), instead of Node's 5 s: a connection reused after 6 s idle still answers, on the same
 * socket, and the sandbox sends no Keep-Alive timeout hint.
 */
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SandboxOdoo, startSandboxOdoo } from '../../src/sandbox/index.js'

describe('sandbox keep-alive', () => {
  let sandbox: SandboxOdoo
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  beforeAll(async () => {
    sandbox = await startSandboxOdoo()
  })
  afterAll(async () => {
    agent.destroy()
    await sandbox.close()
  })

  const version = () =>
    new Promise<{ status: number; keepAlive: string | undefined; socket: unknown }>((resolve, reject) => {
      const request = http.request(`${sandbox.url}/web/version`, { agent, method: 'GET' }, (response) => {
        response.resume()
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            keepAlive: response.headers['keep-alive'] as string | undefined,
            socket: request.socket,
          }),
        )
      })
      request.on('error', reject)
      request.end()
    })

  it('answers on the same socket after 6 s idle', async () => {
    const first = await version()
    expect(first.status).toBe(200)
    expect(first.keepAlive).toBeUndefined()
    await new Promise((resolve) => setTimeout(resolve, 6000))
    const second = await version()
    expect(second.status).toBe(200)
    expect(second.socket).toBe(first.socket)
  }, 15_000)
})
