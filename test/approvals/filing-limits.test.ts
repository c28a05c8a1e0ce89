/**
 * What one connection may file, on both engines with two `serve` processes on one database: a gated
 * call whose arguments are too large, one more request while the connection already has the most
 * awaiting approval, or one more in a minute that already had the most, gets a tool error telling
 * the AI to wait — nothing is filed, no Odoo activity is created, the call is audited as
 * `limit_reached`. Identical calls still point to their pending request, other connections are not
 * held up, and filings racing on both replicas at once never exceed the limit.
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readStoreConfig } from '../../src/config.js'
import { listApprovalRequests } from '../../src/store/approval-requests.js'
import { listAudit } from '../../src/store/audit-log.js'
import { openStore, type Store } from '../../src/store/open-store.js'
import { Cleanups } from '../helpers/countersign.js'
import { ENGINES, postgresAvailable } from '../helpers/databases.js'
import { type Deployment, startDeployment } from '../helpers/deployment.js'
import { gatedAi } from './helpers.js'

const MAX_PENDING = 3
const MAX_PER_MINUTE = 5
const MAX_ARGUMENTS_KB = 2

type Answer = { refused: false; request_id: number; already_filed: boolean } | { refused: true; text: string }

/** A gated call's answer: filed (or pointed to an identical pending request), or refused with a tool error. */
async function attempt(ai: Client, tool: string, args: Record<string, unknown>): Promise<Answer> {
  const result = await ai.callTool({ name: tool, arguments: args })
  if (result.isError)
    return { refused: true, text: (result.content as Array<{ text: string }>)[0]?.text ?? '' }
  const structured = result.structuredContent as {
    status: string
    request_id: number
    already_filed?: boolean
  }
  expect(structured.status).toBe('pending_approval')
  return {
    refused: false,
    request_id: structured.request_id,
    already_filed: structured.already_filed === true,
  }
}

for (const engine of ENGINES) {
  describe.skipIf(engine === 'postgres' && !postgresAvailable)(`${engine}: filing limits`, () => {
    const cleanups = new Cleanups()
    let d: Deployment
    let store: Store

    /** Requests the connection has filed, as stored. */
    const requestsOf = async (connection_id: number) =>
      (await listApprovalRequests(store.db, { connection_id, page_size: 500 })).items

    /**
     * Approvers' activities created in Odoo so far (counted by the sandbox: closing the activities
     * of decided requests, which goes on after a decision, does not change it).
     */
    const activities = async () => d.sandbox.writes().applied['mail.activity.create'] ?? 0

    const limitReached = async (connection_id: number) =>
      (await listAudit(store.db, { event: 'tool_call', connection_id, page_size: 500 })).items.filter(
        (e) => e.outcome === 'limit_reached',
      )

    const reject = async (request_id: number) => {
      const answer = await d.api('admin', 'admin', 'POST', `/approvals/${request_id}/reject`, { note: 'no' })
      expect(answer.status).toBe(200)
    }

    beforeAll(async () => {
      d = await startDeployment(cleanups, {
        engine,
        replicas: 2,
        env: {
          COUNTERSIGN_MAX_PENDING_REQUESTS: String(MAX_PENDING),
          COUNTERSIGN_MAX_REQUESTS_PER_MINUTE: String(MAX_PER_MINUTE),
          COUNTERSIGN_MAX_REQUEST_ARGUMENTS_KB: String(MAX_ARGUMENTS_KB),
        },
      })
      store = await openStore(readStoreConfig(d.env))
      cleanups.push(() => store.close())
    })
    afterAll(() => cleanups.run())

    it('arguments larger than the limit are refused: a tool error, nothing filed, no activity', async () => {
      const { connection_id, ai } = await gatedAi(d, 'demo', 'update_record')
      const before = await activities()
      const large = await attempt(ai, 'update_record', {
        model: 'res.partner',
        ids: [7],
        values: { comment: 'x'.repeat(3000) },
      })
      expect(large).toEqual({
        refused: true,
        text:
          'Not filed for approval: the arguments of this update_record call take 3 KB, more than the 2 KB one ' +
          'request may hold. Nothing was filed and nothing was done. Make the change in smaller calls (fewer ' +
          'records or shorter values each), or tell the user it is too large to file.',
      })
      expect(await requestsOf(connection_id)).toEqual([])
      expect(await activities()).toBe(before)
      expect(await limitReached(connection_id)).toHaveLength(1)
      // Within the limit, the same call is filed as usual.
      const small = await attempt(ai, 'update_record', {
        model: 'res.partner',
        ids: [7],
        values: { comment: 'x'.repeat(1000) },
      })
      expect(small.refused).toBe(false)
      expect(await requestsOf(connection_id)).toHaveLength(1)
    })

    it('at the most requests awaiting approval, the AI is told to wait; identical calls still point to theirs; a decision makes room', async () => {
      const { connection_id, ai } = await gatedAi(d, 'demo', 'delete_record')
      const filed: number[] = []
      for (const id of [10, 11, 12]) {
        const answer = await attempt(ai, 'delete_record', { model: 'res.partner', id })
        if (answer.refused) throw new Error(answer.text)
        filed.push(answer.request_id)
      }
      const before = await activities()
      const over = await attempt(ai, 'delete_record', { model: 'res.partner', id: 13 })
      expect(over).toEqual({
        refused: true,
        text:
          'Not filed for approval: this connection already has 3 requests awaiting approval by Mitchell Admin, ' +
          'the most it may have at once. Nothing was filed and nothing was done. Tell the user, and wait until ' +
          'the approver has decided some of them (list_my_approval_requests shows them) before filing more. ' +
          'Do not retry now.',
      })
      expect((await requestsOf(connection_id)).map((r) => r.request_id).sort()).toEqual([...filed].sort())
      expect(await activities()).toBe(before)
      expect(await limitReached(connection_id)).toHaveLength(1)

      // An identical call files nothing, so the limit does not stop it from pointing to its request.
      expect(await attempt(ai, 'delete_record', { model: 'res.partner', id: 10 })).toEqual({
        refused: false,
        request_id: filed[0],
        already_filed: true,
      })
      // The limit is the connection's: another connection of the same person files as usual.
      const other = await gatedAi(d, 'demo', 'delete_record')
      expect((await attempt(other.ai, 'delete_record', { model: 'res.partner', id: 13 })).refused).toBe(false)
      // Once the approver has decided one, there is room for one more.
      await reject(filed[1] as number)
      expect((await attempt(ai, 'delete_record', { model: 'res.partner', id: 13 })).refused).toBe(false)
      expect((await attempt(ai, 'delete_record', { model: 'res.partner', id: 14 })).refused).toBe(true)
      expect(await requestsOf(connection_id)).toHaveLength(4)
    })

    it('more requests in a minute than the limit are refused, even when decisions keep few pending', async () => {
      const { connection_id, ai } = await gatedAi(d, 'demo', 'delete_record')
      let id = 20
      for (let i = 0; i < MAX_PER_MINUTE; i++) {
        const answer = await attempt(ai, 'delete_record', { model: 'res.partner', id: id++ })
        if (answer.refused) throw new Error(answer.text)
        // Decided at once: the pending limit never binds here.
        await reject(answer.request_id)
      }
      const before = await activities()
      const over = await attempt(ai, 'delete_record', { model: 'res.partner', id: id++ })
      expect(over).toEqual({
        refused: true,
        text:
          'Not filed for approval: this connection has filed 5 requests in the last minute, the most it may. ' +
          'Nothing was filed and nothing was done. Tell the user, and wait for Mitchell Admin to catch up ' +
          'before filing more; do not retry at once. Where one call can cover several records (e.g. ' +
          'batch_delete), use it instead of many.',
      })
      expect(await requestsOf(connection_id)).toHaveLength(MAX_PER_MINUTE)
      expect(await activities()).toBe(before)
      expect(await limitReached(connection_id)).toHaveLength(1)
    })

    it('twenty different filings racing on both replicas file exactly the limit', async () => {
      const made = await d.connection('demo', [
        '--write',
        '--approval-tools',
        'delete_record',
        '--approver',
        'admin',
      ])
      const clients = [await d.mcp(made.token, { server: 0 }), await d.mcp(made.token, { server: 1 })]
      const before = await activities()
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          attempt(clients[i % 2] as Client, 'delete_record', { model: 'res.partner', id: 30 + i }),
        ),
      )
      const filed = answers.filter((a) => !a.refused)
      const refused = answers.filter((a) => a.refused)
      expect(filed).toHaveLength(MAX_PENDING)
      expect(filed.every((a) => !a.already_filed)).toBe(true)
      for (const answer of refused) expect(answer.text).toMatch(/^Not filed for approval: this connection/)
      const stored = await requestsOf(made.connection_id)
      expect(stored).toHaveLength(MAX_PENDING)
      expect(stored.every((r) => r.status === 'pending')).toBe(true)
      expect(await activities()).toBe(before + MAX_PENDING)
      expect(await limitReached(made.connection_id)).toHaveLength(20 - MAX_PENDING)
    })

    it('nothing refused was written to Odoo, and neither replica logged an error', () => {
      expect(d.sandbox.writes().applied['res.partner.unlink'] ?? 0).toBe(0)
      expect(d.sandbox.writes().applied['res.partner.write'] ?? 0).toBe(0)
      for (const server of d.servers) {
        const errors = server
          .logs()
          .split('\n')
          .filter((l) => /"level":(50|60)/.test(l))
        expect(errors, errors.join('\n')).toEqual([])
      }
    })
  })
}
