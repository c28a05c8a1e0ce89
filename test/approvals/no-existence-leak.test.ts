/**
 * Issue 4 acceptance: only the requester (through any of their connections), the approver and MCP
 * administrators may see a request; anyone else gets exactly the answer an unknown id gets, so an id
 * reveals nothing — through MCP (check_approval_status on the outsider's own connection) and through
 * the JSON API (404 with the same body, for reading and for deciding). The outsider is `restricted`,
 * an internal user who is neither requester, approver nor administrator.
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups } from '../helpers/countersign.js'
import { callTool, type Deployment, startDeployment } from '../helpers/deployment.js'
import { file, writesOf } from './helpers.js'

const UNKNOWN_ID = 987_654

describe('no existence leak', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let demoAi: Client
  let demoOtherAi: Client
  let adminAi: Client
  let outsiderAi: Client
  let request_id: number

  /** The whole MCP answer, with the asked id replaced, so two answers can be compared as they are. */
  async function statusAnswer(ai: Client, id: number): Promise<unknown> {
    const result = await ai.callTool({ name: 'check_approval_status', arguments: { request_id: id } })
    return JSON.parse(JSON.stringify(result).replaceAll(String(id), '<id>'))
  }

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    const policy = ['--write', '--approval-tools', 'update_record', '--approver', 'admin']
    demoAi = await d.mcp((await d.connection('demo', policy)).token)
    demoOtherAi = await d.mcp((await d.connection('demo', [])).token)
    adminAi = await d.mcp((await d.connection('admin', [])).token)
    outsiderAi = await d.mcp((await d.connection('restricted', [])).token)
    request_id = await file(demoAi, 'update_record', {
      model: 'res.partner',
      ids: [10],
      values: { phone: '+1 555 0111' },
    })
    d.sandbox.resetWrites()
  })
  afterAll(() => cleanups.run())

  it('1. the requester (also through another connection) and the approver see the request', async () => {
    for (const ai of [demoAi, demoOtherAi, adminAi]) {
      const status = await callTool(ai, 'check_approval_status', { request_id })
      expect(status).toMatchObject({ request_id, status: 'pending', requester: { login: 'demo' } })
    }
  })

  it('2. an outsider’s check_approval_status on the existing id answers exactly like an unknown id', async () => {
    const existing = await statusAnswer(outsiderAi, request_id)
    const unknown = await statusAnswer(outsiderAi, UNKNOWN_ID)
    expect(existing).toEqual(unknown)
    expect(existing).toEqual({
      content: [{ type: 'text', text: 'Approval request <id> not found.' }],
      isError: true,
    })
    // … and the outsider's own list does not mention it.
    const listed = await callTool(outsiderAi, 'list_my_approval_requests', {})
    expect(listed).toEqual({ requests: [], total: 0, total_exact: true })
  })

  it('3. the JSON API: the outsider’s GET is 404 with the same body as for an unknown id', async () => {
    const existing = await d.api('restricted', 'restricted', 'GET', `/approvals/${request_id}`)
    const unknown = await d.api('restricted', 'restricted', 'GET', `/approvals/${UNKNOWN_ID}`)
    expect(existing.status).toBe(404)
    expect(unknown.status).toBe(404)
    expect(existing.body).toEqual(unknown.body)
    expect(existing.body.code).toBe('CS_NOT_FOUND')
    const list = await d.api('restricted', 'restricted', 'GET', '/approvals?status=all')
    expect(list.body).toMatchObject({ items: [], total: 0 })
  })

  it('4. the JSON API: the outsider’s approve and reject are 404 like an unknown id, and change nothing', async () => {
    for (const verdict of ['approve', 'reject']) {
      const existing = await d.api(
        'restricted',
        'restricted',
        'POST',
        `/approvals/${request_id}/${verdict}`,
        {},
      )
      const unknown = await d.api(
        'restricted',
        'restricted',
        'POST',
        `/approvals/${UNKNOWN_ID}/${verdict}`,
        {},
      )
      expect(existing.status).toBe(404)
      expect(unknown.status).toBe(404)
      expect(existing.body).toEqual(unknown.body)
    }
    const status = await callTool(demoAi, 'check_approval_status', { request_id })
    expect(status).toMatchObject({ status: 'pending', decided_by: null })
    expect(writesOf(d, 'res.partner.write')).toEqual({ received: 0, applied: 0 })
    expect(writesOf(d, 'mail.activity.action_feedback')).toEqual({ received: 0, applied: 0 })
  })
})
