/**
 * Issue 4 acceptance, "Exactly once … whatever happens (a crash)": the sandbox holds the approved
 * call open in Odoo, the serve process executing it is killed with SIGKILL, and a new serve starts
 * on the same database. The request must end approved / error "outcome unknown — check Odoo before
 * re-filing", and the call must reach Odoo once and never again — not when the held call completes,
 * not on later recovery sweeps, not when someone tries to approve again.
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OUTCOME_UNKNOWN } from '../../src/domain/approval-request.js'
import { staleRunningMs } from '../../src/runtime.js'
import { Cleanups } from '../helpers/countersign.js'
import { callTool, type Deployment, eventually, startDeployment } from '../helpers/deployment.js'
import { file, gatedAi, writesOf } from './helpers.js'

// The restarted server's Odoo timeout: stale_running_ms = 6 × 1000 + 5000 = 11 s, so its recovery
// sweep (at start and every 11 s) can declare the lost call within the test. The first server keeps
// the default 30 s, so its own client does not time the held call out before the kill.
const RESTART_ODOO_TIMEOUT_MS = '1000'
const STALE_RUNNING_MS = staleRunningMs(Number(RESTART_ODOO_TIMEOUT_MS))

describe('a crash while the approved call is in flight', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let ai: Client
  let request_id: number
  let approving: Promise<unknown>
  let claimedAt: number

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    ai = (await gatedAi(d, 'demo', 'update_record')).ai
    request_id = await file(ai, 'update_record', {
      model: 'res.partner',
      ids: [10],
      values: { phone: '+1 555 0177' },
    })
    d.sandbox.resetWrites()
  })
  afterAll(async () => {
    d.sandbox.release()
    await cleanups.run()
  })

  it('1. admin approves; the sandbox holds the call open in Odoo', async () => {
    d.sandbox.hold('res.partner', 'write')
    // The API waits for the execution, which is held: this answer never comes (the server dies).
    approving = d
      .api('admin', 'admin', 'POST', `/approvals/${request_id}/approve`, {})
      .catch((e: unknown) => e)
    await eventually(async () => (d.sandbox.held() === 1 ? true : undefined), 10_000, 'the call to be held')
    claimedAt = Date.now()
    expect(writesOf(d, 'res.partner.write')).toEqual({ received: 1, applied: 0 })
  })

  it('2. the serve process is killed with SIGKILL mid-call', async () => {
    const first = d.servers[0]
    if (!first) throw new Error('no server')
    await first.stop('SIGKILL')
    expect(first.process.signalCode).toBe('SIGKILL')
    expect(await approving).toBeInstanceOf(Error)
  })

  it('3. a new serve on the same database does not re-run the call; the request is still running at first', async () => {
    await d.startServer({ COUNTERSIGN_ODOO_TIMEOUT_MS: RESTART_ODOO_TIMEOUT_MS })
    const shown = await d.api('admin', 'admin', 'GET', `/approvals/${request_id}`, undefined, 1)
    expect(shown.status).toBe(200)
    // Less than stale_running_ms since the claim: it could still be a live call of another replica.
    if (Date.now() - claimedAt < STALE_RUNNING_MS) expect(shown.body.execution_status).toBe('running')
    expect(writesOf(d, 'res.partner.write')).toEqual({ received: 1, applied: 0 })
  })

  it('4. once stale, the request ends approved / error "outcome unknown — check Odoo before re-filing"', async () => {
    const ai2 = await d.mcp((await d.connection('demo', [])).token, { server: 1 })
    const status = await eventually(
      async () => {
        const s = await callTool(ai2, 'check_approval_status', { request_id })
        return s.execution_status === 'running' ? undefined : s
      },
      STALE_RUNNING_MS * 2 + 5_000,
      'recovery to declare the outcome unknown',
    )
    expect(status).toMatchObject({
      status: 'approved',
      execution_status: 'error',
      error: OUTCOME_UNKNOWN,
      result: null,
    })
    expect(status.message).toContain('the server stopped while executing it')
    expect(status.message).toContain(OUTCOME_UNKNOWN)
    expect(status.message).toContain('do not re-file until someone has checked Odoo')
    expect(writesOf(d, 'res.partner.write')).toEqual({ received: 1, applied: 0 })
  }, 40_000)

  it('5. after release the held call may complete in Odoo, but it was executed at most once and never re-run', async () => {
    expect(d.sandbox.release()).toBe(1)
    // Another recovery sweep of the new server, and a second approve attempt: neither runs it again.
    await new Promise((r) => setTimeout(r, STALE_RUNNING_MS + 1_000))
    const again = await d.api('admin', 'admin', 'POST', `/approvals/${request_id}/approve`, {}, 1)
    expect(again.status).toBe(409)
    const writes = writesOf(d, 'res.partner.write')
    expect(writes.received).toBe(1)
    expect(writes.applied).toBeLessThanOrEqual(1)
    const shown = await d.api('admin', 'admin', 'GET', `/approvals/${request_id}`, undefined, 1)
    expect(shown.body).toMatchObject({ execution_status: 'error', error: OUTCOME_UNKNOWN })
  }, 30_000)
})
