/**
 * The HTTP edge of OAuth: protected resource metadata (RFC 9728) for `/mcp`, and oidc-provider's own
 * endpoints — authorization server metadata (RFC 8414, also served as openid-configuration),
 * authorize, token, registration, revocation, JWKS — handed to the provider's Koa callback. The
 * hand-over happens in a preParsing hook that hijacks the reply, before Fastify reads the body (the
 * provider parses its own bodies) and after the onRequest hooks, where the per-address limit of
 * registrations (on each replica) is checked.
 */
import fastifyRateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type Provider from 'oidc-provider'
import { MCP_SCOPE, mcpResource, OAUTH_PREFIX } from './provider.js'

export const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource'

export function resourceMetadataUrl(public_url: string): string {
  return `${public_url}${PROTECTED_RESOURCE_PATH}/mcp`
}

/** The protected resource metadata of `/mcp` (RFC 9728 section 2). */
export function protectedResourceMetadata(public_url: string): Record<string, unknown> {
  return {
    resource: mcpResource(public_url),
    authorization_servers: [public_url],
    scopes_supported: [MCP_SCOPE],
    bearer_methods_supported: ['header'],
    resource_name: 'Countersign',
  }
}

export interface OAuthRoutesOptions {
  provider: Provider
  public_url: string
  /** Dynamic client registrations one address may make per hour, on each replica. */
  registrations_per_hour: number
}

export async function oauthRoutes(app: FastifyInstance, options: OAuthRoutesOptions): Promise<void> {
  const { provider, public_url } = options
  const callback = provider.callback()
  const publicUrl = new URL(public_url)

  async function handOver(request: FastifyRequest, reply: FastifyReply, url?: string): Promise<void> {
    reply.hijack()
    const raw = request.raw
    if (url) raw.url = url
    raw.headers.host = publicUrl.host
    raw.headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1)
    delete raw.headers['x-forwarded-host']
    await callback(raw, reply.raw)
  }
  const never = async () => {
    throw new Error('unreachable: the preParsing hook answers')
  }
  const handedOver = (url?: string) => ({
    preParsing: async (request: FastifyRequest, reply: FastifyReply) => handOver(request, reply, url),
  })

  await app.register(fastifyRateLimit, { global: false, hook: 'onRequest' })
  app.route({
    method: 'POST',
    url: `${OAUTH_PREFIX}/register`,
    config: {
      rateLimit: {
        max: options.registrations_per_hour,
        timeWindow: 60 * 60_000,
        keyGenerator: (request: FastifyRequest) => request.ip,
      },
    },
    ...handedOver(),
    handler: never,
  })
  app.all(`${OAUTH_PREFIX}/*`, handedOver(), never)
  app.get('/.well-known/openid-configuration', handedOver(), never)
  // RFC 8414 names the document differently; the provider serves the same metadata under the OIDC name.
  app.get('/.well-known/oauth-authorization-server', handedOver('/.well-known/openid-configuration'), never)

  const metadata = protectedResourceMetadata(public_url)
  for (const path of [PROTECTED_RESOURCE_PATH, `${PROTECTED_RESOURCE_PATH}/mcp`]) {
    app.get(path, async (_request, reply) =>
      // Browser-based clients (the Inspector) read it from another origin; it is public anyway.
      reply
        .header('access-control-allow-origin', '*')
        .header('cache-control', 'public, max-age=3600')
        .send(metadata),
    )
  }
}
