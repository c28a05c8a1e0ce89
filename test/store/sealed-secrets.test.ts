/**
 * The sealed secrets of a request (migration 0008), on both engines: stored as given, never part of
 * the request object, compared by findPendingTwin through its `sameSecrets` question, and dropped
 * by every change after which the call can no longer run (rejected, expired, finished, lost) — but
 * not by approval, since the run still needs them.
 */
import { beforeAll, expect, it } from 'vitest'
import {
  findPendingTwin,
  getApprovalRequest,
  insertApprovalRequest,
  sealedSecretsOf,
} from '../../src/store/approval-requests.js'
import {
  claimExecution,
  decideRequest,
  expireDue,
  expireOne,
  failStaleRunning,
  finishExecution,
} from '../../src/store/approval-transitions.js'
import { insertConnection } from '../../src/store/connections.js'
import { describeEachEngine } from '../helpers/databases.js'
import { hoursAfter, newConnectionInput, newRequestInput, T0 } from './fixtures.js'

const SHA = 'd'.repeat(64)

function decision(status: 'approved' | 'rejected') {
  return {
    status,
    decided_at: hoursAfter(T0, 1),
    decided_by_uid: 2,
    decided_by_login: 'admin',
    decided_by_name: 'Mitchell Admin',
    approver_note: null,
  }
}

describeEachEngine('sealed secrets', (_engine, t) => {
  let connection_id: number

  beforeAll(async () => {
    ;({ connection_id } = await insertConnection(t.store.db, newConnectionInput(), T0))
  })

  const file = (sealed: string | null, overrides = {}) =>
    insertApprovalRequest(t.store.db, {
      ...newRequestInput(connection_id, { arguments_sha256: SHA, ...overrides }),
      sealed_secrets: sealed,
    })

  it('stores the sealed text apart from the request, null when none', async () => {
    const sealed = await file('v1:iv:tag:ciphertext-a')
    const plain = await insertApprovalRequest(t.store.db, newRequestInput(connection_id))
    expect(await sealedSecretsOf(t.store.db, sealed.request_id)).toBe('v1:iv:tag:ciphertext-a')
    expect(await sealedSecretsOf(t.store.db, plain.request_id)).toBeNull()
    expect(await sealedSecretsOf(t.store.db, 999_999)).toBeNull()
    expect(Object.keys(sealed)).not.toContain('sealed_secrets')
    expect(Object.keys((await getApprovalRequest(t.store.db, sealed.request_id)) ?? {})).not.toContain(
      'sealed_secrets',
    )
  })

  it('findPendingTwin asks about each candidate, newest first, and takes the first that hides the same', async () => {
    const first = await file('seal-1', { tool: 'execute_method' })
    const second = await file('seal-2', { tool: 'execute_method', requested_at: hoursAfter(T0, 0.5) })
    const asked: Array<[number, string | null]> = []
    const twin = (wanted: string) =>
      findPendingTwin(t.store.db, {
        connection_id,
        tool: 'execute_method',
        arguments_sha256: SHA,
        now: hoursAfter(T0, 1),
        sameSecrets: (candidate, sealed) => {
          asked.push([candidate.request_id, sealed])
          return sealed === wanted
        },
      })
    expect((await twin('seal-1'))?.request_id).toBe(first.request_id)
    expect(asked).toEqual([
      [second.request_id, 'seal-2'],
      [first.request_id, 'seal-1'],
    ])
    expect((await twin('seal-2'))?.request_id).toBe(second.request_id)
    expect(await twin('seal-3')).toBeUndefined()
  })

  it('approval keeps them for the run; finishing the run drops them', async () => {
    const { request_id } = await file('seal-run')
    expect(await decideRequest(t.store.db, request_id, decision('approved'), hoursAfter(T0, 1))).toBe(true)
    expect(await sealedSecretsOf(t.store.db, request_id)).toBe('seal-run')
    expect(await claimExecution(t.store.db, request_id, hoursAfter(T0, 1))).toBe(true)
    expect(await sealedSecretsOf(t.store.db, request_id)).toBe('seal-run')
    const outcome = {
      execution_status: 'success' as const,
      result: 'true',
      result_truncated: false,
      error: null,
      finished_at: hoursAfter(T0, 1),
    }
    expect(await finishExecution(t.store.db, request_id, outcome)).toBe(true)
    expect(await sealedSecretsOf(t.store.db, request_id)).toBeNull()
  })

  it('rejection, expiry (one or due) and a lost run drop them', async () => {
    const rejected = await file('seal-rejected')
    expect(
      await decideRequest(t.store.db, rejected.request_id, decision('rejected'), hoursAfter(T0, 1)),
    ).toBe(true)

    const one = await file('seal-expired-one', { requested_at: hoursAfter(T0, -10) })
    expect(await expireOne(t.store.db, one.request_id, T0)).toBe(true)
    const due = await file('seal-expired-due', { requested_at: hoursAfter(T0, -10) })
    expect(await expireDue(t.store.db, T0)).toContain(due.request_id)

    const lost = await file('seal-lost')
    await decideRequest(t.store.db, lost.request_id, decision('approved'), hoursAfter(T0, 1))
    await claimExecution(t.store.db, lost.request_id, hoursAfter(T0, 1))
    expect(await failStaleRunning(t.store.db, 'outcome unknown', hoursAfter(T0, 2))).toContain(
      lost.request_id,
    )

    for (const { request_id } of [rejected, one, due, lost])
      expect(await sealedSecretsOf(t.store.db, request_id)).toBeNull()
  })
})
