/**
 * Connections in the console. Every logged-in Odoo user connects their own AI clients (with their
 * Odoo password, from which Countersign makes an Odoo API key, or a key they made), sees their own
 * connections, revokes, rotates and re-issues them; the token is shown once, to the owner. MCP
 * administrators also see every connection, create one with a key they hold, edit policies and
 * revoke; rotating someone else's connection revokes it and shows no token (connections/manage.ts).
 * Someone else's connection answers 404 to a non-administrator, as one that does not exist; a
 * policy change by a non-administrator 403. Every change goes through connections/manage.ts as the
 * logged-in Odoo user, which validates, refuses anyone loosening their own connection, and audits.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  type Changer,
  ConnectionError,
  createConnection,
  createOwnConnection,
  type OwnDeps,
  type Owner,
  reissue,
  revoke,
  rotate,
  updateConnection,
} from '../../connections/manage.js'
import { revokeWithOdooKey } from '../../connections/remove-key.js'
import { isOdooError } from '../../odoo/errors.js'
import type { Runtime } from '../../runtime.js'
import { type Connection, getConnection, listConnections } from '../../store/connections.js'
import { listProfiles } from '../../store/profiles.js'
import { administratorsOnly, HttpError, notFound, odooUnavailable } from '../errors.js'
import type { LoginLimiter } from '../login-limit.js'
import { idParam } from '../params.js'
import {
  connectionFormPage,
  connectionsPage,
  EMPTY_OWN_FORM,
  EMPTY_POLICY,
  type OwnForm,
  ownConnectionFormPage,
  ownConnectionPage,
  type PolicyForm,
  policyFormOf,
  revokedByRotationPage,
  tokenPage,
} from './connection-views.js'
import { policyFieldsInput, policyFieldsOf, text } from './form-fields.js'
import type { Viewer } from './layout.js'
import { sendPage, viewerOf } from './render.js'
import type { Sessions } from './sessions.js'

const DONE: Record<string, string> = {
  updated: 'Policy saved.',
  revoked: 'Connection revoked: its token no longer works.',
  revoked_key_deleted: 'Connection revoked and its Odoo API key deleted in Odoo.',
  revoked_key_gone: 'Connection revoked; its Odoo API key was already gone from Odoo.',
  profile: 'Profile set: the connection has its policy from now on.',
}

export async function connectionRoutes(
  app: FastifyInstance,
  options: { runtime: Runtime; sessions: Sessions; limiter: LoginLimiter; public_url: string },
): Promise<void> {
  const { runtime, sessions } = options
  const deps: OwnDeps = {
    odoo_major: runtime.odoo_major,
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
  const owner = (viewer: Viewer): Owner => ({ uid: viewer.actor.uid, login: viewer.actor.login })
  const owns = (viewer: Viewer, c: Connection) => c.odoo_uid === viewer.actor.uid
  /** The connection, if the viewer may see it (its owner, or an administrator); else 404 as if none. */
  const found = async (viewer: Viewer, params: unknown) => {
    const parsed = idParam.safeParse(params)
    const connection = parsed.success ? await getConnection(runtime.store.db, parsed.data.id) : undefined
    if (!connection || !(viewer.actor.is_admin || owns(viewer, connection))) throw notFound('connection')
    return connection
  }

  /**
   * Runs `run`, in which Odoo checks a password or key the person typed, within the login limit
   * like a login, so that a stolen console cookie cannot be used to guess its person's password:
   * only Odoo refusing it counts as a failure; success clears the attempt, bad input or a fault
   * takes it back. Over the limit: 429 before Odoo is asked.
   */
  const typedSecret = async <T>(
    viewer: Viewer,
    request: FastifyRequest,
    run: () => Promise<T>,
  ): Promise<T> => {
    const attempt = options.limiter.attempt(viewer.actor.login, request.ip)
    await attempt.allowed()
    await attempt.count()
    try {
      const result = await run()
      await attempt.succeeded()
      return result
    } catch (error) {
      if (!(isOdooError(error) && error.kind === 'authentication_failed')) await attempt.undecided()
      throw error
    }
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

  /** Why connecting oneself failed, in the person's words; Odoo's own message where it has one. */
  const ownProblem = (error: unknown): HttpError => {
    if (isOdooError(error) && error.kind === 'authentication_failed')
      return new HttpError(422, 'CS_INVALID_CONNECTION', `${error.message}. Nothing was stored.`)
    return problem(error)
  }

  app.get('/connections', async (request, reply) => {
    const viewer = viewerOf(request, sessions)
    const filter = viewer.actor.is_admin ? {} : { odoo_uid: viewer.actor.uid }
    const connections = await listConnections(runtime.store.db, filter)
    return sendPage(reply, connectionsPage(viewer, connections, runtime.clock()))
  })

  app.get('/connections/connect', async (request, reply) =>
    sendPage(
      reply,
      ownConnectionFormPage(viewerOf(request, sessions), {
        form: EMPTY_OWN_FORM,
        profiles: await listProfiles(runtime.store.db),
      }),
    ),
  )

  app.post('/connections/connect', async (request, reply) => {
    const viewer = viewerOf(request, sessions)
    const body = (request.body ?? {}) as Record<string, unknown>
    const form = ownFormOf(body)
    const ai_client = form.ai_client === 'other' ? form.ai_client_other : form.ai_client
    const secret =
      form.method === 'password'
        ? { password: text(body.password) }
        : { odoo_api_key: text(body.odoo_api_key) }
    try {
      const created = await typedSecret(viewer, request, () =>
        createOwnConnection(
          deps,
          {
            name: form.name,
            ai_client,
            ...secret,
            ...(form.profile !== '' && { profile_id: Number(form.profile) }),
          },
          owner(viewer),
        ),
      )
      return sendPage(reply, tokenPage(viewer, created.connection, created.token, mcp_url, false))
    } catch (error) {
      if (error instanceof HttpError) throw error
      const refusal = ownProblem(error)
      return again(
        reply,
        refusal,
        ownConnectionFormPage(viewer, {
          form,
          error: refusal.message,
          profiles: await listProfiles(runtime.store.db),
        }),
      )
    }
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
    const viewer = viewerOf(request, sessions)
    const connection = await found(viewer, request.params)
    const done = DONE[String((request.query as { done?: unknown }).done)]
    const profiles = await listProfiles(runtime.store.db)
    if (!viewer.actor.is_admin)
      return sendPage(reply, ownConnectionPage(viewer, connection, { done, profiles }))
    return sendPage(
      reply,
      connectionFormPage(viewer, { connection, form: policyFormOf(connection), done, profiles }),
    )
  })

  app.post('/connections/:id', async (request, reply) => {
    const connection = await found(viewerOf(request, sessions), request.params)
    // Policy is the administrators'; an owner sees theirs but does not set it.
    const viewer = admin(request)
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

  /**
   * Revoking with the owner's password also deletes the connection's Odoo key (connections/
   * remove-key.ts). Only the owner: the password is theirs, and the key. Odoo checks the password,
   * so it counts against the login limit as on the connect form.
   */
  const revokeWithKey = async (
    request: FastifyRequest,
    reply: FastifyReply,
    viewer: Viewer,
    connection: Connection,
    password: string,
  ) => {
    if (!owns(viewer, connection))
      throw new HttpError(
        403,
        'CS_NOT_OWNER',
        'Only the owner of a connection may delete its Odoo API key; revoke it without a password.',
      )
    try {
      const removal = await typedSecret(viewer, request, () =>
        revokeWithOdooKey(deps, connection.connection_id, owner(viewer), password),
      )
      const done = removal === 'deleted' ? 'revoked_key_deleted' : 'revoked_key_gone'
      return reply.redirect(`/connections/${connection.connection_id}?done=${done}`, 303)
    } catch (error) {
      if (error instanceof HttpError) throw error
      const wrongPassword = isOdooError(error) && error.kind === 'authentication_failed'
      const refusal = wrongPassword
        ? new HttpError(422, 'CS_INVALID_CONNECTION', error.message)
        : problem(error)
      return again(reply, refusal, connectionPageFor(viewer, connection, refusal.message))
    }
  }

  app.post('/connections/:id/revoke', async (request, reply) => {
    const viewer = viewerOf(request, sessions)
    const connection = await found(viewer, request.params)
    const password = text(((request.body ?? {}) as Record<string, unknown>).password)
    if (password !== '') return revokeWithKey(request, reply, viewer, connection, password)
    try {
      await revoke(deps, connection.connection_id, by(viewer))
    } catch (error) {
      if (error instanceof ConnectionError) throw new HttpError(409, 'CS_NOT_ACTIVE', error.message)
      throw error
    }
    return reply.redirect(`/connections/${connection.connection_id}?done=revoked`, 303)
  })

  app.post('/connections/:id/rotate', async (request, reply) => {
    const viewer = viewerOf(request, sessions)
    const connection = await found(viewer, request.params)
    if (connection.status !== 'active')
      throw new HttpError(409, 'CS_NOT_ACTIVE', `connection ${connection.connection_id} is revoked`)
    let rotation: Awaited<ReturnType<typeof rotate>>
    try {
      rotation = await rotate(deps, connection.connection_id, by(viewer))
    } catch (error) {
      if (error instanceof ConnectionError) throw new HttpError(409, 'CS_NOT_ACTIVE', error.message)
      throw error
    }
    if (rotation.kind === 'revoked') return sendPage(reply, revokedByRotationPage(viewer, connection))
    return sendPage(reply, tokenPage(viewer, connection, rotation.token, mcp_url, true))
  })

  app.post('/connections/:id/reissue', async (request, reply) => {
    const viewer = viewerOf(request, sessions)
    const connection = await found(viewer, request.params)
    if (!owns(viewer, connection))
      throw new HttpError(403, 'CS_NOT_OWNER', 'Only the owner of a connection may re-issue it.')
    try {
      const created = await reissue(deps, connection.connection_id, owner(viewer))
      return sendPage(reply, tokenPage(viewer, created.connection, created.token, mcp_url, false))
    } catch (error) {
      const refusal = ownProblem(error)
      return again(reply, refusal, connectionPageFor(viewer, connection, refusal.message))
    }
  })
}

/** The page a refused change of a connection is shown on: the owner's, or the administrators' form. */
function connectionPageFor(viewer: Viewer, c: Connection, error: string) {
  return viewer.actor.is_admin
    ? connectionFormPage(viewer, { connection: c, form: policyFormOf(c), error })
    : ownConnectionPage(viewer, c, { error })
}

function again(reply: FastifyReply, refusal: HttpError, body: Parameters<typeof sendPage>[1]) {
  return sendPage(reply.code(refusal.statusCode), body)
}

/** The connect form as typed; the password and key are read where used, never echoed. */
function ownFormOf(body: Record<string, unknown>): OwnForm {
  return {
    name: text(body.name),
    ai_client: text(body.ai_client),
    ai_client_other: text(body.ai_client_other),
    method: body.method === 'api_key' ? 'api_key' : 'password',
    // Digits or nothing: anything else would reach the check as NaN and be refused as no profile.
    profile: /^[1-9][0-9]{0,9}$/.test(text(body.profile)) ? text(body.profile) : '',
  }
}

/** The form as typed: a checkbox is present only when ticked; repeated names arrive as arrays. */
function formOf(body: Record<string, unknown>): PolicyForm {
  return {
    name: text(body.name),
    odoo_login: text(body.odoo_login),
    ...policyFieldsOf(body),
  }
}

/** The policy as connections/manage.ts validates it (it names any field that is wrong). */
function policyInput(form: PolicyForm) {
  return { name: form.name, ...policyFieldsInput(form) }
}
