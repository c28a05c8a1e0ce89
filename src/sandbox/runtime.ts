/**
 * One running sandbox's parts, shared by the protocol handlers and the test hooks: state (models
 * and data), credentials, write counters and web sessions. Built once per `startSandboxOdoo`.
 * Does not listen.
 */
import { Credentials } from './auth.js'
import { seedBusiness } from './demo-business.js'
import { type SandboxUser, seedUsers } from './demo-data.js'
import { seedPartners } from './demo-partners.js'
import { seedReference } from './demo-reference.js'
import type { SandboxState } from './env.js'
import { MODELS } from './models/index.js'
import { buildRegistry } from './registry.js'
import { Store } from './store.js'
import { WebSessions } from './web-sessions.js'
import { WriteCounters } from './write-counters.js'

export interface Runtime {
  state: SandboxState
  credentials: Credentials
  counters: WriteCounters
  users: SandboxUser[]
  sessions: WebSessions
}

export function createRuntime(
  db: string,
  now: () => Date = () => new Date(),
  onWriteReceived?: (model: string, method: string) => void,
): Runtime {
  const store = new Store()
  const registry = buildRegistry(MODELS.map((m) => m.def))
  const credentials = new Credentials(store)
  const state: SandboxState = { registry, store, db, credentials, now }
  seedReference(store)
  seedPartners(store)
  const users = seedUsers(store, credentials)
  seedBusiness(store)
  return {
    state,
    credentials,
    counters: new WriteCounters(onWriteReceived),
    users,
    sessions: new WebSessions(db),
  }
}
