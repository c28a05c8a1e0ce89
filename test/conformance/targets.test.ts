/**
 * The conformance suite's own guard: in CI it must have run against real Odoo 17 and 19, not the
 * sandbox alone (a missing real Odoo is a failure, never a skip).
 */
import { expect, it } from 'vitest'
import { conformanceTargets, missingRealOdoo } from './targets.js'

it('runs against the sandbox over both protocols, and in CI against real Odoo 17 and 19', () => {
  const targets = conformanceTargets()
  expect(targets.slice(0, 2).map((t) => t.name)).toEqual(['sandbox JSON-RPC', 'sandbox JSON-2'])
  expect(missingRealOdoo(targets)).toBeNull()
})

it('counts a CI run without real Odoo as a failure', () => {
  const saved = process.env.CI
  process.env.CI = 'true'
  try {
    expect(missingRealOdoo(conformanceTargets().filter((t) => !t.real))).toMatch(/real Odoo 17 and 19/)
  } finally {
    if (saved === undefined) delete process.env.CI
    else process.env.CI = saved
  }
})
