/**
 * Every migration, listed in code rather than found by scanning a folder, so the same list works
 * from `src/` under tsx and from the compiled `dist/`. To change the schema, add
 * `NNNN-what-it-does.ts` exporting `up(db, engine)` (and `down` when it can be undone) and list it
 * here; names sort in the order they run. Does not run anything: ../migrate.ts does.
 */
import type { Kysely } from 'kysely'
import type { Engine } from '../engine.js'
import * as m0001 from './0001-initial.js'
import * as m0002 from './0002-unclaimed-index.js'
import * as m0003 from './0003-pending-twin-index.js'
import * as m0004 from './0004-notification-error.js'
import * as m0005 from './0005-login-throttle.js'
import * as m0006 from './0006-filing-limit-indexes.js'
import * as m0007 from './0007-approval-effects.js'
import * as m0008 from './0008-sealed-secrets.js'
import * as m0009 from './0009-request-preview.js'
import * as m0010 from './0010-policy-profiles.js'
import * as m0011 from './0011-connection-owner-fields.js'
import * as m0012 from './0012-oauth.js'
import * as m0013 from './0013-connection-odoo-key.js'

export interface EngineMigration {
  up(db: Kysely<unknown>, engine: Engine): Promise<void>
  down?(db: Kysely<unknown>, engine: Engine): Promise<void>
}

export const MIGRATIONS: Readonly<Record<string, EngineMigration>> = Object.freeze({
  '0001-initial': m0001,
  '0002-unclaimed-index': m0002,
  '0003-pending-twin-index': m0003,
  '0004-notification-error': m0004,
  '0005-login-throttle': m0005,
  '0006-filing-limit-indexes': m0006,
  '0007-approval-effects': m0007,
  '0008-sealed-secrets': m0008,
  '0009-request-preview': m0009,
  '0010-policy-profiles': m0010,
  '0011-connection-owner-fields': m0011,
  '0012-oauth': m0012,
  '0013-connection-odoo-key': m0013,
})
