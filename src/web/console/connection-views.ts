/**
 * Connection pages. Everyone: their own connections, the form to connect an AI client themselves
 * (with their Odoo password or a key they made), a connection's page with revoke, rotate and
 * re-issue, and the page that shows a new token once with client snippets. MCP administrators
 * also: every connection, the create and edit forms with the policy (write access, allowed tools,
 * tools and effects that need approval, approver, approval expiry). Never renders the Odoo secret,
 * a password or a token hash. Renders only; routes decide who sees what and call connections/manage.ts.
 */

import { clientSnippets } from '../../connections/client-snippets.js'
import { AI_CLIENTS } from '../../connections/manage.js'
import { EFFECT_KINDS, type EffectKind } from '../../domain/effects/effect.js'
import { RECOMMENDED_APPROVAL_EFFECTS } from '../../domain/policy.js'
import type { Connection } from '../../store/connections.js'
import type { StoredProfile } from '../../store/profiles.js'
import { ODOO_TOOL_NAMES } from '../../tools/catalog.js'
import type { PolicyFields } from './form-fields.js'
import { type Html, html } from './html.js'
import { banner, hidden, page, type Viewer, when } from './layout.js'

/** The policy form's values, as typed (re-shown after an error). */
export interface PolicyForm extends PolicyFields {
  name: string
  odoo_login: string
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

/** How long before its Odoo key expires an active connection is flagged in the list. */
export const KEY_EXPIRY_WARNING_DAYS = 14

/**
 * An active connection whose Odoo key expires within KEY_EXPIRY_WARNING_DAYS, or has expired: Odoo
 * will refuse (or refuses) its AI client, and its owner has to connect it again.
 */
function keyExpiryBadge(c: Connection, now: Date): Html | null {
  const expires = c.odoo_key_expires_at
  if (c.status !== 'active' || !expires) return null
  if (expires.getTime() <= now.getTime())
    return html` <span class="badge badge-expired">Odoo key expired ${when(expires)}</span>`
  if (expires.getTime() - now.getTime() <= KEY_EXPIRY_WARNING_DAYS * 24 * 60 * 60 * 1000)
    return html` <span class="badge badge-pending">Odoo key expires ${when(expires)}</span>`
  return null
}

export function connectionsPage(viewer: Viewer, connections: Connection[], now: Date): Html {
  const admin = viewer.actor.is_admin
  return page({
    title: admin ? 'Connections' : 'My connections',
    viewer,
    section: 'connections',
    body: html`<h1>${admin ? 'Connections' : 'My connections'}</h1>
<p class="help">${
      admin
        ? 'Every connection. People connect their AI clients themselves; the token of a connection is only ever shown to its owner.'
        : 'The AI clients connected to Countersign as you. Each acts in Odoo with your rights; what it may do without approval is set by the MCP administrators.'
    }</p>
<p><a class="button" href="/connections/connect">Connect an AI client</a>${
      admin && html` <a class="button" href="/connections/new">New connection with an Odoo key you hold</a>`
    }</p>
${
  connections.length === 0
    ? html`<p class="empty">No connections yet.</p>`
    : html`<div class="table-wrap"><table>
  <caption class="visually-hidden">Connections</caption>
  <thead><tr><th scope="col">connection</th><th scope="col">AI client</th><th scope="col">status</th><th scope="col">acts as</th><th scope="col">policy from</th>
    <th scope="col">write access</th><th scope="col">tools that need approval</th>
    <th scope="col">effects that need approval</th><th scope="col">approver</th>
    <th scope="col">expiry (hours)</th><th scope="col">token</th><th scope="col">created</th><th scope="col">last used</th><th scope="col">requests</th></tr></thead>
  <tbody>${connections.map(
    (c) => html`<tr class="connection-${c.status}">
    <td><a href="/connections/${c.connection_id}">${c.name}</a> <span class="none">#${c.connection_id}</span></td>
    <td>${c.ai_client ?? html`<span class="none">—</span>`}</td>
    <td><span class="badge badge-${c.status}">${c.status}</span>${keyExpiryBadge(c, now)}</td>
    <td>${c.odoo_user_name} (${c.odoo_login})</td>
    <td>${c.profile_id === null ? html`<span class="none">its own policy</span>` : admin ? html`<a href="/profiles/${c.profile_id}">${c.profile_name}</a>` : c.profile_name}</td>
    <td>${c.write_access ? 'on' : 'off'}</td>
    <td>${c.approval_tools.length > 0 ? c.approval_tools.join(', ') : html`<span class="none">none</span>`}</td>
    <td>${c.approval_effects.length > 0 ? c.approval_effects.join(', ') : html`<span class="none">none</span>`}</td>
    <td>${c.approver_login ?? html`<span class="none">any MCP administrator</span>`}</td>
    <td>${c.approval_expiry_hours}</td>
    <td>${c.oauth_client_id ? 'OAuth' : html`<code>${c.token_prefix}…</code>`}</td>
    <td>${when(c.created_at)}</td>
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
  options: {
    connection: Connection | null
    form: PolicyForm
    error?: string
    done?: string
    /** Every profile, for the chooser on an existing connection's page. */
    profiles?: readonly StoredProfile[]
  },
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
${c && options.profiles && profileChooser(viewer, c, options.profiles)}
${c && c.profile_id !== null ? policySummary(c) : policyForm(viewer, c, f)}`,
  })
}

/** The policy of a connection on a profile: shown, changed only through the profile. */
function policySummary(c: Connection): Html {
  return html`<section class="group" aria-labelledby="policy-h"><h2 id="policy-h">Policy (from profile ${c.profile_name})</h2>
  ${policyFacts(c)}
</section>`
}

/** A connection's policy as read-only facts. */
function policyFacts(c: Connection): Html {
  const none = (text: string) => html`<span class="none">${text}</span>`
  return html`<dl>
    <dt>write access</dt><dd>${c.write_access ? 'on' : 'off'}</dd>
    <dt>allowed tools</dt><dd>${c.allowed_tools.length > 0 ? c.allowed_tools.join(', ') : none('every tool write access permits')}</dd>
    <dt>tools that need approval</dt><dd>${c.approval_tools.length > 0 ? c.approval_tools.join(', ') : none('none')}</dd>
    <dt>effects that need approval</dt><dd>${c.approval_effects.length > 0 ? c.approval_effects.join(', ') : none('none')}</dd>
    <dt>approver</dt><dd>${c.approver_login ?? none('any MCP administrator')}</dd>
    <dt>approval expiry</dt><dd>${c.approval_expiry_hours} hour(s)</dd>
  </dl>`
}

function policyForm(viewer: Viewer, c: Connection | null, f: PolicyForm): Html {
  return html`<form class="policy" method="post" action="${c ? `/connections/${c.connection_id}` : '/connections'}">
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
</form>`
}

export function toolBoxes(name: string, legend: string, checked: string[]): Html {
  return html`<fieldset class="tools"><legend>${legend}</legend>
    ${ODOO_TOOL_NAMES.map(
      (tool) =>
        html`<span class="check"><input type="checkbox" id="${name}-${tool}" name="${name}" value="${tool}"${
          checked.includes(tool) ? html` checked` : ''
        }><label for="${name}-${tool}"><code>${tool}</code></label></span>`,
    )}
  </fieldset>`
}

export function effectBoxes(checked: string[]): Html {
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
    <dt>AI client</dt><dd>${c.ai_client ?? html`<span class="none">not given</span>`}</dd>
    <dt>created by</dt><dd>${c.created_by ? c.created_by.login : 'the operator (command line)'}</dd>
    <dt>Odoo API key</dt><dd>${
      c.odoo_key_name
        ? html`made by Countersign in Odoo, named <q>${c.odoo_key_name}</q> (listed in Odoo under Preferences → Account Security)`
        : 'given to Countersign when the connection was made'
    }</dd>
    ${
      c.odoo_key_expires_at &&
      html`<dt>Odoo key expires</dt><dd>${when(c.odoo_key_expires_at)}: Odoo refuses the key from then on, and the owner connects the AI client again</dd>`
    }
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
  ${actions(viewer, c)}
</section>`
}

/**
 * Rotate gives the owner a new token; for anyone else it revokes (connections/manage.ts), and the
 * button says so. Re-issue is the owner's, for a revoked connection.
 */
function actions(viewer: Viewer, c: Connection): Html | null {
  const own = viewer.actor.uid === c.odoo_uid
  if (c.status !== 'active') {
    return own
      ? html`<div class="buttons">
    <form method="post" action="/connections/${c.connection_id}/reissue" data-confirm="Make a new connection like this one, with a new token?">
      ${hidden('_csrf', viewer.csrf)}<button type="submit">Re-issue</button></form>
  </div>
  <p class="help">Re-issue makes a new connection with the same name, AI client, policy and Odoo key, and shows you its token once.</p>`
      : null
  }
  return html`<div class="buttons">
    ${
      own && c.oauth_client_id
        ? null
        : own
          ? html`<form method="post" action="/connections/${c.connection_id}/rotate" data-confirm="Issue a new token? The current one stops working at once.">
      ${hidden('_csrf', viewer.csrf)}<button type="submit">Rotate token</button></form>`
          : html`<form method="post" action="/connections/${c.connection_id}/rotate" data-confirm="This connection acts as ${c.odoo_login}: rotating it revokes it, and only ${c.odoo_login} can re-issue it. Go on?">
      ${hidden('_csrf', viewer.csrf)}<button type="submit">Rotate (revokes: only the owner gets a new token)</button></form>`
    }
    <form method="post" action="/connections/${c.connection_id}/revoke" data-confirm="Revoke this connection? Its AI client loses access at once.">
      ${hidden('_csrf', viewer.csrf)}${own && c.odoo_key_id !== null && keyRemovalField(c)}<button type="submit" class="reject">Revoke</button></form>
  </div>`
}

/**
 * On the owner's revoke form, when Countersign made the connection's Odoo key: their password, to
 * have that key deleted in Odoo too (Odoo asks it; connections/remove-key.ts). Empty keeps the key,
 * so the connection can be re-issued.
 */
function keyRemovalField(c: Connection): Html {
  return html`<div class="field"><label for="revoke-password">Also delete its Odoo API key <q>${c.odoo_key_name}</q>: your Odoo password</label>
      <input id="revoke-password" name="password" type="password" autocomplete="current-password" aria-describedby="revoke-password-help">
      <span id="revoke-password-help" class="help">Leave it empty to keep the key in Odoo, so that you can re-issue the connection later.</span></div>`
}

/** The owner's view of their connection: the details and actions, the policy as read-only facts. */
export function ownConnectionPage(
  viewer: Viewer,
  c: Connection,
  options: { done?: string | undefined; error?: string; profiles?: readonly StoredProfile[] } = {},
): Html {
  const { done, error, profiles = [] } = options
  return page({
    title: `Connection ${c.name}`,
    viewer,
    section: 'connections',
    body: html`<h1>Connection ${c.name}</h1>
${done && banner('success', done)}
${error && banner('error', error)}
${details(viewer, c)}
<section class="group" aria-labelledby="policy-h"><h2 id="policy-h">What it may do</h2>
  <p class="help">${
    c.profile_id === null
      ? 'Set by the MCP administrators.'
      : html`From the policy profile ${c.profile_name}, as the MCP administrators define it.`
  }</p>
  ${policyFacts(c)}
</section>
${c.status === 'active' && profiles.length > 0 && ownProfileChooser(viewer, c, profiles)}
<p><a href="/connections">All my connections</a></p>`,
  })
}

/**
 * The owner moves their connection to another profile: every profile is listed; Odoo is asked as
 * them whether their groups may use the one picked, and a profile that would loosen what the
 * connection has now is refused (connections/profiles.ts chooseProfile).
 */
function ownProfileChooser(viewer: Viewer, c: Connection, profiles: readonly StoredProfile[]): Html {
  return html`<section class="group" aria-labelledby="own-profile-h"><h2 id="own-profile-h">Policy profile</h2>
  <form method="post" action="/connections/${c.connection_id}/profile">
    ${hidden('_csrf', viewer.csrf)}
    <div class="field"><label for="profile_id">Move to the profile</label>
    <select id="profile_id" name="profile_id">
      ${profiles.map(
        (p) =>
          html`<option value="${p.profile_id}"${c.profile_id === p.profile_id ? html` selected` : ''}>${p.name}</option>`,
      )}
    </select></div>
    <p class="help">Only a profile of your Odoo groups that is at least as strict as what the connection has now.</p>
    <button type="submit">Move</button>
  </form></section>`
}

/** The form as typed to connect an AI client oneself (re-shown after an error, never the secrets). */
export interface OwnForm {
  name: string
  /** One of AI_CLIENTS, or 'other' with `ai_client_other`. */
  ai_client: string
  ai_client_other: string
  method: 'password' | 'api_key'
  /** The profile_id picked, as typed; '' for the default one. */
  profile: string
}

export const EMPTY_OWN_FORM: OwnForm = {
  name: '',
  ai_client: 'Claude Desktop',
  ai_client_other: '',
  method: 'password',
  profile: '',
}

export function ownConnectionFormPage(
  viewer: Viewer,
  options: { form: OwnForm; error?: string; profiles: readonly StoredProfile[] },
): Html {
  const f = options.form
  const option = (value: string, label: string) =>
    html`<option value="${value}"${f.ai_client === value ? html` selected` : ''}>${label}</option>`
  const radio = (value: OwnForm['method'], label: string) =>
    html`<span class="check"><input type="radio" id="method-${value}" name="method" value="${value}"${
      f.method === value ? html` checked` : ''
    }><label for="method-${value}">${label}</label></span>`
  return page({
    title: 'Connect an AI client',
    viewer,
    section: 'connections',
    body: html`<h1>Connect an AI client</h1>
${options.error && banner('error', options.error)}
<p class="help">The AI client will act in Odoo as you, ${viewer.actor.name} (${viewer.actor.login}), with your rights; what it may do without approval is set by the MCP administrators. You get a token to paste into the client, shown once.</p>
<form class="connect" method="post" action="/connections/connect">
  ${hidden('_csrf', viewer.csrf)}
  <div class="field"><label for="name">Name</label>
    <input id="name" name="name" required maxlength="200" value="${f.name}" aria-describedby="name-help">
    <p id="name-help" class="help">For you to recognise it, e.g. “Claude on my laptop”.</p></div>
  <div class="field"><label for="ai_client">AI client</label>
    <select id="ai_client" name="ai_client">
      ${AI_CLIENTS.map((c) => option(c, c))}
      ${option('other', 'Other (type its name below)')}
    </select></div>
  <div class="field"><label for="ai_client_other">Other AI client</label>
    <input id="ai_client_other" name="ai_client_other" maxlength="100" value="${f.ai_client_other}"></div>
  ${profilePicker(f, options.profiles)}
  <fieldset class="method"><legend>How Countersign gets an Odoo API key for you</legend>
    ${radio('password', 'Make one for me with my Odoo password')}
    ${radio('api_key', 'Use an Odoo API key I made')}
  </fieldset>
  <div class="field"><label for="password">Your Odoo password</label>
    <input id="password" name="password" type="password" maxlength="1000" autocomplete="current-password" aria-describedby="password-help">
    <p id="password-help" class="help">Countersign uses it once, to make an Odoo API key named after the AI client under your Odoo user (Odoo's identity check), and keeps only that key, encrypted. Never stored.</p></div>
  <div class="field"><label for="odoo_api_key">Or: an Odoo API key you made</label>
    <input id="odoo_api_key" name="odoo_api_key" type="password" maxlength="1000" autocomplete="off" aria-describedby="key-help">
    <p id="key-help" class="help">From Odoo: Preferences → Account Security → New API Key. It must be yours; checked against Odoo now, then stored encrypted.</p></div>
  <button type="submit">Connect</button>
</form>`,
  })
}

/**
 * The policy profiles to pick from. Every profile is listed with the groups it is for: which ones
 * this person may use is asked of Odoo as them, which needs the password or key they are about to
 * give, so the choice is checked when they submit (usable-profiles.ts pickProfile).
 */
function profilePicker(f: OwnForm, profiles: readonly StoredProfile[]): Html {
  if (profiles.length === 0)
    return html`<p class="help">What it may do: every tool; deleting, archiving, changing states, sending and other methods wait for an MCP administrator's approval (the default while administrators have defined no profiles).</p>`
  const option = (value: string, label: string) =>
    html`<option value="${value}"${f.profile === value ? html` selected` : ''}>${label}</option>`
  const forWhom = (p: StoredProfile) =>
    p.is_default ? 'everyone' : p.odoo_groups.length > 0 ? p.odoo_groups.join(', ') : 'nobody yet'
  return html`<div class="field"><label for="profile">Policy profile</label>
    <select id="profile" name="profile" aria-describedby="profile-help">
      ${option('', 'The default profile')}
      ${profiles.map((p) => option(String(p.profile_id), `${p.name} (for ${forWhom(p)})`))}
    </select>
    <p id="profile-help" class="help">What the AI client may do without approval, as the MCP administrators defined it. You may use a profile of one of your Odoo groups; Odoo is asked when you connect.</p></div>`
}

/** What rotating someone else's connection gives: the connection revoked, and no token. */
export function revokedByRotationPage(viewer: Viewer, c: Connection): Html {
  return page({
    title: 'Connection revoked',
    viewer,
    section: 'connections',
    body: html`<h1>Connection ${c.name} revoked</h1>
${banner(
  'info',
  html`This connection acts as ${c.odoo_user_name} (${c.odoo_login}), not as you, so rotating it revoked it and issued no new token: nobody but its owner gets a credential for their Odoo identity. Its token no longer works; ${c.odoo_login} can re-issue it from their own console (Connections → the connection → Re-issue).`,
)}
<p><a href="/connections/${c.connection_id}">Back to the connection</a> · <a href="/connections">All connections</a></p>`,
  })
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

/** On a connection's page: which profile it follows, and the form that changes it. */
export function profileChooser(viewer: Viewer, c: Connection, profiles: readonly StoredProfile[]): Html {
  return html`<section class="group" aria-labelledby="profile-h"><h2 id="profile-h">Policy profile</h2>
  <p>${
    c.profile_id === null
      ? 'This connection has its own policy (below).'
      : html`This connection takes its policy from profile <a href="/profiles/${c.profile_id}">${c.profile_name}</a>, as that profile is now.`
  }</p>
  <form method="post" action="/connections/${c.connection_id}/profile">
    ${hidden('_csrf', viewer.csrf)}
    <div class="field"><label for="profile_id">Policy from</label>
    <select id="profile_id" name="profile_id">
      <option value=""${c.profile_id === null ? html` selected` : ''}>its own policy (keeps the current one)</option>
      ${profiles.map(
        (p) =>
          html`<option value="${p.profile_id}"${c.profile_id === p.profile_id ? html` selected` : ''}>${p.name}</option>`,
      )}
    </select></div>
    <button type="submit">Set profile</button>
  </form>
</section>`
}
