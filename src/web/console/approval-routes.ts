/**
 * The approvals list, the request page and the two decisions, as plain GETs and form POSTs
 * (POST → 303 redirect → GET, so everything works without JavaScript). What a viewer sees comes
 * from the workflow (`approvals.list` / `approvals.get` apply visibility); whether the buttons are
 * drawn comes from domain/who-may-decide.ts; every decision is checked again by
 * `approvals.decide`, whose refusals map through web/errors.ts: not visible → 404 page, the
 * requester → 403 page, not pending / expired → 409 with a banner on the request page.
 */

import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Actor } from '../../approvals/deps.js'
import { executionBlocker } from '../../approvals/execute.js'
import { reviewOf } from '../../approvals/review.js'
import type { ApprovalRequest } from '../../domain/approval-request.js'
import { isDue } from '../../domain/decide.js'
import { mayDecide } from '../../domain/who-may-decide.js'
import type { Runtime } from '../../runtime.js'
import { getConnection } from '../../store/connections.js'
import { invalidBody, notFound, refusalError } from '../errors.js'
import { idParam } from '../params.js'
import { approvalPage } from './approval-page-view.js'
import { approvalsListPage, STATUS_FILTERS } from './approvals-list-view.js'
import type { Renderable } from './html.js'
import { banner, type Viewer } from './layout.js'
import { sendPage, viewerOf } from './render.js'
import type { Sessions } from './sessions.js'

/** How long a decision waits for the execution before showing the page (it then updates live). */
const EXECUTION_WAIT_MS = 5_000
const PAGE_SIZE = 25

const listQuery = z.object({
  status: z.enum(STATUS_FILTERS as [string, ...string[]]).default('pending'),
  search: z.string().trim().max(200).default(''),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
})

const decisionBody = z.object({ note: z.string().max(4000).optional(), _csrf: z.string().optional() })
const decidedQuery = z.object({ decided: z.enum(['approved', 'rejected']).optional() })

export async function approvalRoutes(
  app: FastifyInstance,
  options: { runtime: Runtime; sessions: Sessions },
): Promise<void> {
  const { runtime, sessions } = options
  const approvals = runtime.approvals

  /** Whether the Approve / Reject buttons are drawn: the same rule the workflow enforces. */
  const canDecide = (request: ApprovalRequest, actor: Actor) =>
    request.status === 'pending' && !isDue(request, runtime.clock()) && mayDecide(request, actor).ok

  const requestId = (params: unknown): number => {
    const parsed = idParam.safeParse(params)
    if (!parsed.success) throw notFound()
    return parsed.data.id
  }

  async function renderRequest(viewer: Viewer, request: ApprovalRequest, note?: Renderable) {
    const connection = await getConnection(runtime.store.db, request.connection_id)
    return approvalPage(viewer, {
      request,
      connection_name: connection?.name ?? null,
      can_decide: canDecide(request, viewer.actor),
      blocked: request.status === 'pending' ? executionBlocker(request, connection) : null,
      review: await reviewOf(approvals.deps, request, connection),
      now: runtime.clock(),
      banner: note,
    })
  }

  app.get('/', async (_request, reply) => reply.redirect('/approvals', 303))

  app.get('/approvals', async (request, reply) => {
    const viewer = viewerOf(request, sessions)
    const parsed = listQuery.safeParse(request.query)
    if (!parsed.success) throw invalidBody('Unknown status filter or page number.')
    const query = parsed.data as { status: (typeof STATUS_FILTERS)[number]; search: string; page: number }
    const found = await approvals.list(viewer.actor, {
      ...(query.status !== 'all' && { status: query.status }),
      ...(query.search && { search: query.search }),
      page: query.page,
      page_size: PAGE_SIZE,
    })
    return sendPage(reply, approvalsListPage(viewer, query, found))
  })

  app.get('/approvals/:id', async (request, reply) => {
    const viewer = viewerOf(request, sessions)
    const found = await approvals.get(viewer.actor, requestId(request.params))
    if (!found) throw notFound()
    const decided = decidedQuery.safeParse(request.query)
    const verdict = decided.success ? decided.data.decided : undefined
    // Only our own fixed wording, chosen by a known word: nothing from the URL is echoed.
    const note =
      verdict && found.decided_by_uid === viewer.actor.uid
        ? banner('success', `You ${verdict} request ${found.request_id}.`)
        : undefined
    return sendPage(reply, await renderRequest(viewer, found, note))
  })

  for (const verdict of ['approve', 'reject'] as const) {
    app.post(`/approvals/:id/${verdict}`, async (request, reply) => {
      const viewer = viewerOf(request, sessions)
      const id = requestId(request.params)
      const body = decisionBody.safeParse(request.body ?? {})
      if (!body.success) throw invalidBody('The approver note is limited to 4000 characters.')
      const decided = await approvals.decide(viewer.actor, id, verdict, body.data.note?.trim() || null)
      if (!decided.ok) {
        const refusal = refusalError(decided.refusal, id)
        if (refusal.statusCode !== 409) throw refusal
        // Already decided or expired: show the request as it is now, with the reason on top.
        const current = await approvals.get(viewer.actor, id)
        if (!current) throw notFound()
        return sendPage(
          reply.code(409),
          await renderRequest(viewer, current, banner('warning', refusal.message)),
        )
      }
      if (decided.execution) {
        let timer: NodeJS.Timeout | undefined
        await Promise.race([
          // A crash of the execution is logged by the workflow; the page shows the stored outcome.
          decided.execution.catch(() => undefined),
          new Promise((resolve) => {
            timer = setTimeout(resolve, EXECUTION_WAIT_MS)
          }),
        ])
        clearTimeout(timer)
      }
      return reply.redirect(`/approvals/${id}?decided=${decided.request.status}`, 303)
    })
  }
}
