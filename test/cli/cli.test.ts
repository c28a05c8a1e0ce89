/**
 * The command line as an operator meets it: configuration errors stop start-up with exit code 1 and
 * one line naming the variable; bad input to `connection` commands is refused with one clear line and
 * creates nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SandboxOdoo, startSandboxOdoo } from '../../src/sandbox/index.js'
import { Cleanups, countersignEnv, runCli, tempSqlite } from '../helpers/countersign.js'

const cleanups = new Cleanups()
afterAll(() => cleanups.run())

describe('configuration errors', () => {
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }

  it('serve without ODOO_URL exits 1 with one line naming ODOO_URL', async () => {
    const result = await runCli(['serve'], {
      ...base,
      ODOO_DB: 'x',
      COUNTERSIGN_DATABASE: tempSqlite().database,
    })
    expect(result.code).toBe(1)
    const lines = result.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^countersign: ODOO_URL is not set: /)
  })

  it.each([
    ['ODOO_URL', 'not a url', /ODOO_URL="not a url" is invalid/],
    ['COUNTERSIGN_PORT', '99999', /COUNTERSIGN_PORT="99999" is invalid/],
    ['ODOO_PROTOCOL', 'xmlrpc', /ODOO_PROTOCOL="xmlrpc" is invalid: use jsonrpc/],
    ['COUNTERSIGN_DATABASE', 'mysql://x', /COUNTERSIGN_DATABASE="mysql:\/\/x" is invalid/],
    ['COUNTERSIGN_EXPIRY_INTERVAL_MINUTES', '-5', /COUNTERSIGN_EXPIRY_INTERVAL_MINUTES="-5" is invalid/],
    [
      'COUNTERSIGN_MAX_PENDING_REQUESTS',
      '0',
      /COUNTERSIGN_MAX_PENDING_REQUESTS="0" is invalid: give how many/,
    ],
    ['COUNTERSIGN_MAX_REQUESTS_PER_MINUTE', 'lots', /COUNTERSIGN_MAX_REQUESTS_PER_MINUTE="lots" is invalid/],
    [
      'COUNTERSIGN_MAX_REQUEST_ARGUMENTS_KB',
      '5000',
      /COUNTERSIGN_MAX_REQUEST_ARGUMENTS_KB="5000" is invalid: .*1-4096/,
    ],
    [
      'COUNTERSIGN_OAUTH_REGISTRATIONS_PER_HOUR',
      '0',
      /COUNTERSIGN_OAUTH_REGISTRATIONS_PER_HOUR="0" is invalid: .*1-100000/,
    ],
    [
      'COUNTERSIGN_OAUTH_DEV_HTTP_CLIENT_IDS',
      'maybe',
      /COUNTERSIGN_OAUTH_DEV_HTTP_CLIENT_IDS="maybe" is invalid: use true or false/,
    ],
  ])('serve with an invalid %s names it and the fix', async (name, value, message) => {
    const env = {
      ...base,
      ODOO_URL: 'http://127.0.0.1:1',
      ODOO_DB: 'x',
      COUNTERSIGN_DATABASE: tempSqlite().database,
      [name]: value,
    }
    const result = await runCli(['serve'], env)
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toMatch(message)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('refuses PostgreSQL without COUNTERSIGN_SECRET and never echoes a secret', async () => {
    const result = await runCli(['migrate'], {
      ...base,
      COUNTERSIGN_DATABASE: 'postgres://postgres@127.0.0.1:5432/postgres',
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/COUNTERSIGN_SECRET is not set: it is required with PostgreSQL/)
    const short = await runCli(['migrate'], {
      ...base,
      COUNTERSIGN_DATABASE: tempSqlite().database,
      COUNTERSIGN_SECRET: 'hunter2',
    })
    expect(short.code).toBe(1)
    expect(short.stderr).toContain('COUNTERSIGN_SECRET="…" is invalid')
    expect(short.stderr).not.toContain('hunter2')
  })

  it('prints help for every command', async () => {
    for (const args of [
      ['--help'],
      ['connection', 'create', '--help'],
      ['approvals', '--help'],
      ['serve', '--help'],
      ['profile', 'create', '--help'],
    ]) {
      const result = await runCli(args, base)
      expect(result.code).toBe(0)
      expect(result.stdout).toContain('Usage: countersign')
    }
    const update = await runCli(['connection', 'update', '--help'], base)
    expect(update.stdout).toContain('--approval-effects <kinds>')
    expect(update.stdout).toContain('--profile <name|id>')
    const profileUpdate = await runCli(['profile', 'update', '--help'], base)
    expect(profileUpdate.stdout).toContain('--groups <xmlids>')
    expect(profileUpdate.stdout).toContain('--no-default')
  })
})

describe('connection commands refuse bad input and create nothing', () => {
  let sandbox: SandboxOdoo
  let env: Record<string, string>

  beforeAll(async () => {
    sandbox = await startSandboxOdoo()
    cleanups.push(() => sandbox.close())
    env = countersignEnv(sandbox, tempSqlite())
  })

  async function count(): Promise<number> {
    const listed = await runCli(['connection', 'list', '--json'], env)
    return (JSON.parse(listed.stdout) as unknown[]).length
  }

  it.each([
    [['--user', 'demo', '--odoo-api-key', 'wrong-key'], /Odoo refused the login 'demo'/],
    [['--user', 'demo', '--approver', 'nobody-here'], /unknown Odoo login 'nobody-here' for the approver/],
    [['--user', 'demo', '--approval-tools', 'delete_everything'], /approval_tools\[0\]: Invalid option/],
    [
      ['--user', 'demo', '--approval-effects', 'delete,explode'],
      /approval_effects\[1\]: 'explode' is not an effect kind: use create, write, delete, archive, state, send, call$/,
    ],
    [
      ['--user', 'demo', '--approval-effects', 'delete,state,delete'],
      /approval_effects: names an effect kind more than once$/,
    ],
    [['--user', 'demo', '--expiry-hours', '-1'], /approval_expiry_hours: must be a positive number of hours/],
    [['--user', 'demo', '--expiry-hours', 'soon'], /--expiry-hours must be a number of hours, got 'soon'/],
  ])('create %j fails with one clear line', async (args, message) => {
    const key = args.includes('--odoo-api-key') ? [] : ['--odoo-api-key', sandbox.user('demo').api_key]
    const result = await runCli(['connection', 'create', '--name', 'x', ...key, ...args], env)
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toMatch(message)
    expect(await count()).toBe(0)
  })

  it('reads the Odoo key from stdin with --odoo-api-key -, keeping it out of the process list', async () => {
    const before = await count()
    const args = [
      'connection',
      'create',
      '--name',
      'piped',
      '--user',
      'demo',
      '--odoo-api-key',
      '-',
      '--json',
    ]
    const empty = await runCli(args, env, 60_000, { stdin: '' })
    expect(empty.code).toBe(1)
    expect(empty.stderr.trim()).toMatch(/stdin held no key/)
    const wrong = await runCli(args, env, 60_000, { stdin: 'not-the-key\n' })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr.trim()).toMatch(/Odoo refused the login 'demo'/)
    expect(await count()).toBe(before)
    const piped = await runCli(args, env, 60_000, { stdin: `${sandbox.user('demo').api_key}\n` })
    expect(piped.code).toBe(0)
    expect(JSON.parse(piped.stdout)).toMatchObject({ odoo_login: 'demo', name: 'piped' })
    expect(await count()).toBe(before + 1)
  })

  it('creates with decimal expiry hours, updates, rotates and revokes', async () => {
    const created = await runCli(
      [
        'connection',
        'create',
        '--name',
        'ok',
        '--user',
        'demo',
        '--odoo-api-key',
        sandbox.user('demo').api_key,
        '--expiry-hours',
        '1.5',
        '--json',
      ],
      env,
    )
    expect(created.code).toBe(0)
    const connection = JSON.parse(created.stdout)
    expect(connection.approval_expiry_hours).toBe(1.5)
    expect(connection.token).toMatch(/^csk_[A-Za-z0-9_-]{43}$/)
    const updated = await runCli(
      ['connection', 'update', String(connection.connection_id), '--approver', 'admin', '--json'],
      env,
    )
    expect(JSON.parse(updated.stdout).approver_login).toBe('admin')
    const rotated = await runCli(['connection', 'rotate', String(connection.connection_id), '--json'], env)
    expect(JSON.parse(rotated.stdout).token).not.toBe(connection.token)
    expect((await runCli(['connection', 'revoke', String(connection.connection_id)], env)).code).toBe(0)
    const again = await runCli(['connection', 'revoke', String(connection.connection_id)], env)
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('already revoked')
  })

  it('sets, shows and changes the effects that need approval; a bad kind changes nothing', async () => {
    const created = await runCli(
      [
        'connection',
        'create',
        '--name',
        'effects',
        '--user',
        'demo',
        '--odoo-api-key',
        sandbox.user('demo').api_key,
        '--write',
        '--approval-effects',
        ' state, delete ,send',
        '--json',
      ],
      env,
    )
    expect(created.code).toBe(0)
    const { connection_id, approval_effects } = JSON.parse(created.stdout)
    expect(approval_effects).toEqual(['delete', 'state', 'send']) // stored in the kinds' own order
    const id = String(connection_id)
    const shown = await runCli(['connection', 'show', id], env)
    expect(shown.stdout).toContain('approval effects: delete, state, send (whatever the tool)')
    // Made here, by the operator, with a key they hold (not one Countersign made in Odoo).
    expect(shown.stdout).toMatch(/created: {10}\S+ by the operator \(command line\)/)
    expect(shown.stdout).toContain('Odoo API key:     given when it was made')
    const listed = JSON.parse((await runCli(['connection', 'list', '--json'], env)).stdout) as Array<{
      connection_id: number
      approval_effects: string[]
    }>
    expect(listed.find((c) => c.connection_id === connection_id)?.approval_effects).toEqual([
      'delete',
      'state',
      'send',
    ])

    const refused = await runCli(
      ['connection', 'update', id, '--approval-effects', 'delete,unlink', '--json'],
      env,
    )
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim()).toMatch(/approval_effects\[1\]: 'unlink' is not an effect kind/)
    expect(
      JSON.parse((await runCli(['connection', 'show', id, '--json'], env)).stdout).approval_effects,
    ).toEqual(['delete', 'state', 'send'])

    const all = await runCli(
      ['connection', 'update', id, '--approval-effects', 'call,archive,create', '--json'],
      env,
    )
    expect(JSON.parse(all.stdout).approval_effects).toEqual(['create', 'archive', 'call'])
    const none = await runCli(['connection', 'update', id, '--approval-effects', 'none', '--json'], env)
    expect(JSON.parse(none.stdout)).toMatchObject({
      approval_effects: [],
      write_access: true,
      name: 'effects',
    })
    expect((await runCli(['connection', 'show', id], env)).stdout).toContain('approval effects: none')
    // Without the flag, create gates no effect (as --approval-tools gates no tool).
    const plain = await runCli(
      [
        'connection',
        'create',
        '--name',
        'plain',
        '--user',
        'demo',
        '--odoo-api-key',
        sandbox.user('demo').api_key,
        '--json',
      ],
      env,
    )
    expect(JSON.parse(plain.stdout).approval_effects).toEqual([])
  })
})
