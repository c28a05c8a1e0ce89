/**
 * One approval request (seed steps 2–3): the summary as the headline ("What the AI is asking to
 * do"), Approve / Reject with the Approver Note when — and only when — the route says the viewer
 * may decide, the Request group, the Tool Arguments group (the stored JSON, pretty-printed, and its
 * SHA-256), and after a decision its outcome (the cached result or the error); under the summary,
 * why approving would run nothing and why the approver got no Odoo activity. console.js keeps
 * the status fields current from the `data-*` attributes. Renders only: the route computes
 * `can_decide` from domain/who-may-decide.ts, and every POST is checked again by the workflow.
 */
import type { Review } from '../../approvals/review.js'
import type { ApprovalRequest } from '../../domain/approval-request.js'
import type { PreviewEffect } from '../../domain/effects/preview.js'
import { type Html, html, type Renderable } from './html.js'
import { page, type Viewer, when } from './layout.js'

export interface ApprovalPageData {
  request: ApprovalRequest
  connection_name: string | null
  /** Pending, not past expires_at, and mayDecide allows this viewer. */
  can_decide: boolean
  /** Why approving would run nothing as the connection is now (approvals/execute.ts), or null. */
  blocked: string | null
  /** The effect preview filed with the request, and whether its records changed since (approvals/review.ts). */
  review: Review
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
  ${r.status === 'pending' && driftBanner(data.review.drift)}
  ${
    r.notification_error &&
    html`<p class="banner banner-warning" role="note">The approver was not notified in Odoo:
      ${r.notification_error}${r.status === 'pending' && html`<br>Tell them another way: send them the link to this page.`}</p>`
  }
  ${data.can_decide ? decisionForm(viewer, r) : whyNoButtons(viewer, r, data.now)}
</header>
${outcome(r)}
${effectsGroup(data.review)}
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

/** Said before the buttons: approving a request whose records changed runs nothing. */
function driftBanner(drift: Review['drift']): Html | null {
  if (!drift) return null
  if (drift.changed === null)
    return html`<p class="banner banner-warning drift" role="note">Could not check whether the records changed
      since the request was filed: ${drift.error}.</p>`
  if (!drift.changed)
    return html`<p class="help drift drift-none">The records are unchanged since the request was filed (checked ${drift.checked_at}).</p>`
  return html`<div class="banner banner-warning drift drift-changed" role="alert">
    <p><strong>Changed since the request was filed.</strong> Approving will run nothing: at execution
      Countersign reads the records again and refuses a call whose records no longer match what was reviewed.
      Reject it and let the AI file it again if the user still wants it.</p>
    <ul>${drift.changes.map(
      (d) =>
        html`<li>${d.name} (${d.model} #${d.id}): ${
          d.gone
            ? 'no longer exists, or the requester can no longer read it'
            : d.changes.map(
                (c, i) => html`${i > 0 && '; '}${c.label} <del>${c.before}</del> → <ins>${c.after}</ins>`,
              )
        }</li>`,
    )}</ul>
  </div>`
}

/**
 * What the call will do, effect by effect: the records with their facts, a before → after table for
 * writes and state changes, recipients of anything sent, and Odoo's refusals said in advance. Every
 * string was quoted and sanitised when the preview was built (domain/effects/preview.ts).
 */
function effectsGroup(review: Review): Html | null {
  if (!review.effects) return null
  return html`<section aria-labelledby="effects-group" class="group effects">
  <h2 id="effects-group">What it will do in Odoo</h2>
  ${review.effects.items.map(
    (e) => html`<div class="effect effect-${e.kind}" data-kind="${e.kind}" data-model="${e.model}">
    <h3>${e.irreversible && html`<span class="badge badge-irreversible">cannot be undone</span> `}${e.headline}</h3>
    ${e.via && html`<p class="help">carried by <code>${e.via}</code></p>`}
    ${e.warnings.length > 0 && html`<ul class="warnings">${e.warnings.map((w) => html`<li>${w}</li>`)}</ul>`}
    ${e.records.length > 0 && recordsTable(e)}
    ${e.more > 0 && html`<p class="help">… and ${e.more} more (${e.count} in all).</p>`}
    ${
      e.values.length > 0 &&
      html`<table class="values"><thead><tr><th scope="col">Field</th><th scope="col">Value</th></tr></thead>
      <tbody>${e.values.map((v) => html`<tr><th scope="row">${v.label}</th><td>${v.value}</td></tr>`)}</tbody></table>`
    }
    ${
      e.send &&
      html`<dl class="send">
      ${e.send.subject && html`<dt>subject</dt><dd>${e.send.subject}</dd>`}
      <dt>recipients</dt><dd>${
        e.send.recipient_count === null
          ? 'the followers of the record (Odoo did not list them)'
          : html`${e.send.recipient_count}${e.send.recipients.length > 0 && html`: ${e.send.recipients.join(', ')}${e.send.recipient_count > e.send.recipients.length && ', …'}`}`
      }</dd></dl>`
    }
  </div>`,
  )}
  ${review.effects.more > 0 && html`<p class="help">… and ${review.effects.more} more effects (see the arguments).</p>`}
</section>`
}

function recordsTable(e: PreviewEffect): Html {
  const factLabels = [...new Set(e.records.flatMap((r) => r.facts.map((f) => f.label)))]
  const changeLabels = [...new Set(e.records.flatMap((r) => r.changes.map((c) => c.label)))]
  return html`<table class="records">
    <thead><tr><th scope="col">Record</th>${factLabels.map((l) => html`<th scope="col">${l}</th>`)}${changeLabels.map(
      (l) => html`<th scope="col">${l}: before → after</th>`,
    )}</tr></thead>
    <tbody>${e.records.map(
      (r) =>
        html`<tr data-record-id="${r.id}"><th scope="row">${r.name} <span class="id">#${r.id}</span></th>${factLabels.map(
          (l) => html`<td>${r.facts.find((f) => f.label === l)?.value ?? ''}</td>`,
        )}${changeLabels.map((l) => {
          const c = r.changes.find((x) => x.label === l)
          return html`<td>${c ? html`${c.before} → <strong>${c.after}</strong>` : ''}</td>`
        })}</tr>`,
    )}</tbody>
  </table>`
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
