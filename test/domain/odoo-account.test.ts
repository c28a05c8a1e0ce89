/**
 * When a console session may go on, given what Odoo says of its user now, and when Odoo must be
 * asked. The expected column is written from docs/security.md, not from the code.
 */
import { describe, expect, it } from 'vitest'
import {
  accountChange,
  confirmationDue,
  isSessionEnd,
  type OdooAccount,
  SESSION_ENDED,
  type SessionAccount,
} from '../../src/domain/odoo-account.js'

const session: SessionAccount = { login: 'rita', is_admin: false, write_date: '2026-12-01 09:00:00' }
const same: OdooAccount = {
  uid: 9,
  login: 'rita',
  active: true,
  write_date: '2026-12-01 09:00:00',
  is_admin: false,
}

describe('accountChange', () => {
  it.each<[string, OdooAccount | null, ReturnType<typeof accountChange>]>([
    ['nothing changed', same, null],
    ['deleted in Odoo', null, 'gone'],
    ['archived', { ...same, active: false }, 'gone'],
    ['archived and written', { ...same, active: false, write_date: '2026-12-01 10:00:00' }, 'gone'],
    ['a new password (the record was written)', { ...same, write_date: '2026-12-01 10:00:00' }, 'changed'],
    ['another login', { ...same, login: 'rita2' }, 'changed'],
    ['made an administrator from the group side', { ...same, is_admin: true }, 'rights_changed'],
  ])('%s', (_what, account, expected) => {
    expect(accountChange(session, account)).toBe(expected)
  })

  it('an administrator who lost the group', () => {
    expect(accountChange({ ...session, is_admin: true }, same)).toBe('rights_changed')
  })
})

describe('confirmationDue', () => {
  const minute = 60_000
  it.each<[string, number, boolean, boolean]>([
    ['a page right after the login', 0, false, false],
    ['a page just before the interval', 5 * minute - 1, false, false],
    ['a page at the interval', 5 * minute, false, true],
    ['a decision right after the login', 0, true, true],
    ['a decision later', 3 * minute, true, true],
  ])('%s', (_what, elapsed, changing, expected) => {
    expect(confirmationDue(1_000_000, 1_000_000 + elapsed, 5 * minute, changing)).toBe(expected)
  })
})

describe('SESSION_ENDED', () => {
  it('has a message for every reason and nothing else passes for one', () => {
    for (const reason of ['gone', 'changed', 'rights_changed', 'unconfirmed'])
      expect(isSessionEnd(reason) && SESSION_ENDED[reason].startsWith('Your console session ended')).toBe(
        true,
      )
    for (const other of ['toString', '__proto__', 'constructor', '', 'GONE', 42, null])
      expect(isSessionEnd(other)).toBe(false)
  })
})
