/**
 * MCP over Streamable HTTP at /mcp. Authenticates the bearer token to a connection, counts the use,
 * and hands the request to the SDK's stateless handler, which builds a fresh server for this
 * principal from the same factory for both protocol eras (2025-11-25 and 2026-07-28). Nothing is
 * kept between requests, so any replica can answer any request. Unknown or revoked tokens get 401
 * with a WWW-Authenticate challenge before any MCP processing.
 */

import { type NodeIncomingMessageLike, toNodeHandler } from '@modelcontextprotocol/node'
import { createMcpHandler } from '@modelcontextprotocol/server'
import type { FastifyInstance } from 'fastify'
import type { Runtime } from '../runtime.js'
import { touchConnection } from '../store/connections.js'
import { type Principal, resolvePrincipal } from './principal.js'
import { createMcpServer } from './server.js'

const MAX_BODY = 4 * 1024 * 1024

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  return match?.[1] ?? null
}

export async function mcpRoutes(app: FastifyInstance, options: { runtime: Runtime }): Promise<void> {
  const { runtime } = options
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

  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: '/mcp',
    bodyLimit: MAX_BODY,
    async handler(request, reply) {
      const token = bearerToken(request.headers.authorization)
      const principal = token
        ? await resolvePrincipal(
            { db: runtime.store.db, odoo: runtime.odoo, secrets: runtime.secrets },
            token,
          )
        : null
      if (!principal) {
        return reply
          .code(401)
          .header(
            'WWW-Authenticate',
            `Bearer realm="countersign", error="invalid_token", error_description="${token ? 'unknown or revoked connection token' : 'a connection token (csk_…) is required'}"`,
          )
          .send({
            error: 'unauthorized',
            message: token
              ? 'Unknown or revoked connection token.'
              : 'Send Authorization: Bearer <connection token>.',
          })
      }
      await touchConnection(runtime.store.db, principal.connection_id, runtime.clock())
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
