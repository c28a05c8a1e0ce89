/**
 * One approval request (seed steps 2–3): the summary as the headline ("What the AI is asking to
 * do"), Approve / Reject with the Approver Note when — and only when — the route says the viewer
 * may decide, the Request group, the Tool Arguments group (the stored JSON, pretty-printed, and its
 * SHA-256), and after a decision its outcome (the cached result or the error); under the summary,
 * why approving would run nothing and why the approver got no Odoo activity. console.js keeps
 * the status fields current from the `data-*` attributes. Renders only: the route computes
 * `can_decide` from domain/who-may-decide.ts, and every POST is checked again by the workflow.
 */
import type { ApprovalRequest } from '../../domain/approval-request.js'
import { type Html, html, type Renderable } from './html.js'
import { page, type Viewer, when } from './layout.js'

export interface ApprovalPageData {
  request: ApprovalRequest
  connection_name: string | null
  /** Pending, not past expires_at, and mayDecide allows this viewer. */
  can_decide: boolean
  /** Why approving would run nothing as the connection is now (approvals/execute.ts), or null. */
  blocked: string | null
  now: Date
  banner?: Renderable
}

export function approvalPage(viewer: Viewer, data: ApprovalPageData): Html {
  const r = data.request
  return page({
    title: `Request ${r.request_id}`,
    viewer,
    section: 'approvals',
    body: html`<article class="request" data-request-id="${r.request_id}" data-status="${r.status}"
  data-execution-status="${r.execution_status}">
<header class="request-head">
  <p class="eyebrow" id="ask-label">What the AI is asking to do</p>
  <h1 aria-describedby="ask-label">${r.summary}</h1>
  <p class="state">
    request_id <strong>${r.request_id}</strong> ·
    status <span class="badge badge-${r.status}" data-field="status">${r.status}</span> ·
    execution_status <span class="badge" data-field="execution_status">${r.execution_status}</span>
  </p>
  <p class="live" id="live" role="status" aria-live="polite"></p>
  ${data.banner}
  ${
    r.status === 'pending' &&
    data.blocked &&
    html`<p class="banner banner-warning" role="note">Approving this request will run nothing:
      ${data.blocked}. Reject it, or restore the connection first.</p>`
  }
  ${
    r.notification_error &&
    html`<p class="banner banner-warning" role="note">The approver was not notified in Odoo:
      ${r.notification_error}${r.status === 'pending' && html`<br>Tell them another way: send them the link to this page.`}</p>`
  }
  ${data.can_decide ? decisionForm(viewer, r) : whyNoButtons(viewer, r, data.now)}
</header>
${outcome(r)}
<section aria-labelledby="request-group" class="group">
  <h2 id="request-group">Request</h2>
  <dl>
    <dt>connection</dt><dd>${
      viewer.actor.is_admin
        ? html`<a href="/connections/${r.connection_id}">${data.connection_name ?? 'connection'}</a>`
        : (data.connection_name ?? 'connection')
    } (#${r.connection_id})</dd>
    <dt>requester</dt><dd>${r.requester_name} (${r.requester_login})</dd>
    <dt>assigned approver</dt><dd>${
      r.approver_login === null
        ? 'nobody — any MCP administrator may decide'
        : `${r.approver_name} (${r.approver_login})`
    }</dd>
    <dt>requested at</dt><dd>${when(r.requested_at)}</dd>
    <dt>expires at</dt><dd>${when(r.expires_at)}</dd>
    <dt>status</dt><dd data-field="status">${r.status}</dd>
    <dt>execution_status</dt><dd data-field="execution_status">${r.execution_status}</dd>
    ${
      r.decided_at &&
      html`<dt>decided by</dt><dd>${r.decided_by_name} (${r.decided_by_login})</dd>
    <dt>decided at</dt><dd>${when(r.decided_at)}</dd>
    <dt>approver note</dt><dd class="note">${r.approver_note ?? html`<span class="none">none</span>`}</dd>`
    }
  </dl>
</section>
<section aria-labelledby="arguments-group" class="group">
  <h2 id="arguments-group">Tool Arguments</h2>
  <p>tool <code>${r.tool}</code>${r.model && html` on model <code>${r.model}</code>`}</p>
  <pre class="json" tabindex="0" aria-label="Tool arguments as JSON"><code>${pretty(r.arguments)}</code></pre>
  <p class="hash">SHA-256 of the canonical arguments: <code>${r.arguments_sha256}</code></p>
</section>
</article>`,
  })
}

function decisionForm(viewer: Viewer, r: ApprovalRequest): Html {
  return html`<form class="decide" method="post" action="/approvals/${r.request_id}/approve">
    <input type="hidden" name="_csrf" value="${viewer.csrf}">
    <label for="approver_note">Approver note</label>
    <textarea id="approver_note" name="note" rows="3" maxlength="4000" aria-describedby="note-help"></textarea>
    <p id="note-help" class="help">Optional; kept on the request for the audit trail and shown to the AI,
      e.g. “Approved after confirming with finance”.</p>
    <div class="buttons">
      <button type="submit" class="approve" formaction="/approvals/${r.request_id}/approve">Approve</button>
      <button type="submit" class="reject" formaction="/approvals/${r.request_id}/reject">Reject</button>
    </div>
  </form>`
}

function whyNoButtons(viewer: Viewer, r: ApprovalRequest, now: Date): Html | null {
  if (r.status !== 'pending') return null
  if (r.expires_at.getTime() <= now.getTime())
    return html`<p class="help">This request is past its expiry and can no longer be decided.</p>`
  if (viewer.actor.uid === r.requester_uid) {
    const who =
      r.approver_login === null ? 'an MCP administrator' : `${r.approver_name} or an MCP administrator`
    return html`<p class="help">You filed this request through your AI connection, so you cannot approve
      or reject it: ${who} decides.</p>`
  }
  return null
}

function outcome(r: ApprovalRequest): Html | null {
  if (r.status === 'rejected')
    return html`<section class="group outcome" aria-labelledby="outcome-h"><h2 id="outcome-h">Outcome</h2>
      <p>Rejected: the call was dropped and never ran. The AI sees the approver note.</p></section>`
  if (r.status === 'expired')
    return html`<section class="group outcome" aria-labelledby="outcome-h"><h2 id="outcome-h">Outcome</h2>
      <p>Expired without a decision: the call never ran. The AI can file a fresh request if the user still wants it.</p></section>`
  if (r.status !== 'approved') return null
  let content: Renderable
  switch (r.execution_status) {
    case 'pending':
    case 'running':
      content = html`<p>Approved. Odoo is executing the call as ${r.requester_login}…</p>`
      break
    case 'success':
      content = html`<p>Approved and executed in Odoo as ${r.requester_login}. The result:</p>
        <pre class="json" tabindex="0" aria-label="Result as JSON"><code>${r.result === null ? 'null' : pretty(r.result)}</code></pre>
        ${r.result_truncated && html`<p class="help">The result was too large to keep whole; this is a shortened copy.</p>`}`
      break
    case 'error':
      content = html`<p>Approved, but the execution in Odoo failed:</p>
        <p class="error-text">${r.error ?? 'unknown error'}</p>`
      break
  }
  return html`<section class="group outcome outcome-${r.execution_status}" aria-labelledby="outcome-h">
    <h2 id="outcome-h">${r.execution_status === 'error' ? 'Error' : 'Result'}</h2>${content}</section>`
}

function pretty(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2)
  } catch {
    return json
  }
}
