/**
 * Nothing in the database holds an MCP token or an Odoo secret in clear: after a connection is
 * created, used, rotated, and has requests and audit entries, every text value of every row of
 * every table is scanned for them (and, on SQLite, every byte of the database files).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { insertApprovalRequest } from '../../src/store/approval-requests.js'
import { appendAudit } from '../../src/store/audit-log.js'
import {
  getConnection,
  insertConnection,
  rotateConnectionToken,
  touchConnection,
} from '../../src/store/connections.js'
import { createSecretBox } from '../../src/store/secret-box.js'
import { hashToken, newConnectionToken, tokenPrefix } from '../../src/store/tokens.js'
import { describeEachEngine } from '../helpers/databases.js'
import { hoursAfter, newConnectionInput, newRequestInput, T0 } from './fixtures.js'

describeEachEngine('no secret at rest', (engine, t) => {
  it('stores tokens only as hashes and Odoo secrets only encrypted', async () => {
    const box = createSecretBox(t.config.secret!)
    const odooSecret = 'odoo-api-key-7f3a9c1e5b2d4f6a8c0e'
    const firstToken = newConnectionToken()
    const secondToken = newConnectionToken()
    const { connection_id } = await insertConnection(
      t.store.db,
      newConnectionInput({
        token_hash: hashToken(firstToken),
        token_prefix: tokenPrefix(firstToken),
        odoo_secret_enc: box.seal(odooSecret, 'odoo-secret:6'),
      }),
      T0,
    )
    await touchConnection(t.store.db, connection_id, T0)
    await rotateConnectionToken(
      t.store.db,
      connection_id,
      { token_hash: hashToken(secondToken), token_prefix: tokenPrefix(secondToken) },
      T0,
    )
    const { request_id } = await insertApprovalRequest(t.store.db, newRequestInput(connection_id))
    await appendAudit(t.store.db, {
      at: hoursAfter(T0, 1),
      event: 'request_filed',
      outcome: 'pending_approval',
      connection_id,
      request_id,
    })

    // The secret is there, and opens with the key: it was stored, just not in clear.
    const stored = await getConnection(t.store.db, connection_id)
    expect(box.open(stored!.odoo_secret_enc, 'odoo-secret:6')).toBe(odooSecret)

    const needles = [odooSecret, firstToken, secondToken, firstToken.slice(4), secondToken.slice(4)]
    const tables =
      engine === 'sqlite'
        ? (
            await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(
              t.store.db,
            )
          ).rows
        : (
            await sql<{
              name: string
            }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(
              t.store.db,
            )
          ).rows
    let scanned = 0
    for (const { name } of tables) {
      const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(
        t.store.db,
      )
      for (const row of rows)
        for (const value of Object.values(row)) {
          if (typeof value !== 'string') continue
          scanned++
          for (const needle of needles) expect(value, `${name} holds a secret in clear`).not.toContain(needle)
        }
    }
    expect(tables.map((r) => r.name)).toEqual(
      expect.arrayContaining(['connection', 'approval_request', 'audit_log']),
    )
    expect(scanned).toBeGreaterThan(30)

    if (engine === 'sqlite') {
      // Also the bytes on disk: the database file, its WAL and shared-memory index.
      const folder = dirname(t.config.sqlite_path!)
      const files = readdirSync(folder).filter((f) => f.startsWith('countersign.db'))
      expect(files).toContain('countersign.db')
      for (const file of files) {
        const bytes = readFileSync(join(folder, file))
        for (const needle of needles)
          expect(bytes.includes(needle), `${file} holds a secret in clear`).toBe(false)
      }
    }
  })
})
