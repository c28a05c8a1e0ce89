/**
 * Counts connection use (`request_count`, `last_used_at`) in memory and writes the sums once a
 * second, one UPDATE per connection used. Counting in the request path meant a write — on
 * PostgreSQL a commit — on every MCP request, and every concurrent request of one connection queued
 * on that one row's lock. Usage is a statistic, not a guarantee: a crash loses at most the last
 * second of counts; a clean stop writes them. Does not authenticate anyone (principal.ts does).
 */
import type { Kysely } from 'kysely'
import type { Logger } from '../logger.js'
import { addConnectionUse } from '../store/connections.js'
import type { Database } from '../store/tables.js'

/** How often counted uses are written. */
export const USAGE_FLUSH_MS = 1000

export interface UsageCounter {
  record(connection_id: number, at: Date): void
  /** Writes what was counted so far. */
  flush(): Promise<void>
  /** Stops the timer and writes the rest. */
  stop(): Promise<void>
}

export function createUsageCounter(options: {
  db: Kysely<Database>
  logger: Logger
  flush_ms?: number
}): UsageCounter {
  let pending = new Map<number, { count: number; last: Date }>()
  let flushing: Promise<void> = Promise.resolve()

  async function write(batch: Map<number, { count: number; last: Date }>): Promise<void> {
    for (const [connection_id, use] of batch) {
      try {
        await addConnectionUse(options.db, connection_id, use.count, use.last)
      } catch (error) {
        options.logger.warn({ err: error, connection_id }, 'could not record connection use')
      }
    }
  }

  function flush(): Promise<void> {
    if (pending.size === 0) return flushing
    const batch = pending
    pending = new Map()
    flushing = flushing.then(() => write(batch))
    return flushing
  }

  const timer = setInterval(() => void flush(), options.flush_ms ?? USAGE_FLUSH_MS)
  timer.unref()

  return {
    record(connection_id, at) {
      const use = pending.get(connection_id)
      if (!use) pending.set(connection_id, { count: 1, last: at })
      else {
        use.count++
        if (at > use.last) use.last = at
      }
    },
    flush,
    async stop() {
      clearInterval(timer)
      await flush()
    },
  }
}
