/**
 * Client ID Metadata Documents on this machine (the development setting): only http URLs on a loopback
 * host are fetched, and a document is refused when it is too large, redirects, is not a JSON object,
 * names another client_id, holds a secret or asks for secret-based authentication.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchDevClientMetadata, isDevClientIdUrl } from '../../src/oauth/client-metadata.js'

describe('client metadata documents on loopback', () => {
  let server: Server
  let base: string
  const documents: Record<string, (url: string) => { status?: number; body: string; location?: string }> = {
    '/good.json': (url) => ({
      body: JSON.stringify({ client_id: url, client_name: 'Good', redirect_uris: ['http://127.0.0.1:9/cb'] }),
    }),
    '/other.json': () => ({ body: JSON.stringify({ client_id: 'http://127.0.0.1:1/else.json' }) }),
    '/big.json': (url) => ({ body: JSON.stringify({ client_id: url, padding: 'x'.repeat(6000) }) }),
    '/array.json': () => ({ body: '[]' }),
    '/broken.json': () => ({ body: '{' }),
    '/secret.json': (url) => ({ body: JSON.stringify({ client_id: url, client_secret: 's' }) }),
    '/basic.json': (url) => ({
      body: JSON.stringify({ client_id: url, token_endpoint_auth_method: 'client_secret_basic' }),
    }),
    '/moved.json': () => ({ status: 302, body: '', location: '/good.json' }),
  }

  beforeAll(async () => {
    server = createServer((request, response) => {
      const url = `${base}${request.url}`
      const answer = documents[request.url ?? '']?.(url) ?? { status: 404, body: '' }
      response.statusCode = answer.status ?? 200
      if (answer.location) response.setHeader('location', answer.location)
      response.setHeader('content-type', 'application/json')
      response.end(answer.body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('fetches only http(s) URLs on a loopback host', () => {
    expect(isDevClientIdUrl('http://127.0.0.1:8000/client.json')).toBe(true)
    expect(isDevClientIdUrl('http://localhost/client.json')).toBe(true)
    expect(isDevClientIdUrl('http://[::1]:8000/client.json')).toBe(true)
    expect(isDevClientIdUrl('https://127.0.0.1/client.json')).toBe(true)
    expect(isDevClientIdUrl('https://10.0.0.1/client.json')).toBe(false)
    expect(isDevClientIdUrl('ftp://127.0.0.1/client.json')).toBe(false)
    expect(isDevClientIdUrl('http://10.0.0.1/client.json')).toBe(false)
    expect(isDevClientIdUrl('http://example.com/client.json')).toBe(false)
    expect(isDevClientIdUrl('http://user@127.0.0.1/client.json')).toBe(false)
    expect(isDevClientIdUrl('http://127.0.0.1/client.json#x')).toBe(false)
    expect(isDevClientIdUrl('not a url')).toBe(false)
  })

  it('accepts a document that names itself, as a public client', async () => {
    expect(await fetchDevClientMetadata(`${base}/good.json`)).toEqual({
      client_id: `${base}/good.json`,
      client_name: 'Good',
      redirect_uris: ['http://127.0.0.1:9/cb'],
      token_endpoint_auth_method: 'none',
    })
  })

  it.each([
    ['/other.json', /names another client_id/],
    ['/big.json', /larger than 5120 bytes/],
    ['/array.json', /not a JSON object/],
    ['/broken.json', /not JSON/],
    ['/secret.json', /client_secret/],
    ['/basic.json', /token_endpoint_auth_method none/],
    ['/moved.json', /HTTP 302/],
    ['/missing.json', /HTTP 404/],
  ])('refuses %s', async (path, message) => {
    await expect(fetchDevClientMetadata(`${base}${path}`)).rejects.toThrow(message)
  })

  it('refuses a URL that is not on loopback without fetching it', async () => {
    await expect(fetchDevClientMetadata('http://192.0.2.1/client.json')).rejects.toThrow(/loopback/)
  })
})
