/**
 * The principal of an OAuth access token at `/mcp`: the token must be one this server issued, not
 * expired, for this server's `/mcp`, and its grant must still exist and belong to an active
 * connection; that connection then acts exactly as a token connection does (mcp/principal.ts).
 * A refusal says why in words a person can act on; they go into the 401's error_description.
 */
import type Provider from 'oidc-provider'
import { type Principal, type PrincipalDeps, principalOf } from '../mcp/principal.js'
import { getActiveConnectionByGrant } from '../store/connections.js'

export type OAuthBearer = { ok: true; principal: Principal } | { ok: false; description: string }

/** Why a token was refused; ASCII, as a header value must be. */
export const BEARER_REFUSED = {
  unknown: 'the access token is unknown or was revoked; sign in again',
  expired: 'the access token has expired; refresh it or sign in again',
  audience: 'the access token was not issued for this server',
  revoked: 'the connection of this access token was revoked; sign in again',
} as const

export async function resolveOAuthBearer(
  deps: PrincipalDeps & { provider: Provider; resource: string },
  token: string,
): Promise<OAuthBearer> {
  const refused = (why: keyof typeof BEARER_REFUSED): OAuthBearer => ({
    ok: false,
    description: BEARER_REFUSED[why],
  })
  // oidc-provider's opaque tokens are 43 base64url characters; anything else is not worth a look-up.
  if (!/^[A-Za-z0-9_-]{20,200}$/.test(token)) return refused('unknown')
  const at = await deps.provider.AccessToken.find(token, { ignoreExpiration: true })
  if (!at) return refused('unknown')
  if (at.isExpired) return refused('expired')
  const audience = Array.isArray(at.aud) ? at.aud : [at.aud]
  if (audience.length !== 1 || audience[0] !== deps.resource) return refused('audience')
  if (!at.grantId || !(await deps.provider.Grant.find(at.grantId))) return refused('revoked')
  const connection = await getActiveConnectionByGrant(deps.db, at.grantId)
  if (!connection) return refused('revoked')
  return { ok: true, principal: principalOf(deps, connection) }
}
