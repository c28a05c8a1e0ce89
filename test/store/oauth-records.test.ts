/**
 * The OAuth adapter over `oauth_record` on both engines: codes and tokens are stored under the SHA-256
 * of their value and without it, yet found by the value with their jti back; consumption, upsert,
 * revocation by grant (one model at a time) and deletion work; the sweep deletes what expired more
 * than a day ago and nothing else.
 */
import { expect, it } from 'vitest'
import { createLogger } from '../../src/logger.js'
import { createAdapterFactory, sweepExpiredOAuth } from '../../src/oauth/adapter.js'
import { hashToken } from '../../src/store/tokens.js'
import { describeEachEngine } from '../helpers/databases.js'

const NOW = new Date('2026-12-03T08:00:00.000Z')

describeEachEngine('oauth records', (_engine, t) => {
  const adapter = (model: string) =>
    createAdapterFactory({
      db: t.store.db,
      clock: () => NOW,
      logger: createLogger({ level: 'silent' }),
      dev_http_client_ids: false,
    })(model)

  it('keys a token by its hash, keeps no value, and finds it by the value', async () => {
    const tokens = adapter('AccessToken')
    const value = 'a-token-value-that-is-long-enough-123456789'
    await tokens.upsert(value, { jti: value, grantId: 'g1', kind: 'AccessToken', exp: 1 }, 3600)
    const rows = await t.store.db
      .selectFrom('oauth_record')
      .selectAll()
      .where('model', '=', 'AccessToken')
      .execute()
    expect(rows).toHaveLength(1)
    expect(rows[0]?.id).toBe(hashToken(value))
    expect(JSON.stringify(rows)).not.toContain(value)
    expect(rows[0]?.expires_at).toBe('2026-12-03T09:00:00.000Z')
    expect(await tokens.find(value)).toEqual({ jti: value, grantId: 'g1', kind: 'AccessToken', exp: 1 })
    expect(await tokens.find(hashToken(value))).toBeUndefined()
    await tokens.consume(value)
    expect((await tokens.find(value))?.consumed).toBe(Math.floor(NOW.getTime() / 1000))
    await tokens.destroy(value)
    expect(await tokens.find(value)).toBeUndefined()
  })

  it('stores other objects under their id, and revokes by grant one model at a time', async () => {
    const sessions = adapter('Session')
    await sessions.upsert('s1', { jti: 's1', uid: 'u1', kind: 'Session' }, 60)
    expect(await sessions.findByUid('u1')).toMatchObject({ jti: 's1' })
    await sessions.upsert('s1', { jti: 's1', uid: 'u2', kind: 'Session' }, 60)
    expect(await sessions.findByUid('u1')).toBeUndefined()
    expect(await sessions.findByUid('u2')).toMatchObject({ jti: 's1' })

    await adapter('Grant').upsert('g2', { jti: 'g2', kind: 'Grant' }, 60)
    await adapter('AccessToken').upsert(
      'at-for-g2-000000000000000000',
      { grantId: 'g2', kind: 'AccessToken' },
      60,
    )
    await adapter('RefreshToken').upsert(
      'rt-for-g2-000000000000000000',
      { grantId: 'g2', kind: 'RefreshToken' },
      60,
    )
    await adapter('AccessToken').revokeByGrantId('g2')
    expect(await adapter('AccessToken').find('at-for-g2-000000000000000000')).toBeUndefined()
    expect(await adapter('RefreshToken').find('rt-for-g2-000000000000000000')).toBeDefined()
    expect(await adapter('Grant').find('g2')).toBeDefined()
  })

  it('sweeps what expired more than a day ago', async () => {
    const interactions = adapter('Interaction')
    const at = (iso: string) =>
      t.store.db.updateTable('oauth_record').set({ expires_at: iso }).where('model', '=', 'Interaction')
    await interactions.upsert('old', { jti: 'old', kind: 'Interaction' }, 60)
    await at('2026-12-01T00:00:00.000Z').where('id', '=', 'old').execute()
    await interactions.upsert('recent', { jti: 'recent', kind: 'Interaction' }, 60)
    await at('2026-12-03T07:00:00.000Z').where('id', '=', 'recent').execute()
    await interactions.upsert('forever', { jti: 'forever', kind: 'Interaction' })
    expect(await sweepExpiredOAuth(t.store.db, NOW)).toBe(1)
    expect(await interactions.find('old')).toBeUndefined()
    expect(await interactions.find('recent')).toBeDefined()
    expect(await interactions.find('forever')).toBeDefined()
  })
})
