/**
 * Telling Odoo that a connection's pending requests changed approver (connections/manage.ts moved
 * them): each request's former "To-Do" activities are marked done, saying to whom it went, and the
 * new approver — or every other administrator when nobody is assigned — gets a new one, stored on
 * the request like at filing. Never throws: the requests have moved whatever Odoo answers, and each
 * says when no activity could be created.
 */
import type { ApprovalRequest } from '../domain/approval-request.js'
import { reviewer } from '../domain/status-message.js'
import { getApprovalRequest } from '../store/approval-requests.js'
import { closeActivities } from './decide-request.js'
import type { ApprovalsDeps } from './deps.js'
import { notifyFiled } from './file-request.js'

export async function notifyReassigned(
  deps: ApprovalsDeps,
  moved: ApprovalRequest[],
  by: string,
): Promise<void> {
  for (const before of moved) {
    try {
      const after = await getApprovalRequest(deps.db, before.request_id)
      if (!after) continue
      await closeActivities(deps, before, `Reassigned to ${reviewer(after)} by ${by}`)
      // Decided or expired since: whoever did that closed what it found; nobody is to be told.
      if (after.status !== 'pending') continue
      await notifyFiled(deps, after)
      // A decision that read the request before the new activities were stored did not close them.
      const now = await getApprovalRequest(deps.db, before.request_id)
      if (now && now.status !== 'pending') await closeActivities(deps, now, 'Decided while being reassigned')
    } catch (error) {
      deps.logger.warn(
        { err: error, request_id: before.request_id },
        'could not tell Odoo of a reassigned request',
      )
    }
  }
}
