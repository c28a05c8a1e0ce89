/**
 * Followers of mail.thread documents, reduced to what an RPC caller can read: `message_partner_ids`,
 * the partners following a document (Odoo 17 keeps them in mail.followers; the sandbox keeps the
 * list on the document's row). Odoo subscribes:
 * - the creating user's partner at `create`, unless `mail_create_nosubscribe` (mail_thread.py create);
 * - the user set in a tracked `user_id`, at create and write (`_message_auto_subscribe_followers`);
 * - an activity's assignee to its document (mail_activity.py create);
 * - a quotation's customer when it is confirmed (sale_order.py action_confirm).
 * Everything is skipped under `tracking_disable`. Subscribing does not touch the document's
 * `write_date` (it writes mail.followers, not the document). Subtypes, and notifying followers of a
 * message, are not modelled. Countersign's preview of a message to the followers reads this list.
 */
import { type Env, modelDef } from './env.js'

export const FOLLOWERS = 'message_partner_ids'

/** Adds partners to the followers of documents (Odoo's `_insert_followers`, done as superuser). */
export function subscribe(
  env: Env,
  model: string,
  ids: readonly number[],
  partners: readonly unknown[],
): void {
  const wanted = partners.filter((p): p is number => typeof p === 'number' && p > 0)
  if (wanted.length === 0 || !modelDef(env, model).mail_thread) return
  const store = env.state.store
  for (const id of ids) {
    const row = store.get(model, id)
    if (!row) continue
    const current = (row[FOLLOWERS] as number[] | undefined) ?? []
    const added = wanted.filter((p) => !current.includes(p))
    if (added.length > 0) store.update(model, id, { [FOLLOWERS]: [...current, ...added] })
  }
}

function partnerOf(env: Env, uid: unknown): number | false {
  if (typeof uid !== 'number') return false
  const user = env.state.store.get('res.users', uid)
  if (!user || user.active === false) return false
  return typeof user.partner_id === 'number' ? user.partner_id : false
}

/** The new responsible of a document: a tracked `user_id` set in `values`. */
export function autoSubscribe(
  env: Env,
  model: string,
  ids: readonly number[],
  values: Record<string, unknown>,
): void {
  if (env.context.tracking_disable) return
  const field = modelDef(env, model).fields.user_id
  if (!field?.tracking || field.comodel !== 'res.users' || !values.user_id) return
  subscribe(env, model, ids, [partnerOf(env, values.user_id)])
}

/** After `create` of a mail.thread document: its creator, then its responsible. */
export function subscribeOnCreate(
  env: Env,
  model: string,
  id: number,
  values: Record<string, unknown>,
): void {
  if (env.context.tracking_disable) return
  if (!env.context.mail_create_nosubscribe) subscribe(env, model, [id], [partnerOf(env, env.uid)])
  autoSubscribe(env, model, [id], values)
}
