/**
 * An MCP client that signs in with OAuth, for tests: the official client's OAuthClientProvider kept
 * in memory (registered client, tokens, PKCE verifier, the authorization URL it would open), and the
 * person's part in real Chromium — open that URL, see Countersign's consent page, type the Odoo login
 * and password, Allow or Deny — ending at the client's redirect URI, which is intercepted (no server
 * needs to listen there); and, from oauth-http.ts, the same flow over plain HTTP with a
 * cookie-keeping agent (signInOverHttp), which checks each step's status as it goes.
 */

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

export { Agent, pkce, signInOverHttp } from './oauth-http.js'
