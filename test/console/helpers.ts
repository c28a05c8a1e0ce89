/**
 * What the console tests share: a deployment (sandbox Odoo in-process, `countersign serve` as a
 * real process, a `reviewer` Odoo user who approves but is no administrator, demo's connection
 * gating deletions), filing requests through MCP with the official client, an HTTP agent that
 * keeps cookies and CSRF tokens like a browser, sandbox write counters, and Chromium.
 * Does not assert anything itself.
 */
import { existsSync } from 'node:fs'
import type { Client } from '@modelcontextprotocol/client'
import { type Browser, chromium } from 'playwright-core'
import { type SandboxOdoo, startSandboxOdoo } from '../../src/sandbox/index.js'
import {
  type Cleanups,
  countersignEnv,
  createConnection,
  mcpHttpClient,
  type RunningServer,
  startServe,
  tempSqlite,
} from '../helpers/countersign.js'

export interface Deployment {
  odoo: SandboxOdoo
  server: RunningServer
  env: Record<string, string>
  /** demo's connection: write access, delete_record + batch_delete need approval. */
  demo: { connection_id: number; token: string; client: Client }
  /** Password of every sandbox user: the login itself (admin/admin, demo/demo, …). */
  password(login: string): string
}

/**
 * Sandbox + Countersign. `approver` is the Odoo login assigned on demo's connection: `reviewer`
 * (created here, an internal user without rights of note, not an MCP administrator) or `admin`.
 */
export async function startDeployment(
  cleanups: Cleanups,
  options: { approver?: string; expiry_hours?: number; env?: Record<string, string> } = {},
): Promise<Deployment> {
  const odoo = await startSandboxOdoo()
  cleanups.push(() => odoo.close())
  const created = await fetch(`${odoo.url}/__sandbox/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: 'reviewer', name: 'Rita Reviewer', password: 'reviewer' }),
  })
  if (created.status !== 201) throw new Error(`sandbox refused the reviewer user: ${await created.text()}`)
  const env = countersignEnv(odoo, tempSqlite(), options.env)
  const server = await startServe(env, cleanups)
  const connection = await createConnection(env, {
    name: 'Marc’s Claude',
    user: 'demo',
    key: odoo.user('demo').api_key,
    args: [
      '--write',
      '--approval-tools',
      'delete_record,batch_delete',
      '--approver',
      options.approver ?? 'reviewer',
      '--expiry-hours',
      String(options.expiry_hours ?? 4),
    ],
  })
  const client = await mcpHttpClient(server.url, connection.token, 'legacy', cleanups)
  return { odoo, server, env, demo: { ...connection, client }, password: (login) => login }
}

/**
 * Creates `count` draft customer invoices as demo (create_record is not gated) and returns their
 * ids: demo has Billing rights, so he may delete draft invoices (never sale orders: Odoo 17 gives a
 * salesman no unlink right on sale.order; /work/notes/odoo17/facts.md §10), and the tests do not
 * depend on how many drafts the demo data happens to hold.
 */
export async function makeDraftInvoices(client: Client, count: number): Promise<number[]> {
  const ids: number[] = []
  for (let i = 0; i < count; i++) {
    const result = await client.callTool({
      name: 'create_record',
      arguments: { model: 'account.move', values: { move_type: 'out_invoice', partner_id: 10 } },
    })
    const id = (result.structuredContent as { id?: number } | undefined)?.id
    if (result.isError || typeof id !== 'number')
      throw new Error(`could not create a draft invoice: ${JSON.stringify(result)}`)
    ids.push(id)
  }
  return ids
}

/** Which of `ids` still exist as draft invoices (as demo sees them). */
export async function existingDrafts(client: Client, ids: number[]): Promise<number[]> {
  const result = await client.callTool({
    name: 'search_read',
    arguments: {
      model: 'account.move',
      domain: [
        ['id', 'in', ids],
        ['state', '=', 'draft'],
      ],
      fields: ['name'],
    },
  })
  const records = (result.structuredContent as { records: Array<{ id: number }> }).records
  return records.map((r) => r.id).sort((a, b) => a - b)
}

/** Calls a gated tool and returns the request_id (and summary) of the approval request it filed. */
export async function fileRequestWithSummary(
  client: Client,
  tool: string,
  args: Record<string, unknown>,
): Promise<{ request_id: number; summary: string }> {
  const result = await client.callTool({ name: tool, arguments: args })
  const structured = result.structuredContent as { status?: string; request_id?: number; summary?: string }
  if (
    result.isError ||
    structured?.status !== 'pending_approval' ||
    !structured.request_id ||
    !structured.summary
  )
    throw new Error(`expected ${tool} to file a request, got ${JSON.stringify(result)}`)
  return { request_id: structured.request_id, summary: structured.summary }
}

export async function fileRequest(
  client: Client,
  tool: string,
  args: Record<string, unknown>,
): Promise<number> {
  return (await fileRequestWithSummary(client, tool, args)).request_id
}

/** GET /api/approvals/:id as the administrator, over HTTP Basic (independent of any console session). */
export async function requestAsAdmin(url: string, request_id: number): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/api/approvals/${request_id}`, {
    headers: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
  })
  if (response.status !== 200) throw new Error(`GET /api/approvals/${request_id}: ${response.status}`)
  return (await response.json()) as Record<string, unknown>
}

export async function sandboxWrites(
  odoo: SandboxOdoo,
): Promise<{ received: Record<string, number>; applied: Record<string, number> }> {
  const response = await fetch(`${odoo.url}/__sandbox/writes`)
  return (await response.json()) as { received: Record<string, number>; applied: Record<string, number> }
}

export interface Answer {
  status: number
  location: string | null
  text: string
  headers: Headers
}

/** An HTTP client that behaves like a browser towards the console: cookies, forms, CSRF tokens. */
export class ConsoleAgent {
  private readonly cookies = new Map<string, string>()
  /** The CSRF token of the last page that carried one. */
  csrf: string | null = null

  constructor(readonly base: string) {}

  cookie(name: string): string | undefined {
    return this.cookies.get(name)
  }

  async request(
    method: string,
    path: string,
    options: {
      form?: Record<string, string | string[]>
      json?: unknown
      headers?: Record<string, string>
    } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers }
    if (this.cookies.size > 0)
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    let body: string | undefined
    if (options.form) {
      const params = new URLSearchParams()
      for (const [key, value] of Object.entries(options.form))
        for (const v of [value].flat()) params.append(key, v)
      body = params.toString()
      headers['content-type'] = 'application/x-www-form-urlencoded'
    } else if (options.json !== undefined) {
      body = JSON.stringify(options.json)
      headers['content-type'] = 'application/json'
    }
    const response = await fetch(new URL(path, this.base), { method, headers, body, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    const text = await response.text()
    const token =
      /<meta name="csrf-token" content="([^"]+)">/.exec(text)?.[1] ??
      /name="_csrf" value="([^"]+)"/.exec(text)?.[1]
    if (token) this.csrf = token
    return {
      status: response.status,
      location: response.headers.get('location'),
      text,
      headers: response.headers,
    }
  }

  get(path: string, headers?: Record<string, string>): Promise<Answer> {
    return this.request('GET', path, { headers })
  }

  /** A form POST carrying the current CSRF token (unless the form says otherwise). */
  post(path: string, form: Record<string, string | string[]> = {}): Promise<Answer> {
    return this.request('POST', path, { form: { _csrf: this.csrf ?? '', ...form } })
  }

  /** A JSON API call on the console session, with the page's token in `x-csrf-token`. */
  api(method: string, path: string, json?: unknown): Promise<Answer> {
    return this.request(method, path, {
      json,
      headers: { 'x-csrf-token': this.csrf ?? '', accept: 'application/json' },
    })
  }

  async login(login: string, secret: string): Promise<Answer> {
    await this.get('/login')
    const answer = await this.post('/login', { login, secret, next: '/approvals' })
    if (answer.status === 303) await this.get('/approvals') // picks up the session's CSRF token
    return answer
  }
}

export const CHROMIUM = '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/**
 * Whether the browser tests can run. Without Chromium: in CI a failure (the suite must run there),
 * elsewhere a loud skip.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true
  const message = `${CHROMIUM} is missing (install it with \`apt-get install -y chromium\`; .ci/run does)`
  if (process.env.CI === 'true') throw new Error(`${message}: in CI the browser tests must run`)
  console.warn(`\n!!! ${message}: SKIPPING the console browser tests.\n`)
  return false
}

/** Headless Chromium; Playwright gives each launch a fresh temporary user-data-dir of its own. */
export async function launchChromium(cleanups: Cleanups): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
  cleanups.push(() => browser.close())
  return browser
}
