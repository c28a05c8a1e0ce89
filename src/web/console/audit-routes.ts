/**
 * The audit log page, for MCP administrators only: newest first, paged, filtered by event,
 * Odoo login, connection and request. Read-only, like the log itself (store/audit-log.ts).
 * Payloads (tool arguments and results, when COUNTERSIGN_AUDIT_PAYLOADS is on) are not shown in
 * the list: the request page shows arguments and results to those who may see the request.
 */
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Runtime } from '../../runtime.js'
import { type AuditEntry, listAudit } from '../../store/audit-log.js'
import { administratorsOnly, invalidBody } from '../errors.js'
import { storeId } from '../params.js'
import { type Html, html } from './html.js'
import { link, page, pager, type Viewer, when } from './layout.js'
import { sendPage, viewerOf } from './render.js'
import type { Sessions } from './sessions.js'

const PAGE_SIZE = 50
const optionalId = z.preprocess((v) => (v === '' ? undefined : v), storeId.optional())
const auditQuery = z.object({
  event: z.string().trim().max(100).default(''),
  actor_login: z.string().trim().max(200).default(''),
  connection_id: optionalId,
  request_id: optionalId,
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
})
type AuditQuery = z.infer<typeof auditQuery>

export async function auditRoutes(
  app: FastifyInstance,
  options: { runtime: Runtime; sessions: Sessions },
): Promise<void> {
  const { runtime, sessions } = options
  app.get('/audit', async (request, reply) => {
    const viewer = viewerOf(request, sessions)
    if (!viewer.actor.is_admin) throw administratorsOnly()
    const parsed = auditQuery.safeParse(request.query)
    if (!parsed.success) throw invalidBody('The connection and request filters take a number.')
    const q = parsed.data
    const found = await listAudit(runtime.store.db, {
      ...(q.event && { event: q.event }),
      ...(q.actor_login && { actor_login: q.actor_login }),
      ...(q.connection_id !== undefined && { connection_id: q.connection_id }),
      ...(q.request_id !== undefined && { request_id: q.request_id }),
      page: q.page,
      page_size: PAGE_SIZE,
    })
    const href = (p: number) => link('/audit', { ...q, page: p > 1 ? p : undefined })
    return sendPage(reply, auditPage(viewer, q, found.items, pager(found, href)))
  })
}

function auditPage(viewer: Viewer, q: AuditQuery, entries: AuditEntry[], paging: Html | null): Html {
  const field = (name: string, label: string, value: string | number | undefined, type = 'text') =>
    html`<div class="field"><label for="${name}">${label}</label>
      <input id="${name}" name="${name}" type="${type}" value="${value ?? ''}"></div>`
  return page({
    title: 'Audit log',
    viewer,
    section: 'audit',
    body: html`<h1>Audit log</h1>
<form class="filters" method="get" action="/audit" role="search">
  ${field('event', 'event', q.event)}
  ${field('actor_login', 'Odoo login', q.actor_login)}
  ${field('connection_id', 'connection', q.connection_id, 'number')}
  ${field('request_id', 'request_id', q.request_id, 'number')}
  <button type="submit">Filter</button>
</form>
${
  entries.length === 0
    ? html`<p class="empty">No entries match.</p>`
    : html`<div class="table-wrap"><table class="audit">
  <caption class="visually-hidden">Audit log, newest first</caption>
  <thead><tr><th scope="col">at</th><th scope="col">event</th><th scope="col">outcome</th>
    <th scope="col">who</th><th scope="col">connection</th><th scope="col">request_id</th>
    <th scope="col">tool</th><th scope="col">model</th><th scope="col">details</th></tr></thead>
  <tbody>${entries.map(
    (e) => html`<tr>
    <td>${when(e.at)}</td><td><code>${e.event}</code></td><td>${e.outcome}</td>
    <td>${e.actor_login ?? '—'}</td>
    <td>${e.connection_id === null ? '—' : html`<a href="/connections/${e.connection_id}">#${e.connection_id}</a>`}</td>
    <td>${e.request_id === null ? '—' : html`<a href="/approvals/${e.request_id}">${e.request_id}</a>`}</td>
    <td>${e.tool ? html`<code>${e.tool}</code>` : '—'}</td><td>${e.model ?? '—'}</td>
    <td class="detail">${e.error && html`<span class="error-text">${e.error}</span> `}${
      e.detail && html`<code>${JSON.stringify(e.detail)}</code>`
    }${e.duration_ms !== null && html` <span class="none">${e.duration_ms} ms</span>`}</td>
  </tr>`,
  )}</tbody></table></div>`
}
${paging}`,
  })
}
