import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Tests start real servers, CLIs and databases: more files at once than cores makes timing
    // tests flaky on a 2-core CI machine instead of faster.
    maxWorkers: Math.max(2, availableParallelism()),
  },
})
