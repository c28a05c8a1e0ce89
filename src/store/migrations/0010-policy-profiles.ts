/**
 * Migration 0010: `policy_profile`, the administrators' policy profiles (issue 13; domain/profile.ts),
 * and `connection.profile_id`. A connection with a profile takes that profile's policy as it is now
 * (store/connections.ts reads it by a join), so tightening a profile tightens every connection on it
 * at once; null keeps the connection's own policy columns, as every connection had before (operator
 * and command-line connections, and every existing row). At most one profile is the default: a
 * partial unique index, which both engines have. Lists are JSON text as on `connection`.
 * No `down`: SQLite cannot drop a column that holds a foreign key.
 */
import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely'
import type { Engine } from '../engine.js'

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const identity = (c: ColumnDefinitionBuilder) =>
    engine === 'sqlite'
      ? c.notNull().primaryKey().autoIncrement()
      : c.notNull().primaryKey().generatedByDefaultAsIdentity()
  await db.schema
    .createTable('policy_profile')
    .addColumn('profile_id', 'integer', identity)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('write_access', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('allowed_tools', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('approval_tools', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('approval_effects', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('approver_uid', 'integer')
    .addColumn('approver_login', 'text')
    .addColumn('approver_name', 'text')
    .addColumn('approval_expiry_hours', 'double precision', (c) => c.notNull())
    .addColumn('odoo_groups', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('policy_profile_name_key', ['name'])
    .addCheckConstraint('policy_profile_write_access_check', sql`write_access in (0, 1)`)
    .addCheckConstraint('policy_profile_is_default_check', sql`is_default in (0, 1)`)
    .addCheckConstraint('policy_profile_expiry_check', sql`approval_expiry_hours > 0`)
    .execute()
  await db.schema
    .createIndex('policy_profile_one_default_idx')
    .on('policy_profile')
    .column('is_default')
    .unique()
    .where(sql.ref('is_default'), '=', 1)
    .execute()
  await db.schema
    .alterTable('connection')
    .addColumn('profile_id', 'integer', (c) => c.references('policy_profile.profile_id'))
    .execute()
  await db.schema.createIndex('connection_profile_idx').on('connection').column('profile_id').execute()
}
