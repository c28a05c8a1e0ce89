/**
 * Timing for the benchmark: runs an async operation many times at a given concurrency after a
 * warm-up, and reduces the latencies to median / p99 / throughput. Interleaves the variants of a
 * comparison in rounds, so a burst of load from elsewhere on the machine hits both sides alike.
 * Does not print anything (table.ts does) and knows nothing of Countersign.
 */
import { performance } from 'node:perf_hooks'

export interface Summary {
  samples: number
  median_ms: number
  p99_ms: number
  mean_ms: number
  min_ms: number
  max_ms: number
  /** Completed operations per second of wall time (all workers together). */
  per_second: number
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number
}

export function summarize(latencies: readonly number[], wall_ms: number): Summary {
  const sorted = [...latencies].sort((a, b) => a - b)
  const total = sorted.reduce((a, b) => a + b, 0)
  return {
    samples: sorted.length,
    median_ms: percentile(sorted, 50),
    p99_ms: percentile(sorted, 99),
    mean_ms: sorted.length > 0 ? total / sorted.length : Number.NaN,
    min_ms: sorted[0] ?? Number.NaN,
    max_ms: sorted[sorted.length - 1] ?? Number.NaN,
    per_second: wall_ms > 0 ? (sorted.length * 1000) / wall_ms : Number.NaN,
  }
}

/** Runs `op` `count` times with `concurrency` workers; returns each call's latency and the wall time. */
export async function runTimed(
  op: (i: number) => Promise<unknown>,
  count: number,
  concurrency: number,
): Promise<{ latencies: number[]; wall_ms: number }> {
  const latencies: number[] = []
  let next = 0
  const started = performance.now()
  const worker = async () => {
    for (;;) {
      const i = next++
      if (i >= count) return
      const t0 = performance.now()
      await op(i)
      latencies.push(performance.now() - t0)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  return { latencies, wall_ms: performance.now() - started }
}

export interface MeasureOptions {
  warmup: number
  count: number
  concurrency: number
}

export async function measure(
  op: (i: number) => Promise<unknown>,
  options: MeasureOptions,
): Promise<Summary> {
  await runTimed(op, options.warmup, options.concurrency)
  const { latencies, wall_ms } = await runTimed(op, options.count, options.concurrency)
  return summarize(latencies, wall_ms)
}

/**
 * Measures several variants of the same operation in alternating rounds (A B C A B C …) after a
 * warm-up of each, and summarizes each variant over all its rounds.
 */
export async function compare<K extends string>(
  variants: Record<K, (i: number) => Promise<unknown>>,
  options: MeasureOptions & { rounds: number },
): Promise<Record<K, Summary>> {
  const names = Object.keys(variants) as K[]
  const collected = new Map<K, { latencies: number[]; wall_ms: number }>()
  for (const name of names) {
    await runTimed(variants[name], options.warmup, options.concurrency)
    collected.set(name, { latencies: [], wall_ms: 0 })
  }
  const perRound = Math.max(1, Math.ceil(options.count / options.rounds))
  for (let round = 0; round < options.rounds; round++) {
    for (const name of names) {
      const { latencies, wall_ms } = await runTimed(variants[name], perRound, options.concurrency)
      const into = collected.get(name) as { latencies: number[]; wall_ms: number }
      into.latencies.push(...latencies)
      into.wall_ms += wall_ms
    }
  }
  const out = {} as Record<K, Summary>
  for (const name of names) {
    const { latencies, wall_ms } = collected.get(name) as { latencies: number[]; wall_ms: number }
    out[name] = summarize(latencies, wall_ms)
  }
  return out
}

/** Runs `op` once per sample with `setup` before each (untimed); for slow, stateful operations. */
export async function repeat(
  setup: () => Promise<unknown>,
  op: () => Promise<unknown>,
  samples: number,
): Promise<Summary> {
  const latencies: number[] = []
  let wall = 0
  for (let i = 0; i < samples; i++) {
    await setup()
    const t0 = performance.now()
    await op()
    const took = performance.now() - t0
    latencies.push(took)
    wall += took
  }
  return summarize(latencies, wall)
}
