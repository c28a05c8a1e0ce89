/**
 * The Countersign under test: compiled once per run with the production build settings into
 * `.bench-build/` (git-ignored, next to `src/` so the console finds its static files), then started
 * as `node .bench-build/cli.js serve` in its own process, the way `npm start` runs it. Its own
 * process so that its CPU time and memory (RSS, read from /proc) are its own, not the load
 * generator's. Does not create connections or seed data (run.ts does).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export const BUILD_DIR = join(process.cwd(), '.bench-build')

export function buildCountersign(): void {
  execFileSync(
    process.execPath,
    [
      'node_modules/typescript/bin/tsc',
      '-p',
      'tsconfig.build.json',
      '--outDir',
      BUILD_DIR,
      '--sourceMap',
      'false',
    ],
    { stdio: 'inherit' },
  )
}

export interface ServerProcess {
  url: string
  pid: number
  /** Resident set size now, and its peak since start (VmHWM), in MiB. */
  memory(): { rss_mib: number; peak_mib: number }
  /** CPU time (user + system) the process has used so far, in ms (10 ms resolution on Linux). */
  cpu_ms(): number
  /** Everything the process logged so far (its JSON log lines), for error messages. */
  logs(): string
  stop(): Promise<void>
}

/** Servers still running; killed if the bench itself ends early (an error, Ctrl+C). */
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    for (const child of running) child.kill('SIGKILL')
    process.exit(130)
  })

export function startServer(env: Record<string, string>, options: { node_args?: string[] } = {}) {
  return new Promise<ServerProcess>((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      [...(options.node_args ?? []), join(BUILD_DIR, 'cli.js'), 'serve'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          COUNTERSIGN_HOST: '127.0.0.1',
          COUNTERSIGN_PORT: '0',
          COUNTERSIGN_LOG_LEVEL: 'info',
          // The bench runs the sweep itself, on purpose and timed.
          COUNTERSIGN_EXPIRY_INTERVAL_MINUTES: '10080',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let logs = ''
    let started = false
    const keep = (chunk: Buffer) => {
      logs += chunk.toString('utf8')
      // Only the recent past matters for an error message; never let the buffer grow without bound.
      if (logs.length > 200_000) logs = logs.slice(-100_000)
    }
    const exited = new Promise<void>((r) => child.once('exit', () => r()))
    const timer = setTimeout(() => reject(new Error(`serve did not start in 60 s:\n${logs}`)), 60_000)
    child.stdout?.on('data', keep)
    child.stderr?.on('data', (chunk: Buffer) => {
      keep(chunk)
      if (started) return
      const line = logs.split('\n').find((l) => l.includes('countersign is serving'))
      if (!line) return
      started = true
      clearTimeout(timer)
      const pid = child.pid as number
      resolve({
        url: JSON.parse(line).url as string,
        pid,
        memory: () => memoryOf(pid),
        cpu_ms: () => cpuOf(pid),
        logs: () => logs,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
          await exited
        },
      })
    })
    child.once('exit', (code) => {
      if (!started) {
        clearTimeout(timer)
        reject(new Error(`serve exited with ${code}:\n${logs}`))
      }
    })
  })
}

function memoryOf(pid: number): { rss_mib: number; peak_mib: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN)
  return { rss_mib: kib('VmRSS') / 1024, peak_mib: kib('VmHWM') / 1024 }
}

function cpuOf(pid: number): number {
  // /proc/<pid>/stat: the command name may hold spaces, so count the fields after its ')'.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // utime and stime are fields 14 and 15 of the whole line, in clock ticks (USER_HZ = 100 on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10
}
