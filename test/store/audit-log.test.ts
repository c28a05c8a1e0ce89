/**
 * The audit log on both engines: entries round-trip, filters combine, newest first with paging,
 * and the module offers no way to change or remove an entry.
 */
import { beforeAll, expect, it } from 'vitest'
import * as auditLog from '../../src/store/audit-log.js'
import { appendAudit, listAudit, type NewAuditEntry } from '../../src/store/audit-log.js'
import { describeEachEngine } from '../helpers/databases.js'
import { hoursAfter, T0 } from './fixtures.js'

describeEachEngine('audit log', (_engine, t) => {
  const ids: number[] = []
  beforeAll(async () => {
    // 12 entries an hour apart: events cycle tool_call / decision / request_expired; actors admin and demo.
    for (let i = 0; i < 12; i++) {
      const entry: NewAuditEntry = {
        at: hoursAfter(T0, i),
        event: ['tool_call', 'decision', 'request_expired'][i % 3]!,
        outcome: i % 4 === 0 ? 'refused' : 'ok',
        connection_id: i % 2 === 0 ? 1 : 2,
        request_id: i < 6 ? 42 : null,
        actor_uid: i % 2 === 0 ? 2 : 6,
        actor_login: i % 2 === 0 ? 'admin' : 'demo',
      }
      ids.push(await appendAudit(t.store.db, entry))
    }
  })

  it('appends an entry and reads every field back', async () => {
    const entry: NewAuditEntry = {
      at: hoursAfter(T0, 100.5),
      event: 'decision_refused',
      outcome: 'refused',
      connection_id: 3,
      request_id: 999,
      actor_uid: 6,
      actor_login: 'demo',
      tool: 'batch_delete',
      model: 'sale.order',
      duration_ms: 12.6,
      error: 'the requester cannot decide their own request',
      detail: { refusal: 'requester_cannot_decide', note: 'ünï' },
      payload: { arguments: { ids: [1, 2] }, result: null },
    }
    const audit_id = await appendAudit(t.store.db, entry)
    expect(audit_id).toBeGreaterThan(ids.at(-1)!)
    const { items } = await listAudit(t.store.db, { request_id: 999 })
    expect(items).toEqual([{ ...entry, audit_id, duration_ms: 13 }])
    const minimal = await appendAudit(t.store.db, {
      at: hoursAfter(T0, 101),
      event: 'migrated',
      outcome: 'ok',
    })
    expect((await listAudit(t.store.db, { event: 'migrated' })).items).toEqual([
      {
        audit_id: minimal,
        at: hoursAfter(T0, 101),
        event: 'migrated',
        outcome: 'ok',
        connection_id: null,
        request_id: null,
        actor_uid: null,
        actor_login: null,
        tool: null,
        model: null,
        duration_ms: null,
        error: null,
        detail: null,
        payload: null,
      },
    ])
  })

  it('filters by event, connection, actor, request and time, newest first', async () => {
    const window = { since: T0, until: hoursAfter(T0, 12) } // the 12 entries of beforeAll
    const idsOf = (page: { items: { audit_id: number }[] }) => page.items.map((e) => e.audit_id)
    expect(idsOf(await listAudit(t.store.db, window))).toEqual([...ids].reverse())
    expect(idsOf(await listAudit(t.store.db, { ...window, event: 'decision' }))).toEqual([
      ids[10],
      ids[7],
      ids[4],
      ids[1],
    ])
    expect((await listAudit(t.store.db, { ...window, event: ['decision', 'tool_call'] })).total).toBe(8)
    expect((await listAudit(t.store.db, { ...window, connection_id: 2 })).total).toBe(6)
    expect((await listAudit(t.store.db, { ...window, actor_login: 'admin', request_id: 42 })).total).toBe(3)
    // since is inclusive, until exclusive.
    expect(
      idsOf(await listAudit(t.store.db, { since: hoursAfter(T0, 3), until: hoursAfter(T0, 5) })),
    ).toEqual([ids[4], ids[3]])
  })

  it('pages with a total', async () => {
    const window = { since: T0, until: hoursAfter(T0, 12) }
    const second = await listAudit(t.store.db, { ...window, page: 2, page_size: 5 })
    expect(second).toMatchObject({ total: 12, page: 2, page_size: 5 })
    expect(second.items.map((e) => e.audit_id)).toEqual([...ids].reverse().slice(5, 10))
  })

  it('is append-only: the module exports no way to update or delete', () => {
    expect(Object.keys(auditLog).sort()).toEqual([
      'appendAudit',
      'appendAuditEntries',
      'auditEntryFromRow',
      'listAudit',
    ])
  })
})
