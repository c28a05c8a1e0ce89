/**
 * Policy profiles from the command line to /mcp (issue 13): the operator creates profiles and puts a
 * connection on one; the connection's AI client (the official MCP client, already connected) gets
 * the profile's policy from its next request, and tightening the profile gates or hides tools at
 * once. Bad input is refused with one line and changes nothing; a profile in use is not deleted.
 */
import type { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cleanups, runCli } from '../helpers/countersign.js'
import { callTool, type Deployment, startDeployment } from '../helpers/deployment.js'

describe('policy profiles, from the command line to /mcp', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let ai: Client
  let connection_id: number

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    const made = await d.connection('demo', [])
    connection_id = made.connection_id
    ai = await d.mcp(made.token)
  })
  afterAll(() => cleanups.run())

  const cli = (...args: string[]) => runCli(args, d.env)
  const ok = async (...args: string[]) => {
    const result = await cli(...args)
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' })
    return result.stdout
  }
  const refused = async (args: string[], message: RegExp) => {
    const result = await cli(...args)
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(message)
  }
  const tools = async () => (await ai.listTools()).tools.map((t) => t.name)

  it('creates a profile with its groups, policy and approver, and lists it', async () => {
    const created = JSON.parse(
      await ok(
        'profile',
        'create',
        '--name',
        'Sales',
        '--description',
        'Salespeople',
        '--groups',
        'sales_team.group_sale_salesman',
        '--write',
        '--approval-tools',
        'delete_record',
        '--approval-effects',
        'delete,send',
        '--approver',
        'admin',
        '--expiry-hours',
        '2',
        '--json',
      ),
    )
    expect(created).toMatchObject({
      name: 'Sales',
      description: 'Salespeople',
      odoo_groups: ['sales_team.group_sale_salesman'],
      is_default: false,
      connections: 0,
      policy: {
        write_access: true,
        allowed_tools: [],
        approval_tools: ['delete_record'],
        approval_effects: ['delete', 'send'],
        approver: { login: 'admin', name: 'Mitchell Admin' },
        approval_expiry_hours: 2,
      },
    })
    expect(await ok('profile', 'list')).toMatch(
      /write\s+0 conn\.\s+Sales\s+\(sales_team\.group_sale_salesman\)/,
    )
    expect(await ok('profile', 'show', 'Sales')).toContain('approver:         admin (Mitchell Admin)')
  })

  it('refuses bad input with one line and creates nothing', async () => {
    await refused(
      ['profile', 'create', '--name', 'Bad', '--groups', 'salesman'],
      /odoo_groups\[0\]: an Odoo group is named by its xml id/,
    )
    await refused(['profile', 'create', '--name', 'Sales'], /a profile named 'Sales' exists already/)
    await refused(
      ['profile', 'create', '--name', 'Bad', '--approver', 'nobody-here'],
      /unknown Odoo login 'nobody-here'/,
    )
    const withoutService = { ...d.env, COUNTERSIGN_ODOO_SERVICE_LOGIN: '', COUNTERSIGN_ODOO_SERVICE_KEY: '' }
    const noService = await runCli(
      ['profile', 'create', '--name', 'Bad', '--approver', 'admin'],
      withoutService,
    )
    expect(noService.code).toBe(1)
    expect(noService.stderr).toMatch(/naming an approver on a profile needs the service user/)
    await refused(
      ['connection', 'update', String(connection_id), '--profile', 'Nope'],
      /no profile named or numbered 'Nope'/,
    )
    await refused(
      ['connection', 'update', String(connection_id), '--profile', 'Sales', '--write'],
      /--profile sets the whole policy/,
    )
    const names = (JSON.parse(await ok('profile', 'list', '--json')) as Array<{ name: string }>).map(
      (p) => p.name,
    )
    expect(names).toEqual(['Sales'])
  })

  it('puts a connection on a profile: its connected AI gets the profile’s policy at its next request', async () => {
    expect(await tools()).not.toContain('create_record')
    const shown = await ok('connection', 'update', String(connection_id), '--profile', 'Sales')
    expect(shown).toContain('policy from:      profile Sales')
    expect(shown).toContain('write access:     on')
    expect(await tools()).toContain('create_record')
    expect(await ok('profile', 'show', 'Sales')).toContain('connections:      1')
  })

  it('tightening the profile gates, then hides, a tool of a connection already on it', async () => {
    const created = await callTool(ai, 'create_record', {
      model: 'res.partner',
      values: { name: 'CS profile 1' },
    })
    expect(created.status).not.toBe('pending_approval')
    await ok('profile', 'update', 'Sales', '--approval-tools', 'delete_record,create_record')
    const gated = await callTool(ai, 'create_record', {
      model: 'res.partner',
      values: { name: 'CS profile 2' },
    })
    expect(gated.status).toBe('pending_approval')
    const partners = await d.odooAdmin.call<number>('res.partner', 'search_count', {
      args: [[['name', '=', 'CS profile 2']]],
    })
    expect(partners).toBe(0)
    await ok('profile', 'update', 'Sales', '--no-write')
    expect(await tools()).not.toContain('create_record')
    expect(await tools()).toContain('search_read')
  })

  it('refuses to delete a profile in use; the connection leaves it keeping its policy, then it goes', async () => {
    await refused(['profile', 'delete', 'Sales'], /profile Sales is used by 1 connection\(s\)/)
    const left = await ok('connection', 'update', String(connection_id), '--no-profile')
    expect(left).toContain('policy from:      its own policy')
    expect(left).toContain('write access:     off')
    expect(left).toContain('need approval:    delete_record, create_record')
    expect(await ok('profile', 'delete', 'Sales')).toContain('profile Sales deleted')
    expect(await ok('profile', 'list')).toContain('no profiles')
    expect(await tools()).not.toContain('create_record')
  })
})
