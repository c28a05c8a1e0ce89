/**
 * Tells approvers in Odoo itself (seed step 1: "Sends an Odoo activity to the approver"): a "To Do"
 * mail.activity per approver — or per MCP administrator when none is assigned — with the summary and
 * a link to the request in the console, created by the service user on the requester's contact
 * (res.partner) so it reads "requested by …". Marks them done when the request leaves pending.
 * Failures are logged, never thrown: a request is filed and decided whether or not Odoo accepted
 * the activity. Without a service user nothing is sent (one warning at start-up, from app.ts).
 */

import { splitXmlId } from '../approvals/admins.js'
import type { ApprovalRequest, OdooPerson } from '../domain/approval-request.js'
import type { Logger } from '../logger.js'
import type { OdooSession } from '../odoo/types.js'

export interface Notifier {
  /** Creates the activities; returns their ids (empty when nothing could be created). */
  requestFiled(request: ApprovalRequest, recipients: OdooPerson[], link: string): Promise<number[]>
  /** Marks the request's activities done, with what happened as feedback. */
  requestClosed(request: ApprovalRequest, feedback: string): Promise<void>
}

export const SILENT_NOTIFIER: Notifier = {
  async requestFiled() {
    return []
  },
  async requestClosed() {},
}

export function createActivityNotifier(service: OdooSession, logger: Logger): Notifier {
  let refs: Promise<{ todo: number; partnerModel: number }> | null = null

  async function lookUp(): Promise<{ todo: number; partnerModel: number }> {
    const [module, name] = splitXmlId('mail.mail_activity_data_todo')
    const [[todo], [partnerModel]] = await Promise.all([
      service.call<Array<{ res_id: number }>>('ir.model.data', 'search_read', {
        kwargs: {
          domain: [
            ['module', '=', module],
            ['name', '=', name],
          ],
          fields: ['res_id'],
          limit: 1,
        },
      }),
      service.call<Array<{ id: number }>>('ir.model', 'search_read', {
        kwargs: { domain: [['model', '=', 'res.partner']], fields: ['id'], limit: 1 },
      }),
    ])
    if (!todo || !partnerModel) throw new Error('Odoo has no "To Do" activity type or no res.partner model')
    return { todo: todo.res_id, partnerModel: partnerModel.id }
  }

  return {
    async requestFiled(request, recipients, link) {
      if (recipients.length === 0) return []
      try {
        refs ??= lookUp()
        const { todo, partnerModel } = await refs.catch((error) => {
          refs = null
          throw error
        })
        const [user] = await service.call<Array<{ partner_id: [number, string] | false }>>(
          'res.users',
          'read',
          {
            ids: [request.requester_uid],
            kwargs: { fields: ['partner_id'] },
          },
        )
        const partner = user?.partner_id ? user.partner_id[0] : null
        if (partner === null)
          throw new Error(`cannot find the contact of Odoo user ${request.requester_login}`)
        const note = `<p>${escapeHtml(request.summary)}</p><p>Requested by ${escapeHtml(request.requester_name)} through Countersign. <a href="${escapeHtml(link)}">Review request #${request.request_id}</a></p>`
        const created = await service.call<number | number[]>('mail.activity', 'create', {
          kwargs: {
            vals_list: recipients.map((person) => ({
              res_model_id: partnerModel,
              res_id: partner,
              activity_type_id: todo,
              summary: `Approve AI request #${request.request_id}: ${request.tool}`,
              note,
              user_id: person.uid,
              date_deadline: request.expires_at.toISOString().slice(0, 10),
            })),
          },
        })
        return Array.isArray(created) ? created : [created]
      } catch (error) {
        logger.warn(
          { err: error, request_id: request.request_id },
          'could not create the Odoo activity for an approval request',
        )
        return []
      }
    },
    async requestClosed(request, feedback) {
      if (request.activity_ids.length === 0) return
      try {
        await service.call('mail.activity', 'action_feedback', {
          ids: request.activity_ids,
          kwargs: { feedback },
        })
      } catch (error) {
        // Someone may have marked or deleted the activity in Odoo already; nothing to undo here.
        logger.warn({ err: error, request_id: request.request_id }, 'could not mark the Odoo activity done')
      }
    },
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
