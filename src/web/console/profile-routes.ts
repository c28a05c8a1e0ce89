/**
 * Policy profiles in the console, for MCP administrators only (anyone else gets 403): list, create,
 * edit, delete (refused while a connection uses the profile), and putting a connection on a profile
 * from its page. Every change goes through connections/profiles.ts as the logged-in Odoo user, which
 * validates, refuses anyone loosening their own connection, and audits. Does not talk to Odoo itself.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Changer } from '../../connections/manage.js'
import { ConnectionError } from '../../connections/manage.js'
import {
  chooseProfile,
  createProfile,
  deleteProfile,
  type ProfileDeps,
  setProfile,
  updateProfile,
} from '../../connections/profiles.js'
import { isOdooError } from '../../odoo/errors.js'
import type { Runtime } from '../../runtime.js'
import { getConnection, listConnections } from '../../store/connections.js'
import { getProfile, listProfiles } from '../../store/profiles.js'
import { administratorsOnly, HttpError, notFound, odooUnavailable } from '../errors.js'
import { idParam } from '../params.js'
import { policyFieldsInput, policyFieldsOf, text } from './form-fields.js'
import type { Viewer } from './layout.js'
import {
  EMPTY_PROFILE,
  type ProfileForm,
  profileFormOf,
  profileFormPage,
  profilesPage,
} from './profile-views.js'
import { sendPage, viewerOf } from './render.js'
import type { Sessions } from './sessions.js'

const DONE: Record<string, string> = {
  created: 'Profile created.',
  updated: 'Profile saved: every connection on it has the new policy.',
  deleted: 'Profile deleted.',
}

export async function profileRoutes(
  app: FastifyInstance,
  options: { runtime: Runtime; sessions: Sessions },
): Promise<void> {
  const { runtime, sessions } = options
  const deps: ProfileDeps = {
    db: runtime.store.db,
    odoo: runtime.odoo,
    odoo_major: runtime.odoo_major,
    secrets: runtime.secrets,
    clock: runtime.clock,
    service: runtime.odoo_service,
    requestsReassigned: runtime.approvals.reassigned,
  }

  const admin = (request: FastifyRequest): Viewer => {
    const viewer = viewerOf(request, sessions)
    if (!viewer.actor.is_admin) throw administratorsOnly()
    return viewer
  }
  const by = (viewer: Viewer): Changer => ({ kind: 'user', uid: viewer.actor.uid, login: viewer.actor.login })
  const found = async (params: unknown) => {
    const parsed = idParam.safeParse(params)
    const profile = parsed.success ? await getProfile(runtime.store.db, parsed.data.id) : undefined
    if (!profile) throw notFound('profile')
    return profile
  }
  const used = async (profile_id: number) => (await listConnections(runtime.store.db, { profile_id })).length

  /** A refusal of the change, as a message for the form; anything else is not ours to word. */
  const problem = (error: unknown): HttpError => {
    if (error instanceof ConnectionError) return new HttpError(422, 'CS_INVALID_PROFILE', error.message)
    if (isOdooError(error)) {
      if (error.kind === 'network' || error.kind === 'timeout') return odooUnavailable()
      return new HttpError(422, 'CS_INVALID_PROFILE', `Odoo refused: ${error.message}`)
    }
    throw error
  }

  app.get('/profiles', async (request, reply) => {
    const viewer = admin(request)
    const profiles = await listProfiles(runtime.store.db)
    const rows = await Promise.all(
      profiles.map(async (profile) => ({ profile, used: await used(profile.profile_id) })),
    )
    const done = DONE[String((request.query as { done?: unknown }).done)]
    return sendPage(reply, profilesPage(viewer, rows, done))
  })

  app.get('/profiles/new', async (request, reply) =>
    sendPage(reply, profileFormPage(admin(request), { profile: null, form: EMPTY_PROFILE })),
  )

  app.post('/profiles', async (request, reply) => {
    const viewer = admin(request)
    const form = formOf((request.body ?? {}) as Record<string, unknown>)
    try {
      const created = await createProfile(deps, profileInput(form), by(viewer))
      return reply.redirect(`/profiles/${created.profile_id}?done=created`, 303)
    } catch (error) {
      const refusal = problem(error)
      return sendPage(
        reply.code(refusal.statusCode),
        profileFormPage(viewer, { profile: null, form, error: refusal.message }),
      )
    }
  })

  app.get('/profiles/:id', async (request, reply) => {
    const viewer = admin(request)
    const profile = await found(request.params)
    const done = DONE[String((request.query as { done?: unknown }).done)]
    return sendPage(
      reply,
      profileFormPage(viewer, {
        profile,
        used: await used(profile.profile_id),
        form: profileFormOf(profile),
        done,
      }),
    )
  })

  app.post('/profiles/:id', async (request, reply) => {
    const viewer = admin(request)
    const profile = await found(request.params)
    const form = formOf((request.body ?? {}) as Record<string, unknown>)
    try {
      await updateProfile(deps, profile.profile_id, profileInput(form), by(viewer))
      return reply.redirect(`/profiles/${profile.profile_id}?done=updated`, 303)
    } catch (error) {
      const refusal = problem(error)
      return sendPage(
        reply.code(refusal.statusCode),
        profileFormPage(viewer, {
          profile,
          used: await used(profile.profile_id),
          form,
          error: refusal.message,
        }),
      )
    }
  })

  app.post('/profiles/:id/delete', async (request, reply) => {
    const viewer = admin(request)
    const profile = await found(request.params)
    try {
      await deleteProfile(deps, profile.profile_id, by(viewer))
    } catch (error) {
      const refusal = problem(error)
      return sendPage(
        reply.code(409),
        profileFormPage(viewer, {
          profile,
          used: await used(profile.profile_id),
          form: profileFormOf(profile),
          error: refusal.message,
        }),
      )
    }
    return reply.redirect('/profiles?done=deleted', 303)
  })

  // Administrators put any connection on a profile (or back on its own policy); an owner moves
  // their own to another profile their groups may use that loosens nothing (chooseProfile).
  // Someone else's connection does not exist for a non-administrator.
  app.post('/connections/:id/profile', async (request, reply) => {
    const viewer = viewerOf(request, sessions)
    const parsed = idParam.safeParse(request.params)
    const connection = parsed.success ? await getConnection(runtime.store.db, parsed.data.id) : undefined
    if (!connection || !(viewer.actor.is_admin || connection.odoo_uid === viewer.actor.uid))
      throw notFound('connection')
    const chosen = String((request.body as { profile_id?: unknown } | undefined)?.profile_id ?? '')
    const profile_id = chosen === '' ? null : Number(chosen)
    try {
      if (profile_id !== null && !Number.isSafeInteger(profile_id))
        throw new ConnectionError(`'${chosen.slice(0, 40)}' is not a profile`)
      if (viewer.actor.is_admin) await setProfile(deps, connection.connection_id, profile_id, by(viewer))
      else if (profile_id === null)
        throw new ConnectionError(
          'pick a profile: only an MCP administrator gives a connection its own policy',
        )
      else
        await chooseProfile(deps, connection.connection_id, profile_id, {
          uid: viewer.actor.uid,
          login: viewer.actor.login,
        })
    } catch (error) {
      throw problem(error)
    }
    return reply.redirect(`/connections/${connection.connection_id}?done=profile`, 303)
  })
}

/** The form as typed: a checkbox is present only when ticked; repeated names arrive as arrays. */
function formOf(body: Record<string, unknown>): ProfileForm {
  return {
    name: text(body.name),
    description: text(body.description),
    odoo_groups: text(body.odoo_groups),
    is_default: body.is_default === 'on',
    ...policyFieldsOf(body),
  }
}

/** The profile as connections/profiles.ts validates it (it names any field that is wrong). */
function profileInput(form: ProfileForm) {
  return {
    name: form.name,
    description: form.description,
    odoo_groups: form.odoo_groups
      .split(/[\s,]+/)
      .map((g) => g.trim())
      .filter(Boolean),
    is_default: form.is_default,
    ...policyFieldsInput(form),
  }
}
