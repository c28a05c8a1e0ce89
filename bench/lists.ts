/**
 * Figure 5: what an administrator waits for when opening the console (`GET /`, its redirect, and
 * `GET /approvals`, logged in with a real session cookie) and the JSON API list
 * (`GET /api/approvals`, HTTP Basic), plus the console's "all" filter, at the table size the
 * database has now. The caller measures twice (10,000 and 1,000,000 stored) and divides. Lists
 * expire due requests before listing, so the very first view (timed once) also sweeps; the
 * figures after it are the steady state with nothing due.
 */
import { performance } from 'node:perf_hooks'
import { basicAuth } from './approve.js'
import type { Deployment } from './deployment.js'
import { CookieJar, keepAlive, request } from './http.js'
import { measure, type Summary } from './stats.js'
import type { OdooTarget } from './target.js'

export interface ListFigures {
  first_page: Summary
  console_all: Summary
  api_list: Summary
  api_pending: Summary
  /** What the first page says about the total, e.g. "Page 1 of 401 (10,012 in all)". */
  pager: string
  /** The very first page view, which expires every due request before listing (one sample). */
  first_view_ms: number
}

async function logIn(
  d: Deployment,
  target: OdooTarget,
  agent: ReturnType<typeof keepAlive>,
): Promise<CookieJar> {
  const jar = new CookieJar()
  const form = await request(agent, new URL('/login', d.server.url))
  jar.take(form.headers)
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1]
  if (!csrf) throw new Error('the login page has no CSRF token')
  const body = new URLSearchParams({
    login: target.approver.login,
    secret: target.approver.secret,
    _csrf: csrf,
  })
  const answer = await request(agent, new URL('/login', d.server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
    body: body.toString(),
  })
  if (answer.status !== 303) throw new Error(`console login answered ${answer.status}`)
  jar.take(answer.headers)
  return jar
}

export async function listFigures(d: Deployment, target: OdooTarget, count: number): Promise<ListFigures> {
  const agent = keepAlive(4)
  const jar = await logIn(d, target, agent)
  const cookie = { cookie: jar.header() }
  const get = async (path: string, headers: Record<string, string>, expect = 200) => {
    const answer = await request(agent, new URL(path, d.server.url), { headers })
    if (answer.status !== expect)
      throw new Error(`GET ${path} answered ${answer.status}: ${answer.body.slice(0, 200)}`)
    return answer
  }
  const firstPage = async () => {
    const home = await get('/', cookie, 303)
    return get(String(home.headers.location), cookie)
  }
  const options = { warmup: 20, count, concurrency: 1 }
  const api = { authorization: basicAuth(target.approver) }
  const t0 = performance.now()
  const page = await firstPage()
  const first_view_ms = performance.now() - t0
  const pager = /Page \d+ of [^<]*/.exec(page.body)?.[0] ?? '(no pager)'
  const figures: ListFigures = {
    first_page: await measure(firstPage, options),
    console_all: await measure(() => get('/approvals?status=all', cookie), options),
    api_list: await measure(() => get('/api/approvals', api), options),
    api_pending: await measure(() => get('/api/approvals?status=pending', api), options),
    pager,
    first_view_ms,
  }
  agent.destroy()
  return figures
}
