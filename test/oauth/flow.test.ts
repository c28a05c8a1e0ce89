/**
 * Issue 13 acceptance, OAuth: the official MCP client signs in to Countersign by itself. From a 401 it
 * discovers the protected resource and authorization server metadata, registers (dynamic
 * registration, or the SDK's clientMetadataUrl: a Client ID Metadata Document the test serves over
 * https on 127.0.0.1, with the development setting on and serve trusting the test's certificate), sends the person to the consent page, where real Chromium signs in with
 * an Odoo login and allows; the client gets its tokens, lists the tools and files a gated call that
 * is recorded as the person who consented. The refresh token rotates (the old one stops working),
 * the revocation endpoint and revoking the connection both end the tokens with a readable 401.
 * On SQLite, and on PostgreSQL with two replicas behind a non-sticky proxy, so every step of the
 * browser and the client may land on either replica.
 */
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { type AuthorizationServerMetadata, auth, refreshAuthorization } from '@modelcontextprotocol/client'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readStoreConfig } from '../../src/config.js'
import { openStore, type Store } from '../../src/store/open-store.js'
import { hashToken } from '../../src/store/tokens.js'
import { launchChromium } from '../console/helpers.js'
import { Cleanups, runCli } from '../helpers/countersign.js'
import { postgresAvailable } from '../helpers/databases.js'
import { callTool, type Deployment, eventually, startDeployment } from '../helpers/deployment.js'
import {
  CLIENT_NAME,
  connected,
  connectNeedingSignIn,
  consentInChromium,
  MemoryOAuthProvider,
} from '../helpers/oauth-client.js'
import { type RoundRobinProxy, startRoundRobinProxy } from '../helpers/round-robin-proxy.js'
import { selfSignedCertificate } from '../helpers/tls.js'

const DEV_SETTING = { COUNTERSIGN_OAUTH_DEV_HTTP_CLIENT_IDS: 'true' }

async function mcpWith(base: string, token: string) {
  const response = await fetch(`${base}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
  })
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate') ?? '',
    body: await response.text(),
  }
}

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`OAuth sign-in of an MCP client (${engine}${engine === 'postgres' ? ', two replicas behind a round-robin proxy' : ''})`, () => {
    const cleanups = new Cleanups()
    let d: Deployment
    let base: string
    let proxy: RoundRobinProxy | undefined
    let browser: Browser
    let store: Store
    let documentUrl: string
    const runs = engine === 'sqlite' || postgresAvailable

    beforeAll(async () => {
      if (!runs) return
      // The client's metadata document is served over https from this machine, as the official client
      // requires of a clientMetadataUrl; serve trusts the test's certificate.
      const tls = selfSignedCertificate()
      let env: Record<string, string> = { ...DEV_SETTING, NODE_EXTRA_CA_CERTS: tls.cert_path }
      const upstreams: string[] = []
      if (engine === 'postgres') {
        // The proxy's address is the public URL of both replicas; they are added once started.
        proxy = await startRoundRobinProxy(upstreams, cleanups)
        env = { ...env, COUNTERSIGN_PUBLIC_URL: proxy.url }
      }
      d = await startDeployment(cleanups, { engine, replicas: engine === 'postgres' ? 2 : 1, env })
      upstreams.push(...d.servers.map((s) => s.url))
      base = proxy?.url ?? (d.servers[0] as { url: string }).url
      browser = await launchChromium(cleanups)
      store = await openStore(readStoreConfig(d.env), {})
      cleanups.push(() => store.close())
      // The client's metadata document, on this machine (the development setting).
      const documents = createServer({ key: tls.key, cert: tls.cert }, (request, response) => {
        const redirect = `http://127.0.0.1:9/cimd/callback`
        response.setHeader('content-type', 'application/json')
        response.end(
          JSON.stringify({
            client_id: documentUrl,
            client_name: 'Metadata Document Client',
            redirect_uris: [redirect],
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'],
            token_endpoint_auth_method: 'none',
          }),
        )
        void request
      })
      await new Promise<void>((resolve) => documents.listen(0, '127.0.0.1', resolve))
      cleanups.push(() => new Promise<void>((resolve) => documents.close(() => resolve())))
      documentUrl = `https://127.0.0.1:${(documents.address() as AddressInfo).port}/client.json`
    }, 120_000)
    afterAll(() => cleanups.run())

    it('dynamic registration: discovery from a 401, consent in Chromium, tools, a gated call as the person, refresh, revocation', async () => {
      if (!runs) return expect(engine).toBe('postgres')
      const redirect = 'http://127.0.0.1:9/dcr/callback'
      const provider = new MemoryOAuthProvider(redirect)
      const transport = await connectNeedingSignIn(base, provider)
      // Registered by RFC 7591 after discovery from the 401; sent to this server's authorize endpoint.
      const client_id = provider.info?.client_id as string
      expect(client_id).toMatch(/^[A-Za-z0-9_-]{20,}$/)
      const authorizationUrl = provider.authorizationUrl as URL
      expect(authorizationUrl.href.startsWith(`${base}/oauth/authorize?`)).toBe(true)
      expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256')
      expect(authorizationUrl.searchParams.get('resource')).toBe(`${base}/mcp`)

      const { callback } = await consentInChromium(
        browser,
        authorizationUrl,
        redirect,
        { login: 'demo', password: 'demo', decision: 'allow' },
        async (page) => {
          // The hostile name is shown as text, never as markup.
          expect(await page.locator('h1 .client-name').textContent()).toBe(CLIENT_NAME)
          expect(await page.locator('img').count()).toBe(0)
          expect(await page.locator('.redirect-host').textContent()).toBe('127.0.0.1:9')
          expect(await page.locator('ul.policy').textContent()).toContain('delete_record')
        },
      )
      expect(callback?.searchParams.get('code')).toBeTruthy()
      await transport.finishAuth(callback?.searchParams as URLSearchParams)
      const first = provider.stored
      expect(first?.access_token).toBeTruthy()
      expect(first?.refresh_token).toBeTruthy()
      expect(first?.token_type.toLowerCase()).toBe('bearer')

      // The connection is demo's, and the database holds only hashes of the tokens.
      const connection = await store.db
        .selectFrom('connection')
        .selectAll()
        .where('oauth_client_id', '=', client_id)
        .executeTakeFirstOrThrow()
      expect(connection).toMatchObject({ odoo_login: 'demo', status: 'active' })
      const tokenRows = await store.db
        .selectFrom('oauth_record')
        .select(['model', 'id', 'payload'])
        .where('grant_id', '=', connection.oauth_grant_id)
        .execute()
      expect(tokenRows.map((r) => r.model).sort()).toEqual([
        'AccessToken',
        'AuthorizationCode',
        'RefreshToken',
      ])
      const everything = JSON.stringify(await store.db.selectFrom('oauth_record').selectAll().execute())
      expect(everything).not.toContain(first?.access_token)
      expect(everything).not.toContain(first?.refresh_token)
      expect(tokenRows.map((r) => r.id)).toContain(hashToken(first?.access_token as string))

      const mcp = await connected(base, provider, cleanups)
      const names = (await mcp.listTools()).tools.map((t) => t.name)
      expect(names).toContain('delete_record')
      const created = await d.odooAdmin.call<number[]>('res.partner', 'create', {
        kwargs: { vals_list: [{ name: `OAuth partner (${engine})` }] },
      })
      const pending = await callTool(mcp, 'delete_record', { model: 'res.partner', id: created[0] })
      expect(pending.status).toBe('pending_approval')
      const filed = await d.api('admin', 'admin', 'GET', `/approvals/${pending.request_id}`)
      expect(filed.status).toBe(200)
      expect(filed.body.requester).toMatchObject({ login: 'demo' })

      // Refresh: new tokens; the new access token works.
      expect(await auth(provider, { serverUrl: `${base}/mcp` })).toBe('AUTHORIZED')
      const second = provider.stored
      expect(second?.refresh_token).toBeTruthy()
      expect(second?.refresh_token).not.toBe(first?.refresh_token)
      expect(second?.access_token).not.toBe(first?.access_token)
      expect((await mcpWith(base, second?.access_token as string)).status).toBe(200)

      // Revocation endpoint: the access token stops at once, with a reason a person can read.
      const revoked = await fetch(`${base}/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: second?.access_token as string, client_id }),
      })
      expect(revoked.status).toBe(200)
      const refused = await mcpWith(base, second?.access_token as string)
      expect(refused.status).toBe(401)
      expect(refused.challenge).toContain('error="invalid_token"')
      expect(refused.challenge).toContain(
        'error_description="the access token is unknown or was revoked; sign in again"',
      )
      expect(refused.challenge).toContain(
        `resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`,
      )

      // Revoking its token is the client disconnecting: the connection is revoked with it.
      await eventually(
        async () =>
          (
            await store.db
              .selectFrom('connection')
              .select('status')
              .where('connection_id', '=', connection.connection_id)
              .executeTakeFirstOrThrow()
          ).status === 'revoked' || undefined,
        10_000,
        'the connection to be revoked',
      )
      // No token ever reached a log line.
      const logs = d.servers.map((s) => s.logs()).join('\n')
      for (const token of [
        first?.access_token,
        first?.refresh_token,
        second?.access_token,
        second?.refresh_token,
      ])
        expect(logs).not.toContain(token)

      // The rotated-away refresh token no longer works (nor would the new one: the grant is gone).
      await expect(
        refreshAuthorization(base, {
          metadata: (await (
            await fetch(`${base}/.well-known/oauth-authorization-server`)
          ).json()) as AuthorizationServerMetadata,
          clientInformation: { client_id },
          refreshToken: first?.refresh_token as string,
          resource: new URL(`${base}/mcp`),
        }),
      ).rejects.toThrow(/grant/i)
      if (proxy) {
        const upstreams = new Set(proxy.log.map((r) => r.upstream))
        expect(upstreams).toEqual(new Set([0, 1]))
      }
    }, 120_000)

    it('client ID metadata document: deny gives access_denied; allow works; revoking the connection ends its tokens', async () => {
      if (!runs) return expect(engine).toBe('postgres')
      const redirect = 'http://127.0.0.1:9/cimd/callback'
      const provider = new MemoryOAuthProvider(redirect, documentUrl)
      await connectNeedingSignIn(base, provider)
      // The SDK took the document's URL as the client id (the server's metadata says it may), unregistered.
      expect(provider.clientInformation()?.client_id).toBe(documentUrl)
      expect(provider.authorizationUrl?.searchParams.get('client_id')).toBe(documentUrl)
      const denied = await consentInChromium(
        browser,
        provider.authorizationUrl as URL,
        redirect,
        { login: 'demo', password: 'demo', decision: 'deny' },
        async (page) => {
          expect(await page.locator('h1 .client-name').textContent()).toBe('Metadata Document Client')
        },
      )
      expect(denied.callback?.searchParams.get('error')).toBe('access_denied')

      // A wrong password keeps the person on the page and creates nothing.
      const transport = await connectNeedingSignIn(base, provider)
      const wrong = await consentInChromium(browser, provider.authorizationUrl as URL, redirect, {
        login: 'demo',
        password: 'not-the-password',
        decision: 'allow',
      })
      expect(wrong.callback).toBeUndefined()
      expect(await wrong.page.locator('.banner-error').textContent()).toBeTruthy()
      await wrong.page.fill('#secret', 'demo')
      await wrong.page.click('button[value="allow"]')
      let callback: URL | undefined
      await wrong.page.waitForURL((url) => {
        if (url.href.startsWith(redirect)) callback = url
        return callback !== undefined
      })
      await transport.finishAuth((callback as URL).searchParams)
      const mcp = await connected(base, provider, cleanups)
      expect((await mcp.listTools()).tools.length).toBeGreaterThan(5)

      const connections = await store.db
        .selectFrom('connection')
        .selectAll()
        .where('oauth_client_id', '=', documentUrl)
        .execute()
      expect(connections).toHaveLength(1)
      const connection = connections[0] as (typeof connections)[number]
      // No token can be rotated into existence for it: that would be a way in beside the grant.
      const rotation = await runCli(['connection', 'rotate', String(connection.connection_id)], d.env)
      expect(rotation.code).not.toBe(0)
      expect(rotation.stderr).toMatch(/authorised over OAuth/)
      const result = await runCli(['connection', 'revoke', String(connection.connection_id)], d.env)
      expect(result.code, result.stderr).toBe(0)
      const refused = await mcpWith(base, provider.stored?.access_token as string)
      expect(refused.status).toBe(401)
      expect(refused.challenge).toMatch(/error_description="[^"]*(revoked)[^"]*"/)
      const left = await store.db
        .selectFrom('oauth_record')
        .select('model')
        .where('grant_id', '=', connection.oauth_grant_id)
        .execute()
      expect(left).toEqual([])
    }, 120_000)
  })
}
