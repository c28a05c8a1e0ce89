/**
 * The sign-in and consent page an MCP client's authorization request leads to (consent-routes.ts):
 * who is asking (the client's own name, which it chose, so never trusted as markup: every value goes
 * through the `html` template's escaping), where the browser will be sent back, what the connection
 * will be allowed to do, and the Odoo login form with Allow and Deny. Renders only.
 */
import { type ConnectionPolicy, DEFAULT_OWN_POLICY, EFFECT_KIND_WORDS } from '../domain/policy.js'
import type { StoredProfile } from '../store/profiles.js'
import { type Html, html } from '../web/console/html.js'
import { banner, hidden, page } from '../web/console/layout.js'

export interface ConsentClient {
  /** The name the client gave itself, or its client_id when it gave none. */
  name: string
  client_id: string
  /** The host (or scheme, for an app's own URL scheme) the browser returns to. */
  redirect_host: string
}

export function policyLines(policy: ConnectionPolicy): Html[] {
  const lines: Html[] = [
    policy.write_access
      ? html`<li>It may read and change what your Odoo user may read and change.</li>`
      : html`<li>It may only read what your Odoo user may read.</li>`,
  ]
  if (policy.allowed_tools.length > 0)
    lines.push(
      html`<li>Only these tools: ${policy.allowed_tools.map((t, i) => html`${i > 0 && ', '}<code>${t}</code>`)}.</li>`,
    )
  if (policy.approval_tools.length > 0)
    lines.push(
      html`<li>These tools wait for a person's approval: ${policy.approval_tools.map((t, i) => html`${i > 0 && ', '}<code>${t}</code>`)}.</li>`,
    )
  if (policy.approval_effects.length > 0)
    lines.push(
      html`<li>Any call ${policy.approval_effects.map((k) => EFFECT_KIND_WORDS[k]).join(', ')} waits for approval.</li>`,
    )
  lines.push(
    html`<li>Approved by ${policy.approver ? `${policy.approver.name} (${policy.approver.login})` : 'an MCP administrator'}; a request not decided within ${policy.approval_expiry_hours} hours expires.</li>`,
  )
  return lines
}

export function consentPage(options: {
  uid: string
  csrf: string
  client: ConsentClient
  /** The administrators' profiles; none: the built-in default policy for everyone. */
  profiles: readonly StoredProfile[]
  /** The profile_id picked, as sent ('' or absent: the default). */
  profile?: string | undefined
  login?: string
  error?: string
}): Html {
  const { client } = options
  return page({
    title: 'Connect an AI client',
    viewer: null,
    body: html`<section class="login consent" aria-labelledby="consent-h">
<h1 id="consent-h">Connect <span class="client-name">${client.name}</span> to Odoo</h1>
${options.error && banner('error', options.error)}
<dl>
  <dt>client</dt><dd><span class="client-name">${client.name}</span>${client.name !== client.client_id && html` (<code>${client.client_id}</code>)`}</dd>
  <dt>returns to</dt><dd><code class="redirect-host">${client.redirect_host}</code></dd>
</dl>
<p>If you allow it, Countersign makes an Odoo API key for you and the client acts as you${
      options.profiles.length === 0 ? ':' : ', with the policy profile you pick:'
    }</p>
${options.profiles.length === 0 ? html`<ul class="policy">${policyLines(DEFAULT_OWN_POLICY)}</ul>` : profileChoice(options.profiles, options.profile ?? '')}
<p>You can revoke it at any time in the Countersign console.</p>
<form id="consent-form" method="post" action="/connect/${options.uid}">
  ${hidden('_csrf', options.csrf)}
  <div class="field">
    <label for="login">Odoo login</label>
    <input id="login" name="login" type="text" autocomplete="username" maxlength="200"
      value="${options.login ?? ''}" autocapitalize="none" spellcheck="false">
  </div>
  <div class="field">
    <label for="secret">Odoo password</label>
    <input id="secret" name="secret" type="password" autocomplete="current-password" maxlength="1000">
  </div>
  <div class="buttons">
    <button type="submit" name="decision" value="allow">Allow</button>
    <button type="submit" name="decision" value="deny" class="reject" formnovalidate>Deny</button>
  </div>
</form>
</section>`,
  })
}

/**
 * Every profile with what it allows: which ones the person may use depends on their Odoo groups,
 * asked of Odoo as them once they have signed in, so the choice is checked then (pickProfile).
 */
function profileChoice(profiles: readonly StoredProfile[], picked: string): Html {
  const forWhom = (p: StoredProfile) =>
    p.is_default ? 'everyone' : p.odoo_groups.length > 0 ? p.odoo_groups.join(', ') : 'nobody yet'
  return html`<div class="field"><label for="profile">Policy profile</label>
  <select id="profile" name="profile" form="consent-form">
    <option value=""${picked === '' ? html` selected` : ''}>The default for your Odoo groups</option>
    ${profiles.map(
      (p) =>
        html`<option value="${p.profile_id}"${picked === String(p.profile_id) ? html` selected` : ''}>${p.name} (for ${forWhom(p)})</option>`,
    )}
  </select></div>
${profiles.map(
  (p) => html`<details class="profile"><summary>${p.name}</summary>
  ${p.description && html`<p>${p.description}</p>`}<ul class="policy">${policyLines(p.policy)}</ul></details>`,
)}`
}

export function consentGonePage(message: string): Html {
  return page({
    title: 'Sign-in expired',
    viewer: null,
    body: html`<h1>This sign-in is no longer open</h1>
${banner('warning', message)}
<p>Start again from your AI client.</p>`,
  })
}

/**
 * What the browser shows when the authorization server cannot send it back to the client (an unknown
 * client, a redirect URI it did not register, a client metadata document that could not be fetched):
 * the error as plain text, in the console's page.
 */
export function authorizationErrorPage(error: string, description: string | undefined): Html {
  return page({
    title: 'Sign-in failed',
    viewer: null,
    body: html`<h1>The AI client's sign-in cannot go on</h1>
${banner('error', html`<code>${error}</code>${description && html`: ${description}`}`)}
<p>Nothing was authorised. Start again from your AI client; if this happens again, tell whoever set it up.</p>`,
  })
}
