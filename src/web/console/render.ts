/**
 * Sending rendered pages, and the viewer of a guarded route. Shared by every console route module.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { unauthenticated } from '../errors.js'
import type { Html } from './html.js'
import type { Viewer } from './layout.js'
import type { Sessions } from './sessions.js'

/** Sends a rendered page; pages carry per-user data, so no shared cache may keep them. */
export function sendPage(reply: FastifyReply, body: Html): FastifyReply {
  return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body.text)
}

/** The viewer of a guarded route (plugin.ts's guard has set the session). */
export function viewerOf(request: FastifyRequest, sessions: Sessions): Viewer {
  const session = request.consoleSession
  if (!session) throw unauthenticated()
  return { actor: session.actor, csrf: sessions.csrfToken(session) }
}
