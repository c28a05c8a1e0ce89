/**
 * The OAuth 2.1 authorization server for remote MCP clients (docs/decisions.md "OAuth with
 * oidc-provider"): oidc-provider configured for what the MCP authorization specification asks and
 * nothing more — authorization code with PKCE (S256, the only method oidc-provider 9 knows) for every
 * client, public clients, open dynamic registration (RFC 7591), Client ID Metadata Documents, resource
 * indicators (RFC 8707) with this server's `/mcp` as the only resource, opaque access tokens for an
 * hour, refresh tokens that rotate on every use, revocation. Every login and consent goes through
 * Countersign's own page (consent-routes.ts); no other interaction is offered.
 * Keys are the same on every replica: the cookie key is derived from COUNTERSIGN_SECRET, the token
 * signing key (used only for ID tokens) is generated once and stored sealed in the database.
 */
import { generateKeyPairSync, hkdfSync } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Configuration, JWK, default as Provider } from 'oidc-provider'
import type { Logger } from '../logger.js'
import { findOauthRecord, insertOauthRecordOnce } from '../store/oauth-records.js'
import type { SecretBox } from '../store/secret-box.js'
import type { Database } from '../store/tables.js'
import { createAdapterFactory } from './adapter.js'
import { authorizationErrorPage } from './consent-views.js'

/** Where oidc-provider's own endpoints live; everything under it is handed to the provider (routes.ts). */
export const OAUTH_PREFIX = '/oauth'
/** Where the provider sends the browser to sign in and consent (consent-routes.ts). */
export const CONSENT_PATH = '/connect'
/** The one scope of an access token for /mcp: what a connection's policy allows is decided elsewhere. */
export const MCP_SCOPE = 'mcp'
/** Every scope a client may ask for: `openid` (an ID token), `offline_access` (MCP clients ask for it to refresh), `mcp`. */
export const OFFERED_SCOPES: readonly string[] = Object.freeze(['openid', 'offline_access', MCP_SCOPE])

export const ACCESS_TOKEN_TTL_S = 60 * 60
export const REFRESH_TOKEN_TTL_S = 30 * 24 * 60 * 60
/** How long the sign-in and consent page may take. */
const INTERACTION_TTL_S = 30 * 60
/** At most this many redirect URIs per client, each at most this long. */
export const MAX_REDIRECT_URIS = 10
export const MAX_REDIRECT_URI_LENGTH = 2000

export interface OAuthDeps {
  db: Kysely<Database>
  secrets: SecretBox
  /** Signs console sessions (runtime.session_key); the cookie key is derived from it. */
  session_key: Buffer
  public_url: string
  logger: Logger
  clock: () => Date
  /** COUNTERSIGN_OAUTH_DEV_HTTP_CLIENT_IDS: client metadata documents over http on a loopback host. */
  dev_http_client_ids: boolean
  /** A grant ended at the provider (the client revoked a token, or reused a rotated refresh token). */
  grant_revoked: (grant_id: string) => Promise<void>
}

/** The resource an access token must be for: this server's MCP endpoint. */
export function mcpResource(public_url: string): string {
  return `${public_url}/mcp`
}

const SIGNING_KEY = { model: 'SigningKey', id: 'rs256/1' } as const

/**
 * The RSA key that signs ID tokens (a client asking for `openid` gets one), the same on every replica:
 * whichever replica starts first generates it; the others read what it stored.
 */
async function signingKey(db: Kysely<Database>, secrets: SecretBox): Promise<JWK> {
  const context = 'oauth-signing-key'
  let stored = await findOauthRecord(db, SIGNING_KEY.model, 'id', SIGNING_KEY.id)
  if (!stored) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const jwk = { ...privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid: 'countersign-1' }
    await insertOauthRecordOnce(db, SIGNING_KEY.model, SIGNING_KEY.id, {
      sealed: secrets.seal(JSON.stringify(jwk), context),
    })
    stored = await findOauthRecord(db, SIGNING_KEY.model, 'id', SIGNING_KEY.id)
  }
  const sealed = stored?.payload.sealed
  if (typeof sealed !== 'string') throw new Error('the stored OAuth signing key is unreadable')
  return JSON.parse(secrets.open(sealed, context)) as JWK
}

type OidcProviderModule = typeof import('oidc-provider')

/**
 * oidc-provider, loaded when a server starts rather than whenever the CLI does: on import it warns
 * on stderr that Node 20 is not the LTS it prefers (Countersign supports Node 20.19 and later), which
 * would put a stray line before every command's output. The warning goes to the log instead.
 */
async function loadOidcProvider(logger: Logger): Promise<OidcProviderModule> {
  const warn = console.warn
  console.warn = (...args: unknown[]) => logger.warn(args.map(String).join(' '))
  try {
    return await import('oidc-provider')
  } finally {
    console.warn = warn
  }
}

function redirectUrisWithinLimits(
  errors: OidcProviderModule['errors'],
  metadata: { redirect_uris?: unknown },
): void {
  const uris = metadata.redirect_uris
  if (!Array.isArray(uris)) return
  if (uris.length > MAX_REDIRECT_URIS)
    throw new errors.InvalidClientMetadata(`at most ${MAX_REDIRECT_URIS} redirect_uris are accepted`)
  if (uris.some((uri) => typeof uri !== 'string' || uri.length > MAX_REDIRECT_URI_LENGTH))
    throw new errors.InvalidClientMetadata(
      `a redirect_uri may be at most ${MAX_REDIRECT_URI_LENGTH} characters`,
    )
}

export async function createOAuthProvider(deps: OAuthDeps): Promise<Provider> {
  const { default: OidcProvider, errors } = await loadOidcProvider(deps.logger)
  const resource = mcpResource(deps.public_url)
  const secure = deps.public_url.startsWith('https:')
  const cookieKey = Buffer.from(hkdfSync('sha256', deps.session_key, 'countersign', 'oauth-cookies/v1', 32))
  const configuration: Configuration = {
    adapter: createAdapterFactory(deps),
    clients: [],
    jwks: { keys: [await signingKey(deps.db, deps.secrets)] },
    cookies: {
      keys: [cookieKey.toString('base64url')],
      long: { signed: true, secure, sameSite: 'lax' },
      short: { signed: true, secure, sameSite: 'lax' },
    },
    routes: {
      authorization: `${OAUTH_PREFIX}/authorize`,
      token: `${OAUTH_PREFIX}/token`,
      registration: `${OAUTH_PREFIX}/register`,
      revocation: `${OAUTH_PREFIX}/revoke`,
      jwks: `${OAUTH_PREFIX}/jwks`,
      userinfo: `${OAUTH_PREFIX}/userinfo`,
      introspection: `${OAUTH_PREFIX}/introspect`,
      end_session: `${OAUTH_PREFIX}/logout`,
      pushed_authorization_request: `${OAUTH_PREFIX}/par`,
      code_verification: `${OAUTH_PREFIX}/device`,
      device_authorization: `${OAUTH_PREFIX}/device/auth`,
      backchannel_authentication: `${OAUTH_PREFIX}/backchannel`,
      challenge: `${OAUTH_PREFIX}/challenge`,
    },
    responseTypes: ['code'],
    // Public clients, and confidential ones with a secret; no method that makes the server fetch a
    // client's keys from a URL the client names (private_key_jwt's jwks_uri).
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post'],
    pkce: { required: () => true },
    scopes: [...OFFERED_SCOPES],
    claims: { openid: ['sub'] },
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      id_token_signed_response_alg: 'RS256',
    },
    // Not a client metadata field of its own: the hook that sees every client's metadata, registered
    // or fetched, so the redirect URI limits hold for both.
    extraClientMetadata: {
      properties: ['countersign_limits'],
      validator(_ctx, key, _value, metadata) {
        if (key === 'countersign_limits') redirectUrisWithinLimits(errors, metadata)
      },
    },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true, initialAccessToken: false },
      revocation: { enabled: true },
      introspection: { enabled: false },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      // Sender-constrained tokens would need /mcp to check a proof on every request; bearer only.
      dPoP: { enabled: false },
      clientIdMetadataDocument: { enabled: true, ack: 'draft-02' },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        async getResourceServerInfo(_ctx, indicator) {
          if (indicator !== resource) throw new errors.InvalidTarget(`the only resource here is ${resource}`)
          return {
            scope: MCP_SCOPE,
            audience: resource,
            accessTokenTTL: ACCESS_TOKEN_TTL_S,
            accessTokenFormat: 'opaque',
          }
        },
      },
    },
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL_S,
      AuthorizationCode: 60,
      RefreshToken: REFRESH_TOKEN_TTL_S,
      Interaction: INTERACTION_TTL_S,
      Session: INTERACTION_TTL_S,
      Grant: REFRESH_TOKEN_TTL_S,
      IdToken: ACCESS_TOKEN_TTL_S,
    },
    // Every client refreshes (MCP clients stay connected for weeks), whether or not it asked for
    // offline_access; each use of a refresh token replaces it.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    // Revoking any token ends the whole grant, and with it the connection (grant_revoked): a client
    // that revokes its token is disconnecting, and a connection nothing can use should not look active.
    revokeGrantPolicy: () => true,
    // A grant is only ever the one Countersign's consent page just created: a browser session that
    // authorised one client must not authorise the next without the person seeing the page.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined
    },
    interactions: { url: (_ctx, interaction) => `${CONSENT_PATH}/${interaction.uid}` },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    // The default page loads a web font from Google and looks like nothing else here.
    async renderError(ctx, out) {
      ctx.type = 'html'
      ctx.body = authorizationErrorPage(String(out.error), out.error_description).text
    },
    enableHttpPostMethods: false,
  }
  const provider = new OidcProvider(deps.public_url, configuration)
  // routes.ts sets Host and X-Forwarded-Proto from COUNTERSIGN_PUBLIC_URL before handing a request
  // over, so the provider's URLs and Secure cookies follow the public URL, not the hop that reached us.
  provider.proxy = true
  provider.on('server_error', (_ctx, error) => deps.logger.error({ err: error }, 'oauth server error'))
  provider.on('grant.revoked', (_ctx, grant_id: string) => {
    deps
      .grant_revoked(grant_id)
      .catch((error: unknown) =>
        deps.logger.error({ err: error, grant_id }, 'could not revoke the connection of a revoked grant'),
      )
  })
  return provider
}
