/**
 * The expiry job (seed "Cron behaviour"): flips pending requests past `expires_at` to expired, in
 * batches, and closes their Odoo activities. Safe on several replicas at once: each due request is
 * taken by exactly one caller (store/approval-transitions.ts `expireDue`). Its cost follows the due
 * rows, not the table.
 */
import { requestsWithActivities } from '../store/approval-requests.js'
import { expireDue } from '../store/approval-transitions.js'
import { appendAuditEntries } from '../store/audit-log.js'
import { closeActivities } from './decide-request.js'
import type { ApprovalsDeps } from './deps.js'

const BATCH = 500

/**
 * Expires every due request. `activities: 'background'` closes the Odoo activities without waiting
 * for Odoo, for callers on a request path (listing); the job and `countersign expire` wait.
 */
export async function expirePending(
  deps: ApprovalsDeps,
  options: { activities?: 'wait' | 'background' } = {},
): Promise<number[]> {
  const now = deps.clock()
  const expired: number[] = []
  for (;;) {
    const ids = await expireDue(deps.db, now, BATCH)
    expired.push(...ids)
    // One audit INSERT and one look-up per batch, not two statements per request: per request that
    // cost 280 µs on SQLite and 1.1 ms on PostgreSQL (docs/performance.md), and a list that finds a
    // backlog due runs this on the request's path.
    await appendAuditEntries(
      deps.db,
      ids.map((request_id) => ({ at: now, event: 'request_expired', outcome: 'expired', request_id })),
    )
    for (const request of await requestsWithActivities(deps.db, ids)) {
      const closing = closeActivities(deps, request, 'Expired without a decision')
      if (options.activities !== 'background') await closing
    }
    if (ids.length < BATCH) return expired
  }
}

/** Runs `job` every `interval_ms`, never two at once; errors are logged and the timer keeps going. */
export function every(
  interval_ms: number,
  job: () => Promise<unknown>,
  onError: (error: unknown) => void,
): () => void {
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    job()
      .catch(onError)
      .finally(() => {
        running = false
      })
  }, interval_ms)
  timer.unref()
  return () => clearInterval(timer)
}
