/**
 * Runs store operations in a worker thread, so that SQLite tests get real parallelism (better-sqlite3
 * is synchronous: two handles in one thread can only take turns, and one waiting for a lock would
 * block the other forever). Started by threads.ts; not a test file. Each round first waits at a
 * shared barrier until every worker has arrived, then runs its operation at the same moment.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { StoreConfig } from '../../src/config.js'
import {
  claimExecution,
  type Decision,
  decideRequest,
  expireDue,
} from '../../src/store/approval-transitions.js'
import { migrateToLatest } from '../../src/store/migrate.js'
import { openStore, type Store } from '../../src/store/open-store.js'
import type { WorkerJob } from './threads.js'

const job = workerData as WorkerJob
const barrier = new Int32Array(job.barrier)
const stores = new Map<string, Store>()

async function storeFor(config: StoreConfig): Promise<Store> {
  let store = stores.get(config.database)
  if (!store) {
    store = await openStore(config)
    stores.set(config.database, store)
  }
  return store
}

function arrive(round: number): void {
  Atomics.add(barrier, round, 1)
  while (Atomics.load(barrier, round) < job.parties)
    Atomics.wait(barrier, round, Atomics.load(barrier, round), 5)
  Atomics.notify(barrier, round)
}

const results: unknown[] = []
try {
  for (let round = 0; round < job.rounds.length; round++) {
    const step = job.rounds[round]!
    const store = await storeFor(step.op === 'migrate' ? (step.config ?? job.config) : job.config)
    arrive(round)
    if (step.op === 'migrate') results.push((await migrateToLatest(store.db)).applied)
    else if (step.op === 'decide') {
      const decision: Decision = { ...step.decision, decided_at: new Date(step.decision.decided_at) }
      results.push(await decideRequest(store.db, step.request_id, decision, new Date(step.now)))
    } else if (step.op === 'claim')
      results.push(await claimExecution(store.db, step.request_id, new Date(step.now)))
    else results.push(await expireDue(store.db, new Date(step.now), step.limit))
  }
  parentPort!.postMessage({ results })
} catch (error) {
  parentPort!.postMessage({
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  })
} finally {
  for (const store of stores.values()) await store.close()
}
