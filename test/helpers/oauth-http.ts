/**
 * The OAuth authorization code flow over plain HTTP, the person's part included, with no test
 * runner in it (the benchmark signs in with it too): a cookie-keeping agent, PKCE, and
 * signInOverHttp, which checks each step's status as it goes and throws with what the server
 * answered when one is not what a client expects.
 */
import { createHash, randomBytes } from 'node:crypto'

/** Cookies by name, as a browser would keep them for one site. */
export class Agent {
  cookies = new Map<string, string>()
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    })
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const at = pair.indexOf('=')
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1))
    }
    return response
  }
}

export function pkce() {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

/**
 * The whole authorization code flow with PKCE over plain HTTP, the person's part included (consent
 * page, login and password, Allow; a second Allow of the same form is refused): the tokens a client
 * gets for `<base>/mcp`.
 */
export async function signInOverHttp(
  base: string,
  client_id: string,
  redirect: string,
  person: { login: string; password: string; profile?: string },
): Promise<{ access_token: string; refresh_token: string }> {
  const agent = new Agent()
  const { verifier, challenge } = pkce()
  const authorize = `${base}/oauth/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id,
    redirect_uri: redirect,
    scope: 'mcp offline_access',
    prompt: 'consent',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    resource: `${base}/mcp`,
  })}`
  let response = await agent.fetch(authorize)
  await expectStatus(response, 303, 'authorize')
  const consent = new URL(response.headers.get('location') as string, base).href
  if (!/\/connect\//.test(consent))
    throw new Error(`authorize sent the person to ${consent}, not the consent page`)
  const html = await (await agent.fetch(consent)).text()
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] as string
  const allow = () =>
    agent.fetch(consent, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        _csrf: csrf,
        login: person.login,
        secret: person.password,
        decision: 'allow',
        ...(person.profile !== undefined && { profile: person.profile }),
      }).toString(),
    })
  response = await allow()
  await expectStatus(response, 303, 'the consent page')
  // The same form again (a double click): answered already, nothing more is created.
  await expectStatus(await allow(), 410, 'the consent page submitted twice')
  response = await agent.fetch(new URL(response.headers.get('location') as string, base).href)
  const callback = new URL(response.headers.get('location') as string)
  if (!callback.href.startsWith(redirect))
    throw new Error(`the flow ended at ${callback.href}, not ${redirect}`)
  const token = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') as string,
      redirect_uri: redirect,
      client_id,
      code_verifier: verifier,
      resource: `${base}/mcp`,
    }),
  })
  await expectStatus(token, 200, 'the token endpoint')
  return (await token.json()) as { access_token: string; refresh_token: string }
}

/** Throws, with the start of what was answered (the consent page's message), unless `status`. */
async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  if (response.status === status) return
  const text = (await response.text()).replace(/\s+/g, ' ').slice(0, 2000)
  throw new Error(`${what} answered HTTP ${response.status}, not ${status}: ${text}`)
}
