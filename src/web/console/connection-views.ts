/**
 * Connection pages for MCP administrators: the list with each connection's status, the create and
 * edit forms (policy: write access, allowed tools, tools and effects that need approval, approver,
 * approval expiry), revoke and rotate, and the page that shows a new token once with client snippets.
 * Never renders the Odoo secret or a token hash. Renders only; routes call connections/manage.ts.
 */

import { clientSnippets } from '../../connections/client-snippets.js'
import { EFFECT_KINDS, type EffectKind } from '../../domain/effects/effect.js'
import { RECOMMENDED_APPROVAL_EFFECTS } from '../../domain/policy.js'
import type { Connection } from '../../store/connections.js'
import { ODOO_TOOL_NAMES } from '../../tools/catalog.js'
import { type Html, html } from './html.js'
import { banner, hidden, page, type Viewer, when } from './layout.js'

/** The policy form's values, as typed (re-shown after an error). */
export interface PolicyForm {
  name: string
  odoo_login: string
  write_access: boolean
  allowed_tools: string[]
  approval_tools: string[]
  /** As ticked; manage.ts refuses a kind that is not one. */
  approval_effects: string[]
  approver_login: string
  approval_expiry_hours: string
}

export const EMPTY_POLICY: PolicyForm = {
  name: '',
  odoo_login: '',
  write_access: false,
  allowed_tools: [],
  approval_tools: ['delete_record', 'batch_delete', 'execute_method'],
  approval_effects: [...RECOMMENDED_APPROVAL_EFFECTS],
  approver_login: '',
  approval_expiry_hours: '4',
}

export function policyFormOf(c: Connection): PolicyForm {
  return {
    name: c.name,
    odoo_login: c.odoo_login,
    write_access: c.write_access,
    allowed_tools: c.allowed_tools,
    approval_tools: c.approval_tools,
    approval_effects: c.approval_effects,
    approver_login: c.approver_login ?? '',
    approval_expiry_hours: String(c.approval_expiry_hours),
  }
}

/** What each effect kind covers, in the words of the form (the tools and commands that carry it). */
const EFFECT_HELP: Readonly<Record<EffectKind, string>> = {
  create:
    "creating records, also new lines through update_record's x2many commands or execute_method create/copy",
  write: 'changing field values of existing records (update_record, execute_method write)',
  delete: "deleting records, also through update_record's x2many commands or execute_method unlink",
  archive: 'archiving records (active: false, action_archive): they disappear from every list',
  state: 'moving a record to another state (confirming, posting, cancelling), also by writing its state',
  send: 'sending to people outside: emails, messages to followers, test emails',
  call: 'calling any other method through execute_method, whose effect Countersign cannot name',
}

export function connectionsPage(viewer: Viewer, connections: Connection[]): Html {
  return page({
    title: 'Connections',
    viewer,
    section: 'connections',
    body: html`<h1>Connections</h1>
<p><a class="button" href="/connections/new">New connection</a></p>
${
  connections.length === 0
    ? html`<p class="empty">No connections yet.</p>`
    : html`<div class="table-wrap"><table>
  <caption class="visually-hidden">Connections</caption>
  <thead><tr><th scope="col">connection</th><th scope="col">status</th><th scope="col">acts as</th>
    <th scope="col">write access</th><th scope="col">tools that need approval</th>
    <th scope="col">effects that need approval</th><th scope="col">approver</th>
    <th scope="col">expiry (hours)</th><th scope="col">token</th><th scope="col">last used</th><th scope="col">requests</th></tr></thead>
  <tbody>${connections.map(
    (c) => html`<tr class="connection-${c.status}">
    <td><a href="/connections/${c.connection_id}">${c.name}</a> <span class="none">#${c.connection_id}</span></td>
    <td><span class="badge badge-${c.status}">${c.status}</span></td>
    <td>${c.odoo_user_name} (${c.odoo_login})</td>
    <td>${c.write_access ? 'on' : 'off'}</td>
    <td>${c.approval_tools.length > 0 ? c.approval_tools.join(', ') : html`<span class="none">none</span>`}</td>
    <td>${c.approval_effects.length > 0 ? c.approval_effects.join(', ') : html`<span class="none">none</span>`}</td>
    <td>${c.approver_login ?? html`<span class="none">any MCP administrator</span>`}</td>
    <td>${c.approval_expiry_hours}</td>
    <td>${c.oauth_client_id ? 'OAuth' : html`<code>${c.token_prefix}…</code>`}</td>
    <td>${when(c.last_used_at)}</td>
    <td>${c.request_count}</td>
  </tr>`,
  )}</tbody>
</table></div>`
}`,
  })
}

export function connectionFormPage(
  viewer: Viewer,
  options: { connection: Connection | null; form: PolicyForm; error?: string; done?: string },
): Html {
  const c = options.connection
  const f = options.form
  const title = c ? `Connection ${c.name}` : 'New connection'
  return page({
    title,
    viewer,
    section: 'connections',
    body: html`<h1>${title}</h1>
${options.done && banner('success', options.done)}
${options.error && banner('error', options.error)}
${c && details(viewer, c)}
<form class="policy" method="post" action="${c ? `/connections/${c.connection_id}` : '/connections'}">
  ${hidden('_csrf', viewer.csrf)}
  <div class="field"><label for="name">Name</label>
    <input id="name" name="name" required maxlength="200" value="${f.name}"></div>
  ${
    !c &&
    html`<div class="field"><label for="odoo_login">Odoo login the connection acts as</label>
    <input id="odoo_login" name="odoo_login" required maxlength="200" autocomplete="off" value="${f.odoo_login}"></div>
  <div class="field"><label for="odoo_secret">That user's Odoo API key (or password)</label>
    <input id="odoo_secret" name="odoo_secret" type="password" required maxlength="1000" autocomplete="new-password"
      aria-describedby="secret-help">
    <p id="secret-help" class="help">Checked against Odoo now, then stored encrypted; never shown again.</p></div>`
  }
  <div class="field check"><input id="write_access" name="write_access" type="checkbox" value="on"${f.write_access ? html` checked` : ''}>
    <label for="write_access">Write access (tools that change data are listed and callable)</label></div>
  ${toolBoxes('allowed_tools', 'Allowed tools (none checked: every tool write access permits)', f.allowed_tools)}
  ${toolBoxes('approval_tools', 'Tools that need approval', f.approval_tools)}
  ${effectBoxes(f.approval_effects)}
  <div class="field"><label for="approver_login">Approver (Odoo login)</label>
    <input id="approver_login" name="approver_login" maxlength="200" value="${f.approver_login}" aria-describedby="approver-help">
    <p id="approver-help" class="help">Empty: nobody, so any MCP administrator acts on this connection's requests.</p></div>
  <div class="field"><label for="approval_expiry_hours">Approval expiry (hours)</label>
    <input id="approval_expiry_hours" name="approval_expiry_hours" type="number" min="0.01" step="any" required
      value="${f.approval_expiry_hours}"></div>
  <button type="submit">${c ? 'Save policy' : 'Create connection'}</button>
</form>`,
  })
}

function toolBoxes(name: string, legend: string, checked: string[]): Html {
  return html`<fieldset class="tools"><legend>${legend}</legend>
    ${ODOO_TOOL_NAMES.map(
      (tool) =>
        html`<span class="check"><input type="checkbox" id="${name}-${tool}" name="${name}" value="${tool}"${
          checked.includes(tool) ? html` checked` : ''
        }><label for="${name}-${tool}"><code>${tool}</code></label></span>`,
    )}
  </fieldset>`
}

function effectBoxes(checked: string[]): Html {
  return html`<fieldset class="effects"><legend>Effects that need approval (whatever tool carries them)</legend>
    ${EFFECT_KINDS.map(
      (kind) =>
        html`<div class="check"><input type="checkbox" id="approval_effects-${kind}" name="approval_effects" value="${kind}"${
          checked.includes(kind) ? html` checked` : ''
        } aria-describedby="approval_effects-${kind}-help"><label for="approval_effects-${kind}"><code>${kind}</code></label>
      <span id="approval_effects-${kind}-help" class="help">${EFFECT_HELP[kind]}</span></div>`,
    )}
  </fieldset>`
}

function details(viewer: Viewer, c: Connection): Html {
  return html`<section class="group" aria-labelledby="details-h"><h2 id="details-h">Connection</h2>
  <dl>
    <dt>status</dt><dd><span class="badge badge-${c.status}">${c.status}</span></dd>
    <dt>acts as</dt><dd>${c.odoo_user_name} (${c.odoo_login}, uid ${c.odoo_uid})</dd>
    ${
      c.oauth_client_id
        ? html`<dt>signed in</dt><dd>over OAuth by the client <code>${c.oauth_client_id}</code></dd>`
        : html`<dt>token</dt><dd><code>${c.token_prefix}…</code> (only its hash is stored)</dd>`
    }
    <dt>created</dt><dd>${when(c.created_at)}</dd>
    <dt>last used</dt><dd>${when(c.last_used_at)}</dd>
    <dt>requests</dt><dd>${c.request_count}</dd>
    ${c.revoked_at && html`<dt>revoked</dt><dd>${when(c.revoked_at)}</dd>`}
  </dl>
  ${
    c.status === 'active' &&
    html`<div class="buttons">
    ${
      !c.oauth_client_id &&
      html`<form method="post" action="/connections/${c.connection_id}/rotate" data-confirm="Issue a new token? The current one stops working at once.">
      ${hidden('_csrf', viewer.csrf)}<button type="submit">Rotate token</button></form>`
    }
    <form method="post" action="/connections/${c.connection_id}/revoke" data-confirm="Revoke this connection? Its AI client loses access at once.">
      ${hidden('_csrf', viewer.csrf)}<button type="submit" class="reject">Revoke</button></form>
  </div>`
  }
</section>`
}

export function tokenPage(
  viewer: Viewer,
  c: Connection,
  token: string,
  mcp_url: string,
  rotated: boolean,
): Html {
  return page({
    title: rotated ? 'Token rotated' : 'Connection created',
    viewer,
    section: 'connections',
    body: html`<h1>${rotated ? `New token for ${c.name}` : `Connection ${c.name} created`}</h1>
${banner('warning', 'Copy the token now: it is shown only once and cannot be recovered (only its hash is stored).')}
<div class="field"><label for="token">MCP token for ${c.odoo_login}</label>
  <input id="token" class="token" readonly value="${token}" data-select></div>
<p>MCP URL: <code>${mcp_url}</code> with the header <code>Authorization: Bearer &lt;token&gt;</code>.</p>
${clientSnippets(mcp_url, token).map(
  (s, i) => html`<section class="group" aria-labelledby="snippet-${i}">
  <h2 id="snippet-${i}">${s.client}</h2><p class="help">Paste into ${s.where}.</p>
  <pre class="snippet" tabindex="0"><code>${s.text}</code></pre></section>`,
)}
<p><a href="/connections/${c.connection_id}">Back to the connection</a> · <a href="/connections">All connections</a></p>`,
  })
}
