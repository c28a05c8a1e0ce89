/**
 * Connection management in the console, for MCP administrators only (anyone else gets 403):
 * list, create (the token shown once, with client snippets), edit the policy, revoke, rotate.
 * Every change goes through connections/manage.ts as the logged-in Odoo user, which validates,
 * refuses anyone loosening their own connection, and audits. Does not talk to Odoo itself.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  type Changer,
  ConnectionError,
  createConnection,
  type ManageDeps,
  revoke,
  rotate,
  updateConnection,
} from '../../connections/manage.js'
import { isOdooError } from '../../odoo/errors.js'
import type { Runtime } from '../../runtime.js'
import { getConnection, listConnections } from '../../store/connections.js'
import { listProfiles } from '../../store/profiles.js'
import { administratorsOnly, HttpError, notFound, odooUnavailable } from '../errors.js'
import { idParam } from '../params.js'
import {
  connectionFormPage,
  connectionsPage,
  EMPTY_POLICY,
  type PolicyForm,
  policyFormOf,
  tokenPage,
} from './connection-views.js'
import type { Viewer } from './layout.js'
import { sendPage, viewerOf } from './render.js'
import type { Sessions } from './sessions.js'

const DONE: Record<string, string> = {
  updated: 'Policy saved.',
  revoked: 'Connection revoked: its token no longer works.',
  profile: 'Profile set: the connection has its policy from now on.',
}

export async function connectionRoutes(
  app: FastifyInstance,
  options: { runtime: Runtime; sessions: Sessions; public_url: string },
): Promise<void> {
  const { runtime, sessions } = options
  const deps: ManageDeps = {
    db: runtime.store.db,
    odoo: runtime.odoo,
    secrets: runtime.secrets,
    clock: runtime.clock,
    requestsReassigned: runtime.approvals.reassigned,
  }
  const mcp_url = `${options.public_url}/mcp`

  const admin = (request: FastifyRequest): Viewer => {
    const viewer = viewerOf(request, sessions)
    if (!viewer.actor.is_admin) throw administratorsOnly()
    return viewer
  }
  const by = (viewer: Viewer): Changer => ({ kind: 'user', uid: viewer.actor.uid, login: viewer.actor.login })
  const found = async (params: unknown) => {
    const parsed = idParam.safeParse(params)
    const connection = parsed.success ? await getConnection(runtime.store.db, parsed.data.id) : undefined
    if (!connection) throw notFound('connection')
    return connection
  }

  /** A refusal of the change, as a message for the form; anything else is not ours to word. */
  const problem = (error: unknown): HttpError => {
    if (error instanceof ConnectionError) return new HttpError(422, 'CS_INVALID_CONNECTION', error.message)
    if (isOdooError(error)) {
      if (error.kind === 'network' || error.kind === 'timeout') return odooUnavailable()
      if (error.kind === 'authentication_failed')
        return new HttpError(
          422,
          'CS_INVALID_CONNECTION',
          'Odoo refused this login with this API key or password.',
        )
      return new HttpError(422, 'CS_INVALID_CONNECTION', `Odoo refused: ${error.message}`)
    }
    throw error
  }

  app.get('/connections', async (request, reply) => {
    const viewer = admin(request)
    return sendPage(reply, connectionsPage(viewer, await listConnections(runtime.store.db)))
  })

  app.get('/connections/new', async (request, reply) =>
    sendPage(reply, connectionFormPage(admin(request), { connection: null, form: EMPTY_POLICY })),
  )

  app.post('/connections', async (request, reply) => {
    const viewer = admin(request)
    const body = (request.body ?? {}) as Record<string, unknown>
    const form = formOf(body)
    try {
      const created = await createConnection(
        deps,
        { ...policyInput(form), odoo_login: form.odoo_login, odoo_secret: text(body.odoo_secret) },
        by(viewer),
      )
      return sendPage(reply, tokenPage(viewer, created.connection, created.token, mcp_url, false))
    } catch (error) {
      const refusal = problem(error)
      return again(
        reply,
        refusal,
        connectionFormPage(viewer, { connection: null, form, error: refusal.message }),
      )
    }
  })

  app.get('/connections/:id', async (request, reply) => {
    const viewer = admin(request)
    const connection = await found(request.params)
    const done = DONE[String((request.query as { done?: unknown }).done)]
    const profiles = await listProfiles(runtime.store.db)
    return sendPage(
      reply,
      connectionFormPage(viewer, { connection, form: policyFormOf(connection), done, profiles }),
    )
  })

  app.post('/connections/:id', async (request, reply) => {
    const viewer = admin(request)
    const connection = await found(request.params)
    const form = {
      ...formOf((request.body ?? {}) as Record<string, unknown>),
      odoo_login: connection.odoo_login,
    }
    try {
      const { approver_login, ...rest } = policyInput(form)
      // An unchanged approver is left out: resolving it again would cost an Odoo round trip.
      const input = approver_login === connection.approver_login ? rest : { ...rest, approver_login }
      await updateConnection(deps, connection.connection_id, input, by(viewer))
      return reply.redirect(`/connections/${connection.connection_id}?done=updated`, 303)
    } catch (error) {
      const refusal = problem(error)
      return again(reply, refusal, connectionFormPage(viewer, { connection, form, error: refusal.message }))
    }
  })

  app.post('/connections/:id/revoke', async (request, reply) => {
    const viewer = admin(request)
    const connection = await found(request.params)
    try {
      await revoke(deps, connection.connection_id, by(viewer))
    } catch (error) {
      if (error instanceof ConnectionError) throw new HttpError(409, 'CS_NOT_ACTIVE', error.message)
      throw error
    }
    return reply.redirect(`/connections/${connection.connection_id}?done=revoked`, 303)
  })

  app.post('/connections/:id/rotate', async (request, reply) => {
    const viewer = admin(request)
    const connection = await found(request.params)
    let token: string
    try {
      token = await rotate(deps, connection.connection_id, by(viewer))
    } catch (error) {
      if (error instanceof ConnectionError) throw new HttpError(409, 'CS_NOT_ACTIVE', error.message)
      throw error
    }
    return sendPage(reply, tokenPage(viewer, connection, token, mcp_url, true))
  })
}

function again(reply: FastifyReply, refusal: HttpError, body: Parameters<typeof sendPage>[1]) {
  return sendPage(reply.code(refusal.statusCode), body)
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return typeof value === 'string' && value !== '' ? [value] : []
}

/** The form as typed: a checkbox is present only when ticked; repeated names arrive as arrays. */
function formOf(body: Record<string, unknown>): PolicyForm {
  return {
    name: text(body.name),
    odoo_login: text(body.odoo_login),
    write_access: body.write_access === 'on',
    allowed_tools: list(body.allowed_tools),
    approval_tools: list(body.approval_tools),
    approval_effects: list(body.approval_effects),
    approver_login: text(body.approver_login),
    approval_expiry_hours: text(body.approval_expiry_hours),
  }
}

/** The policy as connections/manage.ts validates it (it names any field that is wrong). */
function policyInput(form: PolicyForm) {
  const hours = form.approval_expiry_hours.trim()
  return {
    name: form.name,
    write_access: form.write_access,
    allowed_tools: form.allowed_tools,
    approval_tools: form.approval_tools,
    approval_effects: form.approval_effects,
    approver_login: form.approver_login.trim() || null,
    approval_expiry_hours: hours === '' ? Number.NaN : Number(hours),
  }
}
