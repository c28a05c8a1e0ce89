/**
 * Builds `dist/` once before the suite, because several tests spawn the real CLI (`node dist/cli.js`)
 * rather than importing it. Does not start any server: each test file starts its own.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'

export default function setup(): void {
  mkdirSync('test-output', { recursive: true })
  // For quick local runs of suites that spawn nothing; `npm test` always builds.
  if (process.env.COUNTERSIGN_SKIP_BUILD === '1') return
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  })
}
