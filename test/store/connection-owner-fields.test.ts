/**
 * Migration 0011 on both engines (issue 13): connections from before it read back with no AI client,
 * no recorded creator and no Odoo key made by Countersign (created at the command line, as they
 * were), and the new fields round-trip for a connection someone made for themselves.
 */
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { getConnection, insertConnection, listConnections } from '../../src/store/connections.js'
import { migrateToLatest } from '../../src/store/migrate.js'
import { MIGRATIONS } from '../../src/store/migrations/index.js'
import { createTestStore, ENGINES, type TestStore } from '../helpers/databases.js'
import { newConnectionInput, T0 } from './fixtures.js'

const MIGRATION = '0011-connection-owner-fields'
const BEFORE = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < MIGRATION))

for (const engine of ENGINES) {
  describe(`${engine}: migration ${MIGRATION}`, () => {
    const stores: TestStore[] = []
    afterEach(async () => {
      for (const t of stores.splice(0).reverse()) await t.cleanup()
    })

    it('keeps older connections as the operator made them and records the new fields', async () => {
      const t = await createTestStore(engine, { migrate: false })
      stores.push(t)
      const db = t.store.db
      expect(Object.keys(MIGRATIONS)).toContain(MIGRATION)
      await migrateToLatest(db, BEFORE)
      await sql`insert into connection (name, odoo_uid, odoo_login, odoo_user_name, token_hash, token_prefix,
        odoo_secret_enc, write_access, allowed_tools, approval_tools, approval_expiry_hours, created_at, updated_at)
        values ('old', 6, 'demo', 'Marc Demo', 'hash-old', 'csk_old', 'v1:x', 1, '[]', '["delete_record"]', 4,
        ${T0.toISOString()}, ${T0.toISOString()})`.execute(db)

      const upgraded = await migrateToLatest(db)
      expect(upgraded.applied).toContain(MIGRATION)
      const [old] = await listConnections(db)
      expect(old).toMatchObject({ name: 'old', ai_client: null, created_by: null, odoo_key_name: null })

      const own = await insertConnection(
        db,
        newConnectionInput({
          ai_client: 'ChatGPT',
          created_by: { uid: 6, login: 'demo' },
          odoo_key_name: 'Countersign — ChatGPT',
        }),
        T0,
      )
      expect(await getConnection(db, own.connection_id)).toMatchObject({
        ai_client: 'ChatGPT',
        created_by: { uid: 6, login: 'demo' },
        odoo_key_name: 'Countersign — ChatGPT',
      })
      const bare = await insertConnection(
        db,
        newConnectionInput({ ai_client: null, created_by: null, odoo_key_name: null }),
        T0,
      )
      expect(await getConnection(db, bare.connection_id)).toMatchObject({
        ai_client: null,
        created_by: null,
        odoo_key_name: null,
      })
    })
  })
}
