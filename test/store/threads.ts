/**
 * Starts store-worker.ts in several worker threads against one database and collects what each
 * returned, round by round. Worker threads do not inherit vitest's TypeScript loader, so each one
 * registers tsx before importing the worker. Used where one thread cannot race itself (SQLite).
 */
import { Worker } from 'node:worker_threads'
import type { StoreConfig } from '../../src/config.js'
import type { Decision } from '../../src/store/approval-transitions.js'

type Serialized<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] }

export type WorkerStep =
  | { op: 'migrate'; config?: StoreConfig }
  | { op: 'decide'; request_id: number; decision: Serialized<Decision>; now: string }
  | { op: 'claim'; request_id: number; now: string }
  | { op: 'expireDue'; now: string; limit: number }

export interface WorkerJob {
  config: StoreConfig
  rounds: WorkerStep[]
  parties: number
  barrier: SharedArrayBuffer
}

const WORKER_URL = new URL('./store-worker.ts', import.meta.url).href
const BOOT = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL)}) })`

/** Runs one worker per entry of `plans` (all with the same number of rounds); returns their results. */
export async function runWorkers(config: StoreConfig, plans: WorkerStep[][]): Promise<unknown[][]> {
  const rounds = plans[0]?.length ?? 0
  if (plans.some((p) => p.length !== rounds)) throw new Error('every worker needs the same number of rounds')
  const barrier = new SharedArrayBuffer(4 * Math.max(1, rounds))
  return Promise.all(
    plans.map(
      (plan) =>
        new Promise<unknown[]>((resolve, reject) => {
          const job: WorkerJob = { config, rounds: plan, parties: plans.length, barrier }
          const worker = new Worker(BOOT, { eval: true, workerData: job })
          worker.once('message', (message: { results?: unknown[]; error?: string }) => {
            if (message.error !== undefined) reject(new Error(`store worker failed: ${message.error}`))
            else resolve(message.results ?? [])
          })
          worker.once('error', reject)
          worker.once(
            'exit',
            (code) => code !== 0 && reject(new Error(`store worker exited with code ${code}`)),
          )
        }),
    ),
  )
}
