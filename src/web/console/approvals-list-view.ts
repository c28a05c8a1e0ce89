/**
 * The approvals list page (seed step 2): opens filtered to pending, pending rows highlighted,
 * newest first, paged, with a status filter (every status, or all) and a search over tool, model
 * and requester. Renders the page it is given; the route decides what the viewer may see.
 */
import { APPROVAL_STATUSES, type ApprovalRequest } from '../../domain/approval-request.js'
import type { Page } from '../../store/values.js'
import { type Html, html } from './html.js'
import { link, page, pager, type Viewer, when } from './layout.js'

export type StatusFilter = (typeof APPROVAL_STATUSES)[number] | 'all'
export const STATUS_FILTERS: readonly StatusFilter[] = [...APPROVAL_STATUSES, 'all']

export interface ListQuery {
  status: StatusFilter
  search: string
  page: number
}

export function approvalsListPage(viewer: Viewer, query: ListQuery, found: Page<ApprovalRequest>): Html {
  const href = (p: number) =>
    link('/approvals', {
      status: query.status,
      search: query.search || undefined,
      page: p > 1 ? p : undefined,
    })
  const heading = query.status === 'all' ? 'All approval requests' : `Approval requests: ${query.status}`
  return page({
    title: 'Approvals',
    viewer,
    section: 'approvals',
    body: html`<h1>${heading}</h1>
<form class="filters" method="get" action="/approvals" role="search">
  <div class="field">
    <label for="status">Status</label>
    <select id="status" name="status">
      ${STATUS_FILTERS.map(
        (s) => html`<option value="${s}"${s === query.status ? html` selected` : ''}>${s}</option>`,
      )}
    </select>
  </div>
  <div class="field grow">
    <label for="search">Search tool, model or requester</label>
    <input id="search" name="search" type="search" value="${query.search}" maxlength="200">
  </div>
  <button type="submit">Filter</button>
</form>
${
  found.items.length === 0
    ? html`<p class="empty">No ${query.status === 'all' ? '' : `${query.status} `}requests${query.search && ` matching “${query.search}”`}.</p>`
    : html`<div class="table-wrap"><table class="requests">
  <caption class="visually-hidden">${heading}, newest first</caption>
  <thead><tr>
    <th scope="col">request_id</th><th scope="col">What the AI is asking to do</th>
    <th scope="col">status</th><th scope="col">execution_status</th>
    <th scope="col">tool</th><th scope="col">model</th><th scope="col">requester</th>
    <th scope="col">approver</th><th scope="col">requested at</th><th scope="col">expires at</th>
  </tr></thead>
  <tbody>
  ${found.items.map(row)}
  </tbody>
</table></div>`
}
${pager(found, href)}`,
  })
}

function row(request: ApprovalRequest): Html {
  const url = `/approvals/${request.request_id}`
  return html`<tr class="status-${request.status}" data-request-id="${request.request_id}">
    <td data-label="request_id"><a href="${url}">#${request.request_id}</a></td>
    <td class="summary"><a href="${url}">${request.summary}</a></td>
    <td data-label="status"><span class="badge badge-${request.status}">${request.status}</span></td>
    <td data-label="execution_status">${request.execution_status}</td>
    <td data-label="tool"><code>${request.tool}</code></td>
    <td data-label="model">${request.model ? html`<code>${request.model}</code>` : '—'}</td>
    <td data-label="requester">${request.requester_login}</td>
    <td data-label="approver">${request.approver_login ?? html`<span class="none">any MCP administrator</span>`}</td>
    <td data-label="requested at">${when(request.requested_at)}</td>
    <td data-label="expires at">${when(request.expires_at)}</td>
  </tr>`
}
