/**
 * findPendingTwin: the pending, unexpired request of the same connection, tool and argument
 * fingerprint — and nothing else — on both engines.
 */
import { beforeAll, expect, it } from 'vitest'
import { findPendingTwin, insertApprovalRequest } from '../../src/store/approval-requests.js'
import { decideRequest } from '../../src/store/approval-transitions.js'
import { insertConnection } from '../../src/store/connections.js'
import { describeEachEngine } from '../helpers/databases.js'
import { hoursAfter, newConnectionInput, newRequestInput, T0 } from './fixtures.js'

const SHA = 'b'.repeat(64)

describeEachEngine('pending twin', (_engine, t) => {
  let connection_id: number
  let other_connection: number

  beforeAll(async () => {
    ;({ connection_id } = await insertConnection(t.store.db, newConnectionInput(), T0))
    ;({ connection_id: other_connection } = await insertConnection(t.store.db, newConnectionInput(), T0))
  })

  const twin = (now = hoursAfter(T0, 1)) =>
    findPendingTwin(t.store.db, { connection_id, tool: 'batch_delete', arguments_sha256: SHA, now })

  it('finds nothing among other connections, tools and fingerprints', async () => {
    await insertApprovalRequest(t.store.db, newRequestInput(other_connection, { arguments_sha256: SHA }))
    await insertApprovalRequest(
      t.store.db,
      newRequestInput(connection_id, { arguments_sha256: SHA, tool: 'delete_record' }),
    )
    await insertApprovalRequest(
      t.store.db,
      newRequestInput(connection_id, { arguments_sha256: 'c'.repeat(64) }),
    )
    expect(await twin()).toBeUndefined()
  })

  it('finds the newest pending one until it expires or is decided', async () => {
    const older = await insertApprovalRequest(
      t.store.db,
      newRequestInput(connection_id, { arguments_sha256: SHA }),
    )
    const newer = await insertApprovalRequest(
      t.store.db,
      newRequestInput(connection_id, { arguments_sha256: SHA, requested_at: hoursAfter(T0, 0.5) }),
    )
    expect((await twin())?.request_id).toBe(newer.request_id)
    // Past the newer one's expires_at (T0 + 4.5 h) neither counts, pending or not in the table.
    expect(await twin(hoursAfter(T0, 4.5))).toBeUndefined()
    const decision = {
      status: 'rejected' as const,
      decided_at: hoursAfter(T0, 1),
      decided_by_uid: 2,
      decided_by_login: 'admin',
      decided_by_name: 'Mitchell Admin',
      approver_note: null,
    }
    expect(await decideRequest(t.store.db, newer.request_id, decision, hoursAfter(T0, 1))).toBe(true)
    expect((await twin())?.request_id).toBe(older.request_id)
    expect(await decideRequest(t.store.db, older.request_id, decision, hoursAfter(T0, 1))).toBe(true)
    expect(await twin()).toBeUndefined()
  })
})
