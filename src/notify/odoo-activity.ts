/**
 * Tells approvers in Odoo itself (seed step 1: "Sends an Odoo activity to the approver"): a "To Do"
 * mail.activity per approver — or per MCP administrator when none is assigned — with the summary and
 * a link to the request in the console, created by the service user on the requester's contact
 * (res.partner) so it reads "requested by …". Marks them done when the request leaves pending.
 * Never throws: a request is filed and decided whether or not Odoo accepted the activity. When no
 * activity was created it says why, in words for an administrator, which filing stores on the
 * request (the console, the JSON API and the CLI show it); and it keeps this process's record of
 * failed attempts for /readyz and /metrics. Without a service user nothing is sent.
 */

import { splitXmlId } from '../approvals/admins.js'
import type { ApprovalRequest, OdooPerson } from '../domain/approval-request.js'
import type { Logger } from '../logger.js'
import type { OdooSession } from '../odoo/types.js'
import { clip } from '../tools/facts.js'

/** How telling the approvers about one new request went. */
export interface FiledNotice {
  /** The mail.activity ids created in Odoo; empty when none was. */
  activity_ids: number[]
  /** Why none was created, in plain words (at most NOTIFICATION_ERROR_LIMIT characters); null when one was. */
  error: string | null
}

/** This process's attempts to create activities. Read anonymously (/readyz, /metrics): no Odoo text. */
export interface NotificationHealth {
  /** When the current run of failed attempts began; null when the latest attempt worked, or none failed. */
  failing_since: Date | null
  /** Attempts that failed since the process started (Odoo refused, or could not be reached). */
  failures: number
}

export interface Notifier {
  /**
   * Creates the activities for a new request. `recipients` is called here, so that Odoo failing to
   * list the administrators is a failed attempt like Odoo refusing the activity.
   */
  requestFiled(
    request: ApprovalRequest,
    recipients: () => Promise<OdooPerson[]>,
    link: string,
    /** The effect preview as lines (domain/effects/preview.ts `previewLines`), already sanitised. */
    details?: readonly string[],
  ): Promise<FiledNotice>
  /** Marks the request's activities done, with what happened as feedback. */
  requestClosed(request: ApprovalRequest, feedback: string): Promise<void>
  health(): NotificationHealth
}

/** The activity is a pointer to the console, not the review itself: the first lines of the preview. */
const NOTE_DETAIL_LINES = 30

/** Enough for Odoo's longest access-rights message; the rest of a traceback-like text helps nobody. */
export const NOTIFICATION_ERROR_LIMIT = 500

export const NO_SERVICE_USER =
  'no service user is configured (COUNTERSIGN_ODOO_SERVICE_LOGIN), so Countersign creates no Odoo activities'
export const NOBODY_TO_NOTIFY =
  'nobody to notify: no approver who may decide is assigned, and no other MCP administrator was found in Odoo'

/** Without a service user: nothing is sent, and every request says so. Not a failed attempt. */
export const SILENT_NOTIFIER: Notifier = {
  async requestFiled() {
    return { activity_ids: [], error: NO_SERVICE_USER }
  },
  async requestClosed() {},
  health() {
    return { failing_since: null, failures: 0 }
  },
}

export interface ActivityNotifierOptions {
  /** The service user's session: it creates and closes the activities. */
  service: OdooSession
  /** The service user's API key, kept out of any stored reason should an error ever echo it. */
  service_secret: string
  logger: Logger
  clock: () => Date
}

export function createActivityNotifier(options: ActivityNotifierOptions): Notifier {
  const { service, logger, clock } = options
  let failing_since: Date | null = null
  let failures = 0
  let refs: Promise<{ todo: number; partnerModel: number }> | null = null

  async function lookUp(): Promise<{ todo: number; partnerModel: number }> {
    const [module, name] = splitXmlId('mail.mail_activity_data_todo')
    // One after the other, once per process: a service user without rights then always meets the
    // same refusal first, and the reason stored on the request does not depend on which answer came first.
    const [todo] = await service.call<Array<{ res_id: number }>>('ir.model.data', 'search_read', {
      kwargs: {
        domain: [
          ['module', '=', module],
          ['name', '=', name],
        ],
        fields: ['res_id'],
        limit: 1,
      },
    })
    const [partnerModel] = await service.call<Array<{ id: number }>>('ir.model', 'search_read', {
      kwargs: { domain: [['model', '=', 'res.partner']], fields: ['id'], limit: 1 },
    })
    if (!todo || !partnerModel) throw new Error('Odoo has no "To Do" activity type or no res.partner model')
    return { todo: todo.res_id, partnerModel: partnerModel.id }
  }

  return {
    async requestFiled(request, recipients, link, details = []) {
      let people: OdooPerson[]
      try {
        people = await recipients()
      } catch (error) {
        return failed(request, 'could not find the MCP administrators to notify', error)
      }
      if (people.length === 0) return { activity_ids: [], error: NOBODY_TO_NOTIFY }
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
        const shown = details.slice(0, NOTE_DETAIL_LINES)
        const more = details.length > shown.length ? `<li>… see the request for the rest</li>` : ''
        const preview =
          shown.length > 0
            ? `<ul>${shown.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}${more}</ul>`
            : ''
        const note = `<p>${escapeHtml(request.summary)}</p>${preview}<p>Requested by ${escapeHtml(request.requester_name)} through Countersign. <a href="${escapeHtml(link)}">Review request #${request.request_id}</a></p>`
        const created = await service.call<number | number[]>('mail.activity', 'create', {
          kwargs: {
            vals_list: people.map((person) => ({
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
        failing_since = null
        return { activity_ids: Array.isArray(created) ? created : [created], error: null }
      } catch (error) {
        return failed(request, 'could not create the Odoo activity', error)
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
    health() {
      return { failing_since, failures }
    },
  }

  function failed(request: ApprovalRequest, what: string, error: unknown): FiledNotice {
    logger.warn({ err: error, request_id: request.request_id }, `${what} for an approval request`)
    failures++
    failing_since ??= clock()
    return { activity_ids: [], error: notificationError(what, error, [options.service_secret]) }
  }
}

/**
 * `what: reason`, on one line and at most NOTIFICATION_ERROR_LIMIT characters, with the given secrets
 * and any password written into a URL (`https://user:password@host`) replaced by "…". Odoo's own
 * messages carry no credentials, but this text is stored and shown to everyone who may see the
 * request, so it is checked rather than trusted.
 */
export function notificationError(what: string, error: unknown, secrets: string[]): string {
  let reason = error instanceof Error ? error.message : String(error)
  for (const secret of secrets) if (secret) reason = reason.split(secret).join('…')
  reason = reason.replace(/\/\/[^/\s@]*@/g, '//…@')
  return clip(`${what}: ${reason}`, NOTIFICATION_ERROR_LIMIT)
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
