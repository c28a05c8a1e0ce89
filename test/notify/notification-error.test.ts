/**
 * The reason stored on a request when its Odoo activity could not be created: one line, at most
 * NOTIFICATION_ERROR_LIMIT characters, and never a secret — everyone who may see the request reads it.
 */
import { describe, expect, it } from 'vitest'
import { NOTIFICATION_ERROR_LIMIT, notificationError } from '../../src/notify/odoo-activity.js'
import { OdooError } from '../../src/odoo/errors.js'

describe('notificationError', () => {
  it("keeps Odoo's message, on one line", () => {
    const error = new OdooError(
      'access_denied',
      "You are not allowed to access 'Model Data' (ir.model.data) records.\n\nThis operation is allowed for the following groups:\n\t- Administration/Access Rights",
    )
    expect(notificationError('could not create the Odoo activity', error, [])).toBe(
      "could not create the Odoo activity: You are not allowed to access 'Model Data' (ir.model.data) records. This operation is allowed for the following groups: - Administration/Access Rights",
    )
  })

  it('cuts a long message to the limit, visibly', () => {
    const text = notificationError('could not create the Odoo activity', new Error('x'.repeat(2000)), [])
    expect(text).toHaveLength(NOTIFICATION_ERROR_LIMIT)
    expect(text.endsWith('x…')).toBe(true)
  })

  it('leaves out the service key and a password written into a URL', () => {
    const key = 'e5f1c0ffee0123456789abcdef0123456789abcd'
    const text = notificationError(
      'could not create the Odoo activity',
      new Error(`Odoo at https://bot:hunter2@odoo.example.com did not answer JSON-RPC for key ${key}`),
      [key, ''],
    )
    expect(text).toBe(
      'could not create the Odoo activity: Odoo at https://…@odoo.example.com did not answer JSON-RPC for key …',
    )
  })

  it('words what is not an Error too', () => {
    expect(notificationError('could not find the MCP administrators to notify', 'timeout', [])).toBe(
      'could not find the MCP administrators to notify: timeout',
    )
  })
})
