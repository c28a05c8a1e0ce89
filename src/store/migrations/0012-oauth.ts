/**
 * Migration 0012: OAuth 2.1 for remote MCP clients (issue 13). `oauth_record` holds everything the
 * authorization server (oidc-provider, src/oauth/) keeps between requests — interactions, sessions,
 * grants, registered clients, codes and tokens — one row per object, so any replica can answer any
 * step. `id` is the object's id, except for codes and tokens, whose id is the credential itself:
 * those rows are keyed by its SHA-256 (src/oauth/adapter.ts). `payload` is the object as JSON text;
 * `grant_id`, `uid` and `user_code` are copied out of it for the look-ups the provider makes by them.
 * `connection` gains the OAuth client and grant of a connection an MCP client was authorised for
 * (null for token connections); such a connection's `token_hash` is the hash of a random value that is
 * never handed out, so the column stays unique and no bearer token matches it.
 */
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oauth_record')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('uid', 'text')
    .addColumn('user_code', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('consumed_at', 'text')
    .addPrimaryKeyConstraint('oauth_record_pk', ['model', 'id'])
    .execute()
  await db.schema.createIndex('oauth_record_grant_idx').on('oauth_record').column('grant_id').execute()
  await db.schema.createIndex('oauth_record_uid_idx').on('oauth_record').column('uid').execute()
  await db.schema.createIndex('oauth_record_expires_idx').on('oauth_record').column('expires_at').execute()
  await db.schema.alterTable('connection').addColumn('oauth_client_id', 'text').execute()
  await db.schema.alterTable('connection').addColumn('oauth_grant_id', 'text').execute()
  await db.schema
    .createIndex('connection_oauth_grant_idx')
    .on('connection')
    .column('oauth_grant_id')
    .unique()
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('connection_oauth_grant_idx').execute()
  await db.schema.alterTable('connection').dropColumn('oauth_grant_id').execute()
  await db.schema.alterTable('connection').dropColumn('oauth_client_id').execute()
  await db.schema.dropTable('oauth_record').execute()
}
