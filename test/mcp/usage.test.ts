/**
 * The in-memory usage counter (src/mcp/usage.ts) against the real store: uses add up per
 * connection, nothing is written before a flush, a clean stop writes the rest, and a failed write
 * is logged instead of thrown.
 */
import { Writable } from 'node:stream'
import { expect, it } from 'vitest'
import { createLogger } from '../../src/logger.js'
import { createUsageCounter } from '../../src/mcp/usage.js'
import { getConnection, insertConnection } from '../../src/store/connections.js'
import { createTestStore, describeEachEngine } from '../helpers/databases.js'
import { hoursAfter, newConnectionInput, T0 } from '../store/fixtures.js'

function capturedLogger() {
  const lines: string[] = []
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    },
  })
  return { logger: createLogger({ destination }), lines }
}

describeEachEngine('connection usage counter', (engine, t) => {
  it('adds uses per connection, writes only on flush, and writes the rest on stop', async () => {
    const a = await insertConnection(t.store.db, newConnectionInput(), T0)
    const b = await insertConnection(t.store.db, newConnectionInput(), T0)
    const { logger } = capturedLogger()
    const usage = createUsageCounter({ db: t.store.db, logger, flush_ms: 3_600_000 })

    usage.record(a.connection_id, hoursAfter(T0, 2))
    usage.record(a.connection_id, hoursAfter(T0, 1))
    usage.record(b.connection_id, hoursAfter(T0, 1))
    expect(await getConnection(t.store.db, a.connection_id)).toMatchObject({
      request_count: 0,
      last_used_at: null,
    })

    await usage.flush()
    expect(await getConnection(t.store.db, a.connection_id)).toMatchObject({
      request_count: 2,
      last_used_at: hoursAfter(T0, 2),
    })
    expect(await getConnection(t.store.db, b.connection_id)).toMatchObject({ request_count: 1 })

    usage.record(b.connection_id, hoursAfter(T0, 3))
    await usage.stop()
    expect(await getConnection(t.store.db, a.connection_id)).toMatchObject({ request_count: 2 })
    expect(await getConnection(t.store.db, b.connection_id)).toMatchObject({
      request_count: 2,
      last_used_at: hoursAfter(T0, 3),
    })
  })

  it('logs a write that fails and keeps going', async () => {
    // A database without the tables: every write fails the way a broken store would.
    const empty = await createTestStore(engine, { migrate: false })
    try {
      const { logger, lines } = capturedLogger()
      const usage = createUsageCounter({ db: empty.store.db, logger, flush_ms: 3_600_000 })
      usage.record(1, T0)
      await expect(usage.flush()).resolves.toBeUndefined()
      expect(lines.join('')).toContain('could not record connection use')
      usage.record(1, T0)
      await expect(usage.stop()).resolves.toBeUndefined()
      expect(lines.filter((line) => line.includes('could not record connection use'))).toHaveLength(2)
    } finally {
      await empty.cleanup()
    }
  })
})
