/**
 * The effective verb of an Odoo method called through `execute_method`: `unlink` is a delete
 * whatever tool carried it, `action_post` a state change, `message_post` or `send_mail` a sending.
 * Methods not listed are a generic `call` (anything can happen) unless they only read.
 */
import type { EffectKind } from './effect.js'

/** Methods that only read: no effect at all. */
const READS: ReadonlySet<string> = new Set([
  'check_access_rights',
  'check_access_rule',
  'context_get',
  'default_get',
  'display_name_for',
  'exists',
  'fields_get',
  'get_available_models',
  'get_views',
  'has_group',
  'name_get',
  'name_search',
  'read',
  'read_group',
  'search',
  'search_count',
  'search_fetch',
  'search_read',
  'web_read',
  'web_read_group',
  'web_search_read',
])

/**
 * Workflow buttons of the stock apps Countersign's users run (sale, account, purchase, stock,
 * mass_mailing…): each moves a record to another state.
 */
const STATE_METHODS: ReadonlySet<string> = new Set([
  'action_cancel',
  'action_confirm',
  'action_done',
  'action_draft',
  'action_lock',
  'action_post',
  'action_unlock',
  'action_validate',
  'button_approve',
  'button_cancel',
  'button_confirm',
  'button_draft',
  'button_validate',
])

/** Methods that send mail or notifications to people (followers, customers, a mailing's audience). */
const SEND_METHODS: ReadonlySet<string> = new Set([
  'action_invoice_sent',
  'action_launch',
  'action_put_in_queue',
  'action_quotation_send',
  'action_send_and_print',
  'action_send_mail',
  'action_send_mail_test',
  'action_test',
  'message_notify',
  'message_post',
  'message_post_with_source',
  'message_post_with_template',
  'send_mail',
  'send_mail_test',
])

const KNOWN: Readonly<Record<string, EffectKind>> = {
  unlink: 'delete',
  write: 'write',
  create: 'create',
  copy: 'create',
  action_archive: 'archive',
  toggle_active: 'archive',
  action_unarchive: 'write',
}

/** The effect kind of calling `method`, or null when it only reads. */
export function methodKind(method: string): EffectKind | null {
  if (READS.has(method)) return null
  if (Object.hasOwn(KNOWN, method)) return KNOWN[method] as EffectKind
  if (STATE_METHODS.has(method)) return 'state'
  if (SEND_METHODS.has(method)) return 'send'
  return 'call'
}
