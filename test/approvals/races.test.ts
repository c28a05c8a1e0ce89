/**
 * Issue 4 acceptance, "Exactly once … double clicks, two approvers at once, several server
 * replicas": 200 rounds, each on its own request, of three concurrent decisions — admin approves,
 * a second administrator approves, admin rejects, sent in a shuffled order — on SQLite with one
 * serve process, and on PostgreSQL with two serve processes (the decisions of a round go to
 * different replicas). Per round exactly one decision wins (one 200, two 409) and at most one
 * execution happens: the gated call is update_record on one partner, one countable write, so the
 * sandbox's `res.partner.write` counter grows by exactly the number of rounds the approval won.
 *
 * What each half exercises: in one Node process on SQLite, a decision's read, rule check and
 * compare-and-set run without any I/O in between, so the event loop serializes the three decisions
 * and the losers are refused by the rule on a fresh read. Two processes on PostgreSQL do overlap:
 * there the UPDATE's `status = 'pending'` guard itself decides (dropping it makes that half fail with
 * two 200s in the first round, while the SQLite half still passes).
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups } from '../helpers/countersign.js'
import { postgresAvailable } from '../helpers/databases.js'
import { callTool, type Deployment, eventually, startDeployment } from '../helpers/deployment.js'
import { addSandboxUser, file, gatedAi, SECOND_ADMIN_GROUPS, writesOf } from './helpers.js'

const ROUNDS = 200
const FILING_CONCURRENCY = 8

interface Attempt {
  login: 'admin' | 'admin2'
  verdict: 'approve' | 'reject'
  server: number
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

const SETUPS = [
  { engine: 'sqlite', replicas: 1 },
  { engine: 'postgres', replicas: 2 },
] as const

for (const { engine, replicas } of SETUPS) {
  describe.skipIf(engine === 'postgres' && !postgresAvailable)(
    `${engine}, ${replicas} serve process(es): ${ROUNDS} rounds of approve / approve / reject`,
    () => {
      const cleanups = new Cleanups()
      let d: Deployment
      let ai: Client
      const requests: number[] = []
      const winners: Array<'approve' | 'reject'> = []

      beforeAll(async () => {
        // All rounds are filed first, through one connection: more than its default filing limits.
        const limits = {
          COUNTERSIGN_MAX_PENDING_REQUESTS: '1000',
          COUNTERSIGN_MAX_REQUESTS_PER_MINUTE: '1000',
        }
        d = await startDeployment(cleanups, { engine, replicas, env: limits })
        await addSandboxUser(d, 'admin2', 'Second Admin', SECOND_ADMIN_GROUPS)
        ai = (await gatedAi(d, 'demo', 'update_record')).ai
      })
      afterAll(() => cleanups.run())

      it(`1. files ${ROUNDS} update_record requests; nothing is written yet`, async () => {
        // One contact per round: an approved round changes its contact, and a request whose record
        // changed after filing would (rightly) not run (the drift guard).
        const partners: number[] = []
        for (let start = 0; start < ROUNDS; start += FILING_CONCURRENCY) {
          const batch = Array.from({ length: Math.min(FILING_CONCURRENCY, ROUNDS - start) }, (_, k) =>
            callTool(ai, 'create_record', { model: 'res.partner', values: { name: `Race ${start + k}` } }),
          )
          partners.push(...(await Promise.all(batch)).map((made) => made.id as number))
        }
        d.sandbox.resetWrites()
        for (let start = 0; start < ROUNDS; start += FILING_CONCURRENCY) {
          const batch = Array.from({ length: Math.min(FILING_CONCURRENCY, ROUNDS - start) }, (_, k) =>
            file(ai, 'update_record', {
              model: 'res.partner',
              ids: [partners[start + k] as number],
              values: { phone: `+1 555 ${String(start + k).padStart(4, '0')}` },
            }),
          )
          requests.push(...(await Promise.all(batch)))
        }
        expect(new Set(requests).size).toBe(ROUNDS)
        expect(writesOf(d, 'res.partner.write')).toEqual({ received: 0, applied: 0 })
      })

      it('2. each round: exactly one decision wins (one 200, two 409), and an approval executes once', async () => {
        for (const [round, request_id] of requests.entries()) {
          const label = `round ${round + 1} (request ${request_id})`
          const attempts: Attempt[] = shuffle([
            { login: 'admin', verdict: 'approve', server: 0 },
            { login: 'admin2', verdict: 'approve', server: 1 % replicas },
            { login: 'admin', verdict: 'reject', server: round % replicas },
          ])
          const before = writesOf(d, 'res.partner.write').received
          // 2a. The three decisions go out at once.
          const answers = await Promise.all(
            attempts.map((a) =>
              d.api(
                a.login,
                a.login,
                'POST',
                `/approvals/${request_id}/${a.verdict}`,
                { note: a.login },
                a.server,
              ),
            ),
          )
          // 2b. Exactly one won; the others were told the request is no longer pending.
          const won = answers.flatMap((answer, i) => (answer.status === 200 ? [attempts[i] as Attempt] : []))
          // A 500 names its cause from the servers' logs, so a rare race can be read from a CI log.
          const faults = answers.some((a) => a.status >= 500)
            ? d.servers.flatMap((s) =>
                s
                  .logs()
                  .split('\n')
                  .filter((line) => line.includes('"level":50')),
              )
            : []
          expect(answers.map((a) => a.status).sort(), `${label} ${faults.join('\n')}`).toEqual([
            200, 409, 409,
          ])
          const losers = answers.filter((a) => a.status === 409)
          expect(
            losers.map((a) => a.body.code),
            label,
          ).toEqual(['CS_NOT_PENDING', 'CS_NOT_PENDING'])
          const winner = won[0] as Attempt
          const body = answers.find((a) => a.status === 200)?.body
          winners.push(winner.verdict)
          // 2c. The winner's answer is the stored decision, with its own note.
          expect(body, label).toMatchObject({
            request_id,
            status: winner.verdict === 'approve' ? 'approved' : 'rejected',
            decided_by: { login: winner.login },
            approver_note: winner.login,
            // An approve answers once the call has run (the API waits for it); a reject never runs it.
            execution_status: winner.verdict === 'approve' ? 'success' : 'pending',
          })
          // 2d. At most one execution: one write when the approval won, none when the rejection did.
          expect(writesOf(d, 'res.partner.write').received - before, label).toBe(
            winner.verdict === 'approve' ? 1 : 0,
          )
        }
      }, 90_000)

      it('3. totals agree: statuses in the store, write counters, one closed activity per request', async () => {
        const approvedRounds = winners.filter((w) => w === 'approve').length
        // Both kinds of winner occurred, so the counter equality below says something.
        expect(approvedRounds).toBeGreaterThan(0)
        expect(approvedRounds).toBeLessThan(ROUNDS)
        expect(writesOf(d, 'res.partner.write')).toEqual({
          received: approvedRounds,
          applied: approvedRounds,
        })

        const list = await d.api('admin', 'admin', 'GET', `/approvals?status=all&page_size=${ROUNDS}`)
        const byId = new Map<number, { status: string; execution_status: string }>(
          list.body.items.map((r: { request_id: number; status: string; execution_status: string }) => [
            r.request_id,
            r,
          ]),
        )
        expect(list.body.total).toBe(ROUNDS)
        for (const [round, request_id] of requests.entries()) {
          const expected =
            winners[round] === 'approve'
              ? { status: 'approved', execution_status: 'success' }
              : { status: 'rejected', execution_status: 'pending' }
          expect(byId.get(request_id), `request ${request_id}`).toMatchObject(expected)
        }

        // Only the winning decision closes the approver's activity: exactly one close per request.
        await eventually(
          async () => (writesOf(d, 'mail.activity.action_feedback').applied >= ROUNDS ? true : undefined),
          15_000,
          'every activity to be closed',
        )
        expect(writesOf(d, 'mail.activity.action_feedback')).toEqual({ received: ROUNDS, applied: ROUNDS })
      })
    },
  )
}
