import { randomBytes } from 'node:crypto'
import fastifyCookie from '@fastify/cookie'
import fastifyFormbody from '@fastify/formbody'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import type { Actor } from '../../src/approvals/deps.js'
import { createSessions, SESSION_TTL_MS } from '../../src/web/console/sessions.js'
import { HttpError } from '../../src/web/errors.js'

const ACTOR: Actor = { uid: 6, login: 'demo', name: 'Marc Demo', is_admin: false }

/** A bare Fastify app around the session functions, driven with inject (no socket). */
async function harness(options: { secure?: boolean; key?: Buffer; now?: () => Date } = {}) {
  let now = options.now ?? (() => new Date('2026-11-24T08:00:00Z'))
  const sessions = createSessions({
    key: options.key ?? randomBytes(32),
    secure: options.secure ?? false,
    clock: () => now(),
  })
  const app = Fastify()
  await app.register(fastifyCookie)
  await app.register(fastifyFormbody)
  app.setErrorHandler((error, _request, reply) =>
    error instanceof HttpError
      ? reply.code(error.statusCode).send(error.body())
      : reply.code(500).send(error),
  )
  app.post('/start', async (_request, reply) => {
    sessions.start(reply, { ...ACTOR, write_date: 'not kept' } as Actor, '2026-11-24 07:59:00')
    return 'ok'
  })
  app.get('/who', async (request) => {
    const session = sessions.read(request)
    return { actor: session?.actor ?? null, csrf: session ? sessions.csrfToken(session) : null, session }
  })
  app.post('/confirmed', async (request, reply) => {
    const session = sessions.read(request)
    return session && sessions.confirmed(reply, session)
  })
  app.post('/act', async (request) => {
    const session = sessions.read(request)
    if (!session) return { actor: null }
    sessions.verifyCsrf(request, session)
    return { actor: session.actor }
  })
  return {
    app,
    sessions,
    setNow(next: () => Date) {
      now = next
    },
    async start() {
      const res = await app.inject({ method: 'POST', url: '/start' })
      const cookie = res.cookies.find((c) => c.name.endsWith('countersign_session'))
      if (!cookie) throw new Error('no session cookie')
      return cookie
    },
  }
}

describe('console sessions', () => {
  const apps: Array<{ close(): Promise<unknown> }> = []
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()))
  })

  it('round-trips the actor through a signed, HttpOnly, SameSite=Lax cookie with an expiry', async () => {
    const h = await harness()
    apps.push(h.app)
    const cookie = await h.start()
    expect(cookie).toMatchObject({ name: 'countersign_session', httpOnly: true, sameSite: 'Lax', path: '/' })
    expect(cookie.secure).toBeFalsy()
    expect(cookie.maxAge).toBe(SESSION_TTL_MS / 1000)
    const who = await h.app.inject({ url: '/who', cookies: { [cookie.name]: cookie.value } })
    expect(who.json().actor).toEqual(ACTOR)
  })

  it('over https: Secure and __Host- prefixed', async () => {
    const h = await harness({ secure: true })
    apps.push(h.app)
    const cookie = await h.start()
    expect(cookie.name).toBe('__Host-countersign_session')
    expect(cookie.secure).toBe(true)
  })

  it('refuses a cookie whose payload was changed (e.g. to become an administrator)', async () => {
    const h = await harness()
    apps.push(h.app)
    const cookie = await h.start()
    const [payload, signature] = [
      cookie.value.slice(0, cookie.value.lastIndexOf('.')),
      cookie.value.split('.').pop(),
    ]
    const session = JSON.parse(Buffer.from(payload, 'base64url').toString())
    session.actor.is_admin = true
    const forged = `${Buffer.from(JSON.stringify(session)).toString('base64url')}.${signature}`
    const who = await h.app.inject({ url: '/who', cookies: { [cookie.name]: forged } })
    expect(who.json().actor).toBeNull()
    // The untouched cookie still works: the refusal is about the change, not the harness.
    const ok = await h.app.inject({ url: '/who', cookies: { [cookie.name]: cookie.value } })
    expect(ok.json().actor).toEqual(ACTOR)
  })

  it('any replica with the same key accepts the cookie; another key does not', async () => {
    const key = randomBytes(32)
    const a = await harness({ key })
    const b = await harness({ key })
    const c = await harness()
    apps.push(a.app, b.app, c.app)
    const cookie = await a.start()
    const onB = await b.app.inject({ url: '/who', cookies: { [cookie.name]: cookie.value } })
    const onC = await c.app.inject({ url: '/who', cookies: { [cookie.name]: cookie.value } })
    expect(onB.json().actor).toEqual(ACTOR)
    expect(onC.json().actor).toBeNull()
  })

  it('expires after the TTL', async () => {
    const h = await harness()
    apps.push(h.app)
    const cookie = await h.start()
    h.setNow(() => new Date(Date.parse('2026-11-24T08:00:00Z') + SESSION_TTL_MS - 1))
    expect(
      (await h.app.inject({ url: '/who', cookies: { [cookie.name]: cookie.value } })).json().actor,
    ).toEqual(ACTOR)
    h.setNow(() => new Date(Date.parse('2026-11-24T08:00:00Z') + SESSION_TTL_MS))
    expect(
      (await h.app.inject({ url: '/who', cookies: { [cookie.name]: cookie.value } })).json().actor,
    ).toBeNull()
  })

  it('CSRF: a state change needs this session’s token; none, a forged one or another session’s is 403', async () => {
    const h = await harness()
    apps.push(h.app)
    const mine = await h.start()
    const theirs = await h.start()
    const token = (await h.app.inject({ url: '/who', cookies: { [mine.name]: mine.value } })).json()
      .csrf as string
    const otherToken = (await h.app.inject({ url: '/who', cookies: { [theirs.name]: theirs.value } })).json()
      .csrf as string
    const act = (form: Record<string, string>) =>
      h.app.inject({ method: 'POST', url: '/act', cookies: { [mine.name]: mine.value }, payload: form })
    // A cross-site <form action="/act" method="post"> carries the cookie but cannot read the token.
    expect((await act({})).statusCode).toBe(403)
    expect((await act({ _csrf: 'made-up' })).statusCode).toBe(403)
    expect((await act({ _csrf: otherToken })).statusCode).toBe(403)
    expect((await act({ _csrf: token })).json().actor).toEqual(ACTOR)
    const viaHeader = await h.app.inject({
      method: 'POST',
      url: '/act',
      cookies: { [mine.name]: mine.value },
      headers: { 'x-csrf-token': token },
    })
    expect(viaHeader.json().actor).toEqual(ACTOR)
  })

  it('remembers when Odoo confirmed the user and their write_date; a confirmation keeps sid, tokens and expiry', async () => {
    const h = await harness()
    apps.push(h.app)
    const cookie = await h.start()
    const first = (await h.app.inject({ url: '/who', cookies: { [cookie.name]: cookie.value } })).json()
    expect(first.session).toMatchObject({
      actor: ACTOR,
      checked_at: Date.parse('2026-11-24T08:00:00Z'),
      write_date: '2026-11-24 07:59:00',
      expires_at: Date.parse('2026-11-24T08:00:00Z') + SESSION_TTL_MS,
    })
    h.setNow(() => new Date('2026-11-24T09:00:00Z'))
    const confirmed = await h.app.inject({
      method: 'POST',
      url: '/confirmed',
      cookies: { [cookie.name]: cookie.value },
    })
    const renewed = confirmed.cookies.find((c) => c.name === cookie.name)
    // The cookie keeps its end: what is left of the 8 hours, not 8 more.
    expect(renewed?.maxAge).toBe(SESSION_TTL_MS / 1000 - 3600)
    const after = (
      await h.app.inject({ url: '/who', cookies: { [cookie.name]: renewed?.value ?? '' } })
    ).json()
    expect(after.session).toEqual({ ...first.session, checked_at: Date.parse('2026-11-24T09:00:00Z') })
    // The CSRF tokens of the page before the confirmation still work: same sid.
    const act = await h.app.inject({
      method: 'POST',
      url: '/act',
      cookies: { [cookie.name]: renewed?.value ?? '' },
      payload: { _csrf: first.csrf },
    })
    expect(act.json().actor).toEqual(ACTOR)
  })

  it('a cookie from before sessions were confirmed (no checked_at or write_date) is no session', async () => {
    const key = randomBytes(32)
    const h = await harness({ key })
    apps.push(h.app)
    const signer = fastifyCookie.signerFactory(key)
    const old = {
      actor: ACTOR,
      sid: 'x'.repeat(24),
      expires_at: Date.parse('2026-11-24T12:00:00Z'),
    }
    const value = signer.sign(Buffer.from(JSON.stringify(old)).toString('base64url'))
    const who = await h.app.inject({ url: '/who', cookies: { countersign_session: value } })
    expect(who.json().actor).toBeNull()
  })
})
