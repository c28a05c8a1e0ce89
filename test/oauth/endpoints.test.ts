/**
 * The OAuth edge over plain HTTP: every 401 at /mcp carries the resource_metadata challenge (and
 * invalid_token with a readable reason when a token was sent); the protected resource and
 * authorization server metadata say what MCP clients need; registration limits; PKCE other than
 * S256, a missing code challenge and another resource are refused; an expired token and a token for
 * another audience are refused at /mcp with their own words. The person's part is done with a
 * cookie-keeping HTTP agent (the browser flow is flow.test.ts).
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readStoreConfig } from '../../src/config.js'
import { openStore, type Store } from '../../src/store/open-store.js'
import { hashToken } from '../../src/store/tokens.js'
import { Cleanups } from '../helpers/countersign.js'
import { type Deployment, startDeployment } from '../helpers/deployment.js'
import { pkce, signInOverHttp } from '../helpers/oauth-client.js'

const REDIRECT = 'http://127.0.0.1:9/callback'
const REGISTRATIONS_PER_HOUR = 6

describe('the OAuth edge', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let base: string
  let store: Store
  let client_id: string

  async function register(body: Record<string, unknown>) {
    const response = await fetch(`${base}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return { status: response.status, body: (await response.json()) as Record<string, any> }
  }

  function authorizeUrl(params: Record<string, string>): string {
    return `${base}/oauth/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id,
      redirect_uri: REDIRECT,
      scope: 'mcp offline_access',
      prompt: 'consent',
      ...params,
    })}`
  }

  const signIn = () => signInOverHttp(base, client_id, REDIRECT, { login: 'demo', password: 'demo' })

  async function mcp(method: 'GET' | 'POST' | 'DELETE', token?: string) {
    const response = await fetch(`${base}/mcp`, {
      method,
      headers: {
        accept: 'application/json, text/event-stream',
        ...(method === 'POST' && { 'content-type': 'application/json' }),
        ...(token && { authorization: `Bearer ${token}` }),
      },
      ...(method === 'POST' && { body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) }),
    })
    return {
      status: response.status,
      challenge: response.headers.get('www-authenticate') ?? '',
      body: (response.status === 401 ? await response.json() : { text: await response.text() }) as Record<
        string,
        any
      >,
    }
  }

  beforeAll(async () => {
    d = await startDeployment(cleanups, {
      env: { COUNTERSIGN_OAUTH_REGISTRATIONS_PER_HOUR: String(REGISTRATIONS_PER_HOUR) },
    })
    base = (d.servers[0] as { url: string }).url
    store = await openStore(readStoreConfig(d.env), {})
    cleanups.push(() => store.close())
    const registered = await register({
      client_name: 'Endpoint test',
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none',
    })
    expect(registered.status).toBe(201)
    client_id = registered.body.client_id
  }, 60_000)
  afterAll(() => cleanups.run())

  it('every 401 at /mcp points at the protected resource metadata', async () => {
    const metadata = `resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`
    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      const bare = await mcp(method)
      expect(bare.status).toBe(401)
      expect(bare.challenge).toBe(`Bearer realm="countersign", ${metadata}`)
      for (const token of [`csk_${'A'.repeat(43)}`, randomBytes(32).toString('base64url'), 'x'.repeat(500)]) {
        const refused = await mcp(method, token)
        expect(refused.status).toBe(401)
        expect(refused.challenge).toContain(metadata)
        expect(refused.challenge).toMatch(/error="invalid_token", error_description="[ -~]+"$/)
        expect(refused.body.message).toMatch(/unknown|revoked/i)
      }
    }
  })

  it('serves the protected resource metadata and the authorization server metadata', async () => {
    for (const path of [
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ]) {
      const response = await fetch(`${base}${path}`)
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({
        resource: `${base}/mcp`,
        authorization_servers: [base],
        scopes_supported: ['mcp'],
        bearer_methods_supported: ['header'],
        resource_name: 'Countersign',
      })
    }
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const response = await fetch(`${base}${path}`)
      expect(response.status).toBe(200)
      const metadata = (await response.json()) as Record<string, unknown>
      expect(metadata).toMatchObject({
        issuer: base,
        authorization_endpoint: `${base}/oauth/authorize`,
        token_endpoint: `${base}/oauth/token`,
        registration_endpoint: `${base}/oauth/register`,
        revocation_endpoint: `${base}/oauth/revoke`,
        code_challenge_methods_supported: ['S256'],
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        client_id_metadata_document_supported: true,
      })
      expect([...(metadata.token_endpoint_auth_methods_supported as string[])].sort()).toEqual([
        'client_secret_basic',
        'client_secret_post',
        'none',
      ])
    }
  })

  it('registration: at most 10 redirect URIs, none longer than 2000 characters', async () => {
    const many = await register({
      redirect_uris: Array.from({ length: 11 }, (_, i) => `http://127.0.0.1:9/cb${i}`),
      token_endpoint_auth_method: 'none',
    })
    expect(many.status).toBe(400)
    expect(many.body).toMatchObject({ error: 'invalid_client_metadata' })
    expect(many.body.error_description).toMatch(/at most 10 redirect_uris/)
    const long = await register({
      redirect_uris: [`http://127.0.0.1:9/${'a'.repeat(2000)}`],
      token_endpoint_auth_method: 'none',
    })
    expect(long.status).toBe(400)
    expect(long.body.error_description).toMatch(/at most 2000 characters/)
  })

  it('refuses plain PKCE, a missing code challenge and another resource', async () => {
    const { verifier } = pkce()
    const cases: Array<[Record<string, string>, string]> = [
      [{ code_challenge: verifier, code_challenge_method: 'plain' }, 'invalid_request'],
      [{}, 'invalid_request'],
      [
        {
          code_challenge: pkce().challenge,
          code_challenge_method: 'S256',
          resource: 'https://elsewhere.example/mcp',
        },
        'invalid_target',
      ],
    ]
    for (const [params, error] of cases) {
      const response = await fetch(authorizeUrl(params), { redirect: 'manual' })
      expect(response.status).toBe(303)
      const location = new URL(response.headers.get('location') as string)
      expect(location.href.startsWith(REDIRECT)).toBe(true)
      expect(location.searchParams.get('error')).toBe(error)
      expect(location.searchParams.get('code')).toBeNull()
    }
  })

  it('an authorization request it cannot answer to the client shows its own page, the error as text', async () => {
    const response = await fetch(
      `${base}/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: 'no-such-client-<script>',
        redirect_uri: REDIRECT,
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      })}`,
      { redirect: 'manual' },
    )
    expect(response.status).toBe(400)
    const page = await response.text()
    expect(page).toContain('<title>Sign-in failed · Countersign</title>')
    expect(page).toContain('invalid_client')
    expect(page).not.toContain('<script>')
    expect(page).not.toContain('googleapis')
  })

  it('an expired token and a token for another audience get their own reason', async () => {
    const tokens = await signIn()
    expect((await mcp('POST', tokens.access_token)).status).toBe(200)
    const row = await store.db
      .selectFrom('oauth_record')
      .select('payload')
      .where('model', '=', 'AccessToken')
      .where('id', '=', hashToken(tokens.access_token))
      .executeTakeFirstOrThrow()
    const payload = JSON.parse(row.payload) as Record<string, unknown>
    const rewrite = (changed: Record<string, unknown>) =>
      store.db
        .updateTable('oauth_record')
        .set({ payload: JSON.stringify({ ...payload, ...changed }) })
        .where('model', '=', 'AccessToken')
        .where('id', '=', hashToken(tokens.access_token))
        .execute()

    await rewrite({ aud: 'https://elsewhere.example/mcp' })
    const audience = await mcp('POST', tokens.access_token)
    expect(audience.status).toBe(401)
    expect(audience.challenge).toContain(
      'error_description="the access token was not issued for this server"',
    )

    await rewrite({ exp: Math.floor(Date.now() / 1000) - 60 })
    const expired = await mcp('POST', tokens.access_token)
    expect(expired.status).toBe(401)
    expect(expired.challenge).toContain(
      'error_description="the access token has expired; refresh it or sign in again"',
    )
    expect(expired.body.message).toBe('The access token has expired; refresh it or sign in again.')
  }, 60_000)

  it('limits registrations per address', async () => {
    const statuses: number[] = []
    for (let i = 0; i < REGISTRATIONS_PER_HOUR + 1; i++)
      statuses.push(
        (await register({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' })).status,
      )
    expect(statuses).toContain(429)
  })
})
