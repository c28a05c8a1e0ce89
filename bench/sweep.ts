/**
 * Figure 4: the expiry sweep (`approvals.expire()`, the job `serve` runs) over a table whose due
 * rows are fixed (10,000) while the history around them grows from none to 990,000. Each sample
 * first re-opens the due rows (untimed; listing requests expires them too, since ef2273f), so
 * every sample expires the same rows. Also times a sweep with nothing due, on the full table. The
 * expired requests carry no Odoo activity, so the figure is Countersign's own work.
 */
import type { Runtime } from '../src/runtime.js'
import type { Store } from '../src/store/open-store.js'
import { reopen } from './seed.js'
import { measure, repeat, type Summary } from './stats.js'

export interface SweepFigures {
  due: Summary
  expired_per_sweep: number
  nothing_due: Summary
}

export async function sweepFigures(
  runtime: Runtime,
  store: Store,
  due_ids: readonly number[],
  samples: number,
): Promise<SweepFigures> {
  const counts: number[] = []
  const due = await repeat(
    () => reopen(store, due_ids),
    async () => {
      counts.push((await runtime.approvals.expire()).length)
    },
    samples,
  )
  const nothing_due = await measure(() => runtime.approvals.expire(), {
    warmup: 5,
    count: 50,
    concurrency: 1,
  })
  if (counts.some((c) => c !== due_ids.length))
    throw new Error(`the sweep expired ${counts.join(', ')} rows, not the ${due_ids.length} due`)
  return { due, expired_per_sweep: counts[0] ?? 0, nothing_due }
}
