/**
 * An MCP client that signs in with OAuth, for tests: the official client's OAuthClientProvider kept
 * in memory (registered client, tokens, PKCE verifier, the authorization URL it would open), and the
 * person's part in real Chromium — open that URL, see Countersign's consent page, type the Odoo login
 * and password, Allow or Deny — ending at the client's redirect URI, which is intercepted (no server
 * needs to listen there); and the same flow over plain HTTP with a cookie-keeping agent
 * (signInOverHttp), which checks each step's status as it goes.
 */

import { createHash, randomBytes } from 'node:crypto'
import {
  Client,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client'
import type { Browser, Page } from 'playwright-core'
import { expect } from 'vitest'
import type { Cleanups } from './countersign.js'

export const CLIENT_NAME = 'Test AI <img src=x onerror=alert(1)> & "friends"'

export class MemoryOAuthProvider implements OAuthClientProvider {
  info: StoredOAuthClientInformation | undefined
  stored: StoredOAuthTokens | undefined
  verifier = ''
  discovery: OAuthDiscoveryState | undefined
  /** Where the client sent the person to sign in, last time it had to. */
  authorizationUrl: URL | undefined

  constructor(
    readonly redirect: string,
    /**
     * The https URL of this client's Client ID Metadata Document: the SDK uses it as the client id
     * where the server says it supports such documents, instead of registering.
     */
    readonly clientMetadataUrl?: string,
  ) {}

  get redirectUrl(): string {
    return this.redirect
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: CLIENT_NAME,
      redirect_uris: [this.redirect],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }
  }
  clientInformation() {
    return this.info
  }
  saveClientInformation(info: StoredOAuthClientInformation) {
    this.info = info
  }
  tokens() {
    return this.stored
  }
  saveTokens(tokens: StoredOAuthTokens) {
    this.stored = tokens
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier
  }
  codeVerifier() {
    return this.verifier
  }
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state
  }
  discoveryState() {
    return this.discovery
  }
}

export function oauthTransport(server: string, provider: MemoryOAuthProvider): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL('/mcp', server), { authProvider: provider })
}

/** Connects; the first attempt ends in UnauthorizedError with the authorization URL recorded. */
export async function connectNeedingSignIn(
  server: string,
  provider: MemoryOAuthProvider,
): Promise<StreamableHTTPClientTransport> {
  const transport = oauthTransport(server, provider)
  const client = new Client({ name: 'oauth-test', version: '1.0.0' })
  let error: unknown
  try {
    await client.connect(transport)
  } catch (e) {
    error = e
  }
  if (!(error instanceof UnauthorizedError))
    throw new Error(`expected UnauthorizedError, got ${String(error)}`)
  return transport
}

export async function connected(
  server: string,
  provider: MemoryOAuthProvider,
  cleanups: Cleanups,
): Promise<Client> {
  const client = new Client({ name: 'oauth-test', version: '1.0.0' })
  await client.connect(oauthTransport(server, provider))
  cleanups.push(() => client.close())
  return client
}

/**
 * Opens `url` in a fresh browser context and, on the consent page, signs in and answers. Returns the
 * page (still on the consent page when it refused) and the redirect URI the browser reached, if any.
 */
export async function consentInChromium(
  browser: Browser,
  url: URL,
  redirect: string,
  answer: { login: string; password: string; decision: 'allow' | 'deny' },
  onConsentPage?: (page: Page) => Promise<void>,
): Promise<{ page: Page; callback: URL | undefined }> {
  const context = await browser.newContext()
  const page = await context.newPage()
  let callback: URL | undefined
  await page.route(`${redirect}**`, async (route) => {
    callback = new URL(route.request().url())
    await route.fulfill({ status: 200, contentType: 'text/plain', body: 'signed in' })
  })
  await page.goto(url.href)
  await page.waitForSelector('#consent-h')
  await onConsentPage?.(page)
  await page.fill('#login', answer.login)
  await page.fill('#secret', answer.password)
  await Promise.all([page.waitForLoadState('load'), page.click(`button[value="${answer.decision}"]`)])
  for (let i = 0; i < 100 && !callback; i++) await page.waitForTimeout(50)
  return { page, callback }
}

/** Cookies by name, as a browser would keep them for one site. */
export class Agent {
  cookies = new Map<string, string>()
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    })
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const at = pair.indexOf('=')
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1))
    }
    return response
  }
}

export function pkce() {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

/**
 * The whole authorization code flow with PKCE over plain HTTP, the person's part included (consent
 * page, login and password, Allow; a second Allow of the same form is refused): the tokens a client
 * gets for `<base>/mcp`.
 */
export async function signInOverHttp(
  base: string,
  client_id: string,
  redirect: string,
  person: { login: string; password: string; profile?: string },
): Promise<{ access_token: string; refresh_token: string }> {
  const agent = new Agent()
  const { verifier, challenge } = pkce()
  const authorize = `${base}/oauth/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id,
    redirect_uri: redirect,
    scope: 'mcp offline_access',
    prompt: 'consent',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    resource: `${base}/mcp`,
  })}`
  let response = await agent.fetch(authorize)
  expect(response.status).toBe(303)
  const consent = new URL(response.headers.get('location') as string, base).href
  expect(consent).toMatch(/\/connect\//)
  const html = await (await agent.fetch(consent)).text()
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] as string
  const allow = () =>
    agent.fetch(consent, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        _csrf: csrf,
        login: person.login,
        secret: person.password,
        decision: 'allow',
        ...(person.profile !== undefined && { profile: person.profile }),
      }).toString(),
    })
  response = await allow()
  expect(response.status).toBe(303)
  // The same form again (a double click): answered already, nothing more is created.
  expect((await allow()).status).toBe(410)
  response = await agent.fetch(new URL(response.headers.get('location') as string, base).href)
  const callback = new URL(response.headers.get('location') as string)
  expect(callback.href.startsWith(redirect)).toBe(true)
  const token = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') as string,
      redirect_uri: redirect,
      client_id,
      code_verifier: verifier,
      resource: `${base}/mcp`,
    }),
  })
  expect(token.status).toBe(200)
  return (await token.json()) as { access_token: string; refresh_token: string }
}
