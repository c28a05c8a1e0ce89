/**
 * Policy profile pages for MCP administrators (issue 13): the list (who may use each profile, its
 * policy, how many connections take it), the create and edit form (the connection form's policy
 * pieces plus Odoo groups and the default flag), delete; and the profile chooser on a connection's
 * page. Renders only; routes call connections/profiles.ts.
 */
import type { Profile } from '../../domain/profile.js'
import type { StoredProfile } from '../../store/profiles.js'
import { effectBoxes, toolBoxes } from './connection-views.js'
import type { PolicyFields } from './form-fields.js'
import { type Html, html } from './html.js'
import { banner, hidden, page, type Viewer } from './layout.js'

/** The profile form's values, as typed (re-shown after an error). */
export interface ProfileForm extends PolicyFields {
  name: string
  description: string
  /** One xml id per line, as typed. */
  odoo_groups: string
  is_default: boolean
}

export const EMPTY_PROFILE: ProfileForm = {
  name: '',
  description: '',
  odoo_groups: '',
  is_default: false,
  write_access: true,
  allowed_tools: [],
  approval_tools: ['delete_record', 'batch_delete', 'execute_method'],
  approval_effects: ['delete', 'archive', 'state', 'send', 'call'],
  approver_login: '',
  approval_expiry_hours: '8',
}

export function profileFormOf(p: Profile): ProfileForm {
  return {
    name: p.name,
    description: p.description,
    odoo_groups: p.odoo_groups.join('\n'),
    is_default: p.is_default,
    write_access: p.policy.write_access,
    allowed_tools: p.policy.allowed_tools,
    approval_tools: p.policy.approval_tools,
    approval_effects: p.policy.approval_effects,
    approver_login: p.policy.approver?.login ?? '',
    approval_expiry_hours: String(p.policy.approval_expiry_hours),
  }
}

const none = (text: string) => html`<span class="none">${text}</span>`

function whoMayUse(p: Profile): Html | string {
  if (p.is_default) return 'everyone (the default)'
  return p.odoo_groups.length > 0 ? p.odoo_groups.join(', ') : none('nobody: no group named')
}

export function profilesPage(
  viewer: Viewer,
  profiles: Array<{ profile: StoredProfile; used: number }>,
  done?: string,
): Html {
  return page({
    title: 'Profiles',
    viewer,
    section: 'profiles',
    body: html`<h1>Policy profiles</h1>
${done && banner('success', done)}
<p class="help">A connection on a profile takes the profile's policy as it is now: a change here applies to
every connection on it at once. People choose among the default profile and those of their Odoo groups, and
can never loosen their own connection's policy.</p>
<p><a class="button" href="/profiles/new">New profile</a></p>
${
  profiles.length === 0
    ? html`<p class="empty">No profiles yet: a connection someone makes for themselves gets the built-in default
(every tool; deleting, sending, state changes and unknown methods wait for an MCP administrator).</p>`
    : html`<div class="table-wrap"><table>
  <caption class="visually-hidden">Policy profiles</caption>
  <thead><tr><th scope="col">profile</th><th scope="col">who may use it</th><th scope="col">write access</th>
    <th scope="col">tools that need approval</th><th scope="col">effects that need approval</th>
    <th scope="col">approver</th><th scope="col">expiry (hours)</th><th scope="col">connections</th></tr></thead>
  <tbody>${profiles.map(
    ({ profile: p, used }) => html`<tr>
    <td><a href="/profiles/${p.profile_id}">${p.name}</a>${p.is_default ? html` <span class="badge">default</span>` : ''}</td>
    <td>${whoMayUse(p)}</td>
    <td>${p.policy.write_access ? 'on' : 'off'}</td>
    <td>${p.policy.approval_tools.length > 0 ? p.policy.approval_tools.join(', ') : none('none')}</td>
    <td>${p.policy.approval_effects.length > 0 ? p.policy.approval_effects.join(', ') : none('none')}</td>
    <td>${p.policy.approver?.login ?? none('any MCP administrator')}</td>
    <td>${p.policy.approval_expiry_hours}</td>
    <td>${used}</td>
  </tr>`,
  )}</tbody>
</table></div>`
}`,
  })
}

export function profileFormPage(
  viewer: Viewer,
  options: { profile: StoredProfile | null; used?: number; form: ProfileForm; error?: string; done?: string },
): Html {
  const p = options.profile
  const f = options.form
  const title = p ? `Profile ${p.name}` : 'New profile'
  return page({
    title,
    viewer,
    section: 'profiles',
    body: html`<h1>${title}</h1>
${options.done && banner('success', options.done)}
${options.error && banner('error', options.error)}
${p && html`<p>${options.used ?? 0} connection(s) take their policy from this profile.</p>`}
<form class="policy" method="post" action="${p ? `/profiles/${p.profile_id}` : '/profiles'}">
  ${hidden('_csrf', viewer.csrf)}
  <div class="field"><label for="name">Name</label>
    <input id="name" name="name" required maxlength="200" value="${f.name}"></div>
  <div class="field"><label for="description">Description (shown to the people choosing it)</label>
    <input id="description" name="description" maxlength="2000" value="${f.description}"></div>
  <div class="field"><label for="odoo_groups">Odoo groups whose members may use it (xml ids, one a line)</label>
    <textarea id="odoo_groups" name="odoo_groups" rows="3" aria-describedby="groups-help">${f.odoo_groups}</textarea>
    <p id="groups-help" class="help">For example <code>sales_team.group_sale_salesman</code>. Implied groups count:
    a Sales administrator is also a salesman.</p></div>
  <div class="field check"><input id="is_default" name="is_default" type="checkbox" value="on"${f.is_default ? html` checked` : ''}>
    <label for="is_default">The default: everyone may use it (replaces the current default)</label></div>
  <div class="field check"><input id="write_access" name="write_access" type="checkbox" value="on"${f.write_access ? html` checked` : ''}>
    <label for="write_access">Write access (tools that change data are listed and callable)</label></div>
  ${toolBoxes('allowed_tools', 'Allowed tools (none checked: every tool write access permits)', f.allowed_tools)}
  ${toolBoxes('approval_tools', 'Tools that need approval', f.approval_tools)}
  ${effectBoxes(f.approval_effects)}
  <div class="field"><label for="approver_login">Approver (Odoo login)</label>
    <input id="approver_login" name="approver_login" maxlength="200" value="${f.approver_login}" aria-describedby="approver-help">
    <p id="approver-help" class="help">Empty: nobody, so any MCP administrator acts on the requests.</p></div>
  <div class="field"><label for="approval_expiry_hours">Approval expiry (hours)</label>
    <input id="approval_expiry_hours" name="approval_expiry_hours" type="number" min="0.01" step="any" required
      value="${f.approval_expiry_hours}"></div>
  <button type="submit">${p ? 'Save profile' : 'Create profile'}</button>
</form>
${
  p &&
  html`<form method="post" action="/profiles/${p.profile_id}/delete" data-confirm="Delete profile ${p.name}?">
  ${hidden('_csrf', viewer.csrf)}<button type="submit" class="reject">Delete profile</button></form>`
}`,
  })
}
