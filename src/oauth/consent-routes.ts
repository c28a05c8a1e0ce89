/**
 * The page oidc-provider sends the browser to (`/connect/<uid>`, provider.ts interactions.url): the
 * person signs in with their Odoo login and password and allows or denies the client. On Allow,
 * Countersign makes an Odoo API key for them with that password (odoo/api-keys.ts), creates the
 * connection they own (connections/manage.ts createOAuthConnection) bound to a new grant, and hands
 * the grant back to the provider, which redirects to the client with a code; on Deny the client gets
 * access_denied. The password is checked within the login limit (web/odoo-login.ts) and used for the
 * key only. The form carries the console's pre-login CSRF token. Registered inside the console
 * plugin, so cookies, form bodies, security headers and error pages are the console's.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type Provider from 'oidc-provider'
import { z } from 'zod'
import type { Actor } from '../approvals/deps.js'
import { ConnectionError } from '../connections/connection-error.js'
import { createOAuthConnection } from '../connections/manage.js'
import { pickProfile } from '../connections/usable-profiles.js'
import type { Profile } from '../domain/profile.js'
import { apiKeyName, issueApiKey, removeApiKeys } from '../odoo/api-keys.js'
import { isOdooError } from '../odoo/errors.js'
import type { Runtime } from '../runtime.js'
import { listProfiles } from '../store/profiles.js'
import { sendPage } from '../web/console/render.js'
import type { Sessions } from '../web/console/sessions.js'
import { HttpError, loginRefused, odooUnavailable } from '../web/errors.js'
import type { OdooLogin } from '../web/odoo-login.js'
import { type ConsentClient, consentGonePage, consentPage } from './consent-views.js'
import { CONSENT_PATH, MCP_SCOPE, mcpResource, OFFERED_SCOPES } from './provider.js'

export interface ConsentRoutesOptions {
  runtime: Runtime
  provider: Provider
  login: OdooLogin
  sessions: Sessions
  public_url: string
  /** Consent form posts per client address per minute, on each replica (a flood guard). */
  posts_per_minute: number
}

const consentBody = z.object({
  decision: z.enum(['allow', 'deny']),
  login: z.string().trim().max(200).optional(),
  secret: z.string().max(1000).optional(),
  /** The profile_id picked; '' or absent: the default one for the person's groups. */
  profile: z
    .string()
    .regex(/^([1-9][0-9]{0,9})?$/, 'pick a profile from the list')
    .optional(),
  _csrf: z.string().optional(),
})

/** Where the browser goes back to, as shown: the host of a web URL, the scheme of an app's own URL. */
function redirectHost(redirect_uri: unknown): string {
  const url = typeof redirect_uri === 'string' ? URL.parse(redirect_uri) : null
  if (!url) return '(unknown)'
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.host : url.protocol
}

/**
 * The CSP form-action of the consent page: the form posts here, and the answer's redirects end at the
 * client's redirect URI, which browsers also hold to form-action.
 */
function formAction(redirect_uri: unknown): string {
  const url = typeof redirect_uri === 'string' ? URL.parse(redirect_uri) : null
  if (!url) return "'self'"
  const target = url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol
  // Only characters a CSP source may hold; anything else leaves the page at 'self'.
  return /^[A-Za-z0-9.+:/\-[\]]+$/.test(target) ? `'self' ${target}` : "'self'"
}

export async function consentRoutes(app: FastifyInstance, options: ConsentRoutesOptions): Promise<void> {
  const { runtime, provider, sessions } = options
  const resource = mcpResource(options.public_url)

  /** The open interaction of this browser for `uid`, or null (expired, another browser, finished). */
  async function interaction(request: FastifyRequest, reply: FastifyReply, uid: string) {
    try {
      const details = await provider.interactionDetails(request.raw, reply.raw)
      return details.uid === uid ? details : null
    } catch (error) {
      // By name: provider.ts loads oidc-provider itself, so its classes are not imported here.
      if ((error as Error).name === 'SessionNotFound') return null
      throw error
    }
  }

  async function clientOf(client_id: unknown, redirect_uri: unknown): Promise<ConsentClient> {
    const id = String(client_id)
    const client = await provider.Client.find(id)
    const name =
      typeof client?.clientName === 'string' && client.clientName.trim() ? client.clientName.trim() : id
    return { name: name.slice(0, 200), client_id: id, redirect_host: redirectHost(redirect_uri) }
  }

  const gone = (reply: FastifyReply) =>
    sendPage(
      reply.code(410),
      consentGonePage(
        'This sign-in has expired, was already answered, or was opened in another browser than the one your AI client started it in.',
      ),
    )

  app.get<{ Params: { uid: string } }>(`${CONSENT_PATH}/:uid`, async (request, reply) => {
    const details = await interaction(request, reply, request.params.uid)
    if (!details) return gone(reply)
    const client = await clientOf(details.params.client_id, details.params.redirect_uri)
    // A person is never assumed here: who signs in decides the policy, so the page shows the default.
    setFormAction(reply, formAction(details.params.redirect_uri))
    return sendPage(
      reply,
      consentPage({
        uid: details.uid,
        csrf: sessions.loginToken(request, reply),
        client,
        profiles: await listProfiles(runtime.store.db),
      }),
    )
  })

  app.post<{ Params: { uid: string } }>(
    `${CONSENT_PATH}/:uid`,
    {
      // A flood guard per address, as on the console's login form; password guessing is limited
      // per login and address across replicas by the login check itself.
      config: {
        rateLimit: {
          max: options.posts_per_minute,
          timeWindow: 60_000,
          keyGenerator: (request: FastifyRequest) => request.ip,
        },
      },
    },
    async (request, reply) => {
      sessions.verifyLoginCsrf(request)
      const details = await interaction(request, reply, request.params.uid)
      // Answered already (a second click, a resent form): one answer per sign-in, one connection.
      if (!details || details.result) return gone(reply)
      const client = await clientOf(details.params.client_id, details.params.redirect_uri)
      setFormAction(reply, formAction(details.params.redirect_uri))
      const parsed = consentBody.safeParse(request.body ?? {})
      const profiles = await listProfiles(runtime.store.db)
      const again = (error: HttpError, login?: string) =>
        sendPage(
          reply.code(error.statusCode).headers(error.headers),
          consentPage({
            uid: details.uid,
            csrf: sessions.loginToken(request, reply),
            client,
            profiles,
            profile: parsed.success ? parsed.data.profile : undefined,
            login,
            error: error.message,
          }),
        )
      if (!parsed.success)
        return again(
          new HttpError(422, 'CS_INVALID_BODY', parsed.error.issues[0]?.message ?? 'Choose Allow or Deny.'),
        )
      const finish = async (result: Parameters<Provider['interactionResult']>[2]) =>
        reply.redirect(
          await provider.interactionResult(request.raw, reply.raw, result, {
            mergeWithLastSubmission: false,
          }),
          303,
        )

      if (parsed.data.decision === 'deny') {
        await runtime.audit({
          at: runtime.clock(),
          event: 'oauth_consent',
          outcome: 'refused',
          detail: { client_id: client.client_id, client: request.ip },
        })
        return finish({
          error: 'access_denied',
          error_description: 'the person declined to connect this client',
        })
      }

      const login = parsed.data.login ?? ''
      const secret = parsed.data.secret ?? ''
      if (!login || !secret)
        return again(new HttpError(422, 'CS_INVALID_BODY', 'Give your Odoo login and password.'), login)
      let actor: Actor | null
      try {
        actor = await options.login.check(login, secret, request.ip, { fresh: true })
      } catch (error) {
        if (error instanceof HttpError) return again(error, login)
        request.log.warn(
          { err: isOdooError(error) ? error.message : error },
          'oauth consent: Odoo did not answer',
        )
        return again(odooUnavailable(), login)
      }
      if (!actor) {
        await runtime.audit({
          at: runtime.clock(),
          event: 'oauth_consent',
          outcome: 'refused',
          actor_login: login,
          detail: { client_id: client.client_id, reason: 'wrong login or password', client: request.ip },
        })
        return again(loginRefused(), login)
      }

      let key: Awaited<ReturnType<typeof issueApiKey>>
      try {
        key = await issueApiKey(runtime.odoo, { login, password: secret, key_name: apiKeyName(client.name) })
      } catch (error) {
        if (isOdooError(error) && error.kind === 'authentication_failed')
          return again(
            new HttpError(
              422,
              'CS_API_KEY_REFUSED',
              `Odoo did not make an API key: ${error.message}. Sign in with your password (not an API key).`,
            ),
            login,
          )
        request.log.warn(
          { err: isOdooError(error) ? error.message : error },
          'oauth consent: no API key made',
        )
        return again(odooUnavailable(), login)
      }

      // Which profiles the person may use is asked of Odoo as them, with the key just made.
      let profile: Profile
      try {
        const session = runtime.odoo.session({ login: key.login, uid: key.uid, secret: key.key })
        const chosen = parsed.data.profile ? Number(parsed.data.profile) : undefined
        profile = await pickProfile({ db: runtime.store.db, odoo_major: runtime.odoo_major }, session, chosen)
      } catch (error) {
        // Nothing is authorised, so the key made for it goes again (Odoo asks the password for that).
        if (key.id !== null)
          await removeApiKeys(runtime.odoo, { login, password: secret, id: key.id }).catch(() => 0)
        if (error instanceof ConnectionError)
          return again(new HttpError(422, 'CS_PROFILE_REFUSED', error.message), login)
        request.log.warn(
          { err: isOdooError(error) ? error.message : error },
          'oauth consent: profiles not read',
        )
        return again(odooUnavailable(), login)
      }

      const accountId = String(actor.uid)
      const grant = new provider.Grant({ accountId, clientId: client.client_id })
      // What the client asked for, within what the provider offers (provider.ts scopes); the login
      // prompt comes first, so the page cannot rely on the consent prompt's list of missing scopes.
      const requested = String(details.params.scope ?? '')
        .split(' ')
        .filter((scope) => OFFERED_SCOPES.includes(scope))
      if (requested.length > 0) grant.addOIDCScope(requested.join(' '))
      // The only resource is /mcp (provider.ts refuses others before the page is shown).
      grant.addResourceScope(resource, MCP_SCOPE)
      const grantId = await grant.save()

      const connection = await createOAuthConnection(runtime.approvals.deps, {
        name: client.name,
        owner: { uid: actor.uid, login: actor.login, name: actor.name },
        odoo_api_key: key.key,
        profile,
        made: key,
        oauth_client_id: client.client_id,
        oauth_grant_id: grantId,
      })
      request.log.info(
        { connection_id: connection.connection_id, owner: actor.login, client_id: client.client_id },
        'oauth client authorised',
      )
      return finish({ login: { accountId }, consent: { grantId } })
    },
  )
}

/** Replaces the form-action of the console's CSP (helmet sets it on every console answer). */
function setFormAction(reply: FastifyReply, sources: string): void {
  const current = reply.getHeader('content-security-policy')
  if (typeof current !== 'string') return
  reply.header('content-security-policy', current.replace(/form-action [^;]*/, `form-action ${sources}`))
}
