/**
 * MCP over Streamable HTTP at /mcp. Authenticates the bearer token to a connection (before the body
 * is read), counts the use,
 * and hands the request to the SDK's stateless handler, which builds a fresh server for this
 * principal from the same factory for both protocol eras (2025-11-25 and 2026-07-28). Nothing is
 * kept between requests, so any replica can answer any request. A bearer is a connection token
 * (`csk_…`) or an OAuth access token (oauth/bearer.ts). Every 401 carries the WWW-Authenticate
 * challenge that points MCP clients at the protected resource metadata (RFC 9728), so they can
 * discover the authorization server and sign the person in.
 */

import { type NodeIncomingMessageLike, toNodeHandler } from '@modelcontextprotocol/node'
import { createMcpHandler } from '@modelcontextprotocol/server'
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify'
import type Provider from 'oidc-provider'
import { resolveOAuthBearer } from '../oauth/bearer.js'
import { mcpResource } from '../oauth/provider.js'
import { resourceMetadataUrl } from '../oauth/routes.js'
import type { Runtime } from '../runtime.js'
import { looksLikeConnectionToken } from '../store/tokens.js'
import { type Principal, resolvePrincipal } from './principal.js'
import { createMcpServer } from './server.js'

const MAX_BODY = 4 * 1024 * 1024

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  return match?.[1] ?? null
}

/**
 * The challenge of a 401 (RFC 6750 section 3, RFC 9728 section 5.1): without a token, the bare
 * challenge; with a refused one, invalid_token and why. The header must stay ASCII: Node refuses to
 * send anything else (ERR_INVALID_CHAR) and Fastify then answers without any challenge at all.
 */
export function bearerChallenge(public_url: string, refusal: string | null): string {
  const base = `Bearer realm="countersign", resource_metadata="${resourceMetadataUrl(public_url)}"`
  if (refusal === null) return base
  const description = refusal.replace(/[^\x20-\x7e]|["\\]/g, '')
  return `${base}, error="invalid_token", error_description="${description}"`
}

export async function mcpRoutes(
  app: FastifyInstance,
  options: { runtime: Runtime; provider: Provider },
): Promise<void> {
  const { runtime, provider } = options
  const public_url = runtime.approvals.deps.public_url
  const resource = mcpResource(public_url)
  const handler = createMcpHandler(
    ({ authInfo }) => {
      // Set by the route below before the SDK sees the request; a request without it never gets here.
      const principal = (authInfo?.extra as { principal?: Principal } | undefined)?.principal
      if (!principal) throw new Error('MCP request reached the server factory without a principal')
      return createMcpServer(runtime.mcp, principal)
    },
    {
      legacy: 'stateless',
      maxRequestBodySize: MAX_BODY,
      onerror: (error) => runtime.logger.debug({ err: error }, 'mcp'),
    },
  )
  const serve = toNodeHandler(handler, {
    maxRequestBodySize: MAX_BODY,
    onerror: (error) => runtime.logger.error({ err: error }, 'mcp handler failed'),
  })

  // Fastify refuses some bodies before the handler runs: not JSON, too large, a `__proto__` or
  // `constructor.prototype` key (its prototype-poisoning guard, kept on purpose). MCP clients read
  // JSON-RPC, so those refusals keep their HTTP status but say it the JSON-RPC way, as the SDK does
  // for the bodies it refuses itself; anything else is our fault, logged, and told without details.
  app.setErrorHandler(function mcpErrors(error: FastifyError, _request, reply) {
    const status = Math.min(error.statusCode && error.statusCode >= 400 ? error.statusCode : 500, 500)
    if (status >= 500) runtime.logger.error({ err: error }, 'mcp route failed')
    const [code, message] =
      status >= 500
        ? [-32603, 'Internal error']
        : status === 400
          ? [-32700, `Parse error: ${error.message}`]
          : [-32600, `Invalid request: ${error.message}`]
    return reply.code(status).send({ jsonrpc: '2.0', id: null, error: { code, message } })
  })

  /**
   * The principal of each authenticated request. Authentication runs in onRequest, before Fastify
   * reads the body: a request without a valid bearer is refused without its (up to 4 MiB) body being
   * buffered and parsed.
   */
  const principals = new WeakMap<FastifyRequest, Principal>()

  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: '/mcp',
    bodyLimit: MAX_BODY,
    async onRequest(request, reply) {
      const token = bearerToken(request.headers.authorization)
      let principal: Principal | null = null
      let refusal: string | null = null
      if (token && looksLikeConnectionToken(token)) {
        principal = await resolvePrincipal(
          { db: runtime.store.db, odoo: runtime.odoo, secrets: runtime.secrets },
          token,
        )
        if (!principal) refusal = 'unknown or revoked connection token'
      } else if (token) {
        const outcome = await resolveOAuthBearer(
          { db: runtime.store.db, odoo: runtime.odoo, secrets: runtime.secrets, provider, resource },
          token,
        )
        if (outcome.ok) principal = outcome.principal
        else refusal = outcome.description
      }
      if (principal) {
        principals.set(request, principal)
        return
      }
      // Never any part of what was sent: it may be a real token of this or another system.
      runtime.logger.debug(
        { reason: refusal ?? 'no bearer token', method: request.method },
        'mcp request refused',
      )
      return reply
        .code(401)
        .header('WWW-Authenticate', bearerChallenge(public_url, refusal))
        .send({
          error: 'unauthorized',
          message: refusal
            ? `${refusal[0]?.toUpperCase()}${refusal.slice(1)}.`
            : 'Send Authorization: Bearer <connection token>, or sign in with OAuth.',
        })
    },
    async handler(request, reply) {
      const principal = principals.get(request)
      // onRequest answered every request it did not authenticate.
      if (!principal) throw new Error('MCP request reached the handler without a principal')
      runtime.usage.record(principal.connection_id, runtime.clock())
      // The SDK reads the principal from req.auth and passes it through to the factory untouched.
      const raw = request.raw as unknown as NodeIncomingMessageLike
      raw.auth = {
        token: 'redacted',
        clientId: `connection:${principal.connection_id}`,
        scopes: [],
        extra: { principal },
      }
      reply.hijack()
      await serve(raw, reply.raw, request.body)
    },
  })
}
