/**
 * Reading the console's url-encoded forms: a field is a string when sent once, an array when
 * repeated (ticked checkboxes), absent when an unticked checkbox. And the policy fields the
 * connection and profile forms share, as typed and as the validators in connections/ take them.
 */

export function text(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

export function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return typeof value === 'string' && value !== '' ? [value] : []
}

/** The policy fields as typed (re-shown after an error). */
export interface PolicyFields {
  write_access: boolean
  allowed_tools: string[]
  approval_tools: string[]
  /** As ticked; the validator refuses a kind that is not one. */
  approval_effects: string[]
  approver_login: string
  approval_expiry_hours: string
}

export function policyFieldsOf(body: Record<string, unknown>): PolicyFields {
  return {
    write_access: body.write_access === 'on',
    allowed_tools: list(body.allowed_tools),
    approval_tools: list(body.approval_tools),
    approval_effects: list(body.approval_effects),
    approver_login: text(body.approver_login),
    approval_expiry_hours: text(body.approval_expiry_hours),
  }
}

/** The policy fields for validation: no approver for an empty login, NaN hours for none (refused by name). */
export function policyFieldsInput(form: PolicyFields) {
  const hours = form.approval_expiry_hours.trim()
  return {
    write_access: form.write_access,
    allowed_tools: form.allowed_tools,
    approval_tools: form.approval_tools,
    approval_effects: form.approval_effects,
    approver_login: form.approver_login.trim() || null,
    approval_expiry_hours: hours === '' ? Number.NaN : Number(hours),
  }
}
