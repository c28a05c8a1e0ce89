/**
 * Conformance: when Odoo refuses the approver's activity (seed step 1), Countersign says so where an
 * administrator looks, with Odoo's own words. The service user here is `restricted`, an internal user
 * without the rights an activity needs, so every Odoo refuses for real.
 */
import type { Client } from '@modelcontextprotocol/client'
import { beforeAll, expect, it } from 'vitest'
import { ConsoleAgent } from '../console/helpers.js'
import { callTool } from '../helpers/deployment.js'
import { customer } from './fixtures.js'
import { describeEachOdoo } from './targets.js'

describeEachOdoo(
  'notifications',
  (deployment) => {
    let ai: Client

    beforeAll(async () => {
      ai = await deployment().gatedDemo('update_record')
    })

    it('a refused activity is filed anyway and shown on the request page, in the API and in /readyz', async () => {
      const d = deployment()
      const partner = await customer(d)
      const pending = await callTool(ai, 'update_record', {
        model: 'res.partner',
        ids: [partner.id],
        values: { phone: '+1 555 0199' },
      })
      expect(pending.status).toBe('pending_approval')
      const api = await d.api('admin', d.secret('admin'), 'GET', `/approvals/${pending.request_id}`)
      expect(api.body.status).toBe('pending')
      // Odoo's own refusal, whatever the version: the service user may not read what it needs.
      expect(api.body.notification_error).toMatch(
        /^could not create the Odoo activity: You are not allowed to /,
      )
      const page = new ConsoleAgent(d.server.url)
      await page.login('admin', d.secret('admin'))
      const text = (await page.get(`/approvals/${pending.request_id}`)).text.replace(/\s+/g, ' ')
      expect(text).toContain('The approver was not notified in Odoo: could not create the Odoo activity')
      const ready = await fetch(new URL('/readyz', d.server.url))
      expect(ready.status).toBe(200)
      expect(((await ready.json()) as any).warnings?.notifications).toMatch(/^failing since /)
    })
  },
  {
    env: (users) => ({
      COUNTERSIGN_ODOO_SERVICE_LOGIN: 'restricted',
      COUNTERSIGN_ODOO_SERVICE_KEY: users.restricted.api_key,
    }),
  },
)
