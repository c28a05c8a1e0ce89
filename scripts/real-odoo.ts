// Brings up a real Odoo (17.0 or 19.0, Community) for the conformance suite and the benchmark, and
// stops it again. Run from a clone after `npm ci`:
//
//   npx tsx scripts/real-odoo.ts up 17 [--source PATH] [--port N] [--db NAME] [--dir DIR] [--fresh]
//   npx tsx scripts/real-odoo.ts stop 17 [--dir DIR]
//   npx tsx scripts/real-odoo.ts status 17 [--dir DIR]
//
// `up` installs the Debian packages Odoo needs when they are missing, makes a PostgreSQL role for Odoo,
// unpacks the source (a .tar.xz archive, or uses a folder as it is), initialises the database with
// `sale_management, account, contacts, mass_mailing` and demo data (skipped when already done), starts
// the server in the background, waits until it answers, creates the users and groups the tests use,
// makes fresh API keys for them, and writes DIR/target.json — what the tests read (see
// test/conformance/targets.ts and docs/testing-real-odoo.md). Nothing of Odoo is copied into the repo.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { connect } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'

const DEBIAN_PACKAGES = [
  'python3-babel',
  'python3-jinja2',
  'python3-markupsafe',
  'python3-pil',
  'python3-pypdf2',
  'python3-werkzeug',
  'python3-xlsxwriter',
  'python3-chardet',
  'python3-cryptography',
  'python3-decorator',
  'python3-docutils',
  'python3-freezegun',
  'python3-geoip2',
  'python3-gevent',
  'python3-greenlet',
  'python3-idna',
  'python3-libsass',
  'python3-lxml',
  'python3-num2words',
  'python3-ofxparse',
  'python3-passlib',
  'python3-polib',
  'python3-psutil',
  'python3-psycopg2',
  'python3-openssl',
  'python3-serial',
  'python3-dateutil',
  'python3-ldap',
  'python3-stdnum',
  'python3-tz',
  'python3-usb',
  'python3-qrcode',
  'python3-reportlab',
  'python3-renderpm',
  'python3-requests',
  'python3-rjsmin',
  'python3-urllib3',
  'python3-vobject',
  'python3-xlrd',
  'python3-xlwt',
  'python3-zeep',
  'python3-asn1crypto',
  'python3-cbor2',
  'python3-magic',
  'python3-openpyxl',
  'fonts-dejavu-core',
  'postgresql-client',
]

const MODULES = 'sale_management,account,contacts,mass_mailing'
/** The clone's root: defaults are relative to it, not to where the script is run from. */
const REPO = fileURLToPath(new URL('..', import.meta.url))
// Debian's own Python: the pyenv python3 first on PATH has none of the Debian packages.
const PYTHON = '/usr/bin/python3'

/** What `up` writes to DIR/target.json; test/conformance/targets.ts reads it. */
export interface RealOdooTarget {
  name: string
  major: number
  url: string
  db: string
  /** Protocols this Odoo answers; 17 only JSON-RPC, 19 both. */
  protocols: Array<'jsonrpc' | 'json2'>
  users: Record<
    'admin' | 'demo' | 'restricted',
    { login: string; password: string; api_key: string; uid: number }
  >
  pid: number
  log: string
}

interface Options {
  version: 17 | 19
  source: string
  port: number
  db: string
  dir: string
  fresh: boolean
}

function parseArgs(argv: string[]): { command: string; options: Options } {
  const [command, ...afterCommand] = argv
  // `deps` prepares the machine only (packages, PostgreSQL role): run it once before bringing up
  // both versions at the same time, since two apt-get runs cannot share dpkg's lock.
  const [versionText, ...rest] = command === 'deps' ? ['17', ...afterCommand] : afterCommand
  if (
    !command ||
    !['up', 'stop', 'status', 'deps'].includes(command) ||
    (versionText !== '17' && versionText !== '19')
  ) {
    console.error(
      'usage: real-odoo.ts up|stop|status 17|19 [--source PATH] [--port N] [--db NAME] [--dir DIR] [--fresh]\n' +
        '       real-odoo.ts deps',
    )
    process.exit(2)
  }
  const version = Number(versionText) as 17 | 19
  const flags = new Map<string, string | true>()
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i] as string
    if (!flag.startsWith('--')) fail(`unexpected argument ${flag}`)
    if (flag === '--fresh') flags.set(flag, true)
    else {
      const value = rest[++i]
      if (value === undefined) fail(`${flag} needs a value`)
      flags.set(flag, value as string)
    }
  }
  const known = new Set(['--source', '--port', '--db', '--dir', '--fresh'])
  for (const flag of flags.keys()) if (!known.has(flag)) fail(`unknown option ${flag}`)
  const text = (name: string, fallback: string) => {
    const value = flags.get(name)
    return typeof value === 'string' ? value : fallback
  }
  const port = Number(text('--port', version === 17 ? '18069' : '18070'))
  if (!Number.isInteger(port) || port <= 0 || port > 65535) fail('--port must be a TCP port')
  const db = text('--db', `countersign_odoo${version}`)
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(db)) fail('--db must be a lowercase PostgreSQL identifier')
  return {
    command,
    options: {
      version,
      source: resolve(text('--source', join(REPO, '..', 'shared', 'odoo', `odoo-${version}.0.tar.xz`))),
      port,
      db,
      dir: resolve(text('--dir', join(REPO, '.real-odoo', String(version)))),
      fresh: flags.get('--fresh') === true,
    },
  }
}

function fail(message: string): never {
  console.error(`real-odoo: ${message}`)
  process.exit(1)
}

function say(options: Options, message: string): void {
  console.log(`real-odoo ${options.version}: ${message}`)
}

// ---------------------------------------------------------------------------------------------
// Machine: Debian packages and the PostgreSQL role

function ensureDebianPackages(options: Options): void {
  // dpkg-query's own format placeholders, not a template string.
  const format = ['$', '{Package} $', '{Status}\n'].join('')
  const query = spawnSync('dpkg-query', ['-W', '-f', format, ...DEBIAN_PACKAGES], {
    encoding: 'utf8',
  })
  const installed = new Set(
    query.stdout
      .split('\n')
      .filter((line) => line.endsWith('install ok installed'))
      .map((line) => line.split(' ')[0]),
  )
  const missing = DEBIAN_PACKAGES.filter((p) => !installed.has(p))
  if (missing.length === 0) return
  say(options, `installing ${missing.length} Debian package(s) Odoo needs`)
  const sudo = process.getuid?.() === 0 ? [] : ['sudo']
  const run = (args: string[]) => {
    const [cmd, ...cmdArgs] = [...sudo, ...args] as [string, ...string[]]
    const result = spawnSync(cmd, cmdArgs, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    })
    if (result.status !== 0) fail(`${args.join(' ')} failed (exit ${result.status})`)
  }
  run(['apt-get', 'update', '-qq'])
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing])
}

/**
 * Odoo refuses to run as the `postgres` role: it gets a superuser role of its own, whose password
 * is generated once and kept (0600) beside the servers' folders, so both versions share it.
 */
async function ensurePostgresRole(options: Options): Promise<string> {
  const file = join(dirname(options.dir), 'pg-role-password')
  mkdirSync(dirname(file), { recursive: true })
  if (!existsSync(file))
    writeFileSync(file, randomBytes(18).toString('base64url'), { mode: 0o600, flag: 'wx' })
  const password = readFileSync(file, 'utf8').trim()
  const client = new pg.Client({ connectionString: postgresAdminUrl() })
  await client.connect()
  try {
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', ['odoo'])
    if (!exists.rowCount) {
      await client.query(`CREATE ROLE odoo LOGIN SUPERUSER PASSWORD '${password}'`).catch((error) => {
        // Another bring-up created it in the meantime.
        if ((error as { code?: string }).code !== '42710') throw error
      })
    }
    // `up 17` and `up 19` run at once (.ci/run): PostgreSQL refuses the second of two simultaneous
    // changes to the same role ("tuple concurrently updated", XX000). Both set the same password, so
    // trying again is safe.
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`ALTER ROLE odoo LOGIN SUPERUSER PASSWORD '${password}'`)
        break
      } catch (error) {
        if ((error as { code?: string }).code !== 'XX000' || attempt === 5) throw error
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt))
      }
    }
  } finally {
    await client.end()
  }
  return password
}

function postgresAdminUrl(): string {
  return process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'
}

async function databaseState(db: string): Promise<'missing' | 'partial' | 'ready'> {
  const client = new pg.Client({ connectionString: postgresAdminUrl() })
  await client.connect()
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [db])
    if (!exists.rowCount) return 'missing'
  } finally {
    await client.end()
  }
  const inDb = new pg.Client({ connectionString: postgresAdminUrl().replace(/\/[^/]*$/, `/${db}`) })
  await inDb.connect()
  try {
    const modules = await inDb.query(
      "SELECT count(*)::int AS n FROM ir_module_module WHERE name = ANY($1) AND state = 'installed'",
      [MODULES.split(',')],
    )
    return modules.rows[0]?.n === MODULES.split(',').length ? 'ready' : 'partial'
  } catch {
    return 'partial'
  } finally {
    await inDb.end()
  }
}

async function dropDatabase(db: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresAdminUrl() })
  await client.connect()
  try {
    await client.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`)
  } finally {
    await client.end()
  }
}

// ---------------------------------------------------------------------------------------------
// Source and configuration

/** The Odoo tree: the archive unpacked into DIR/src once, or the folder given. */
function sourceTree(options: Options): string {
  if (!existsSync(options.source)) fail(`no Odoo source at ${options.source}`)
  let root = options.source
  if (statSync(options.source).isFile()) {
    const target = join(options.dir, 'src')
    const stamp = join(target, '.unpacked-from')
    const id = `${options.source} ${statSync(options.source).size} ${statSync(options.source).mtimeMs}`
    if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== id) {
      say(options, `unpacking ${options.source}`)
      rmSync(target, { recursive: true, force: true })
      mkdirSync(target, { recursive: true })
      execFileSync('tar', ['-xJf', options.source, '-C', target])
      writeFileSync(stamp, id)
    }
    root = target
  }
  // An archive holds one top folder (odoo17/, odoo19/); a checkout has odoo-bin at its root.
  const candidates = [root, ...safeList(root).map((name) => join(root, name))]
  const found = candidates.find((dir) => existsSync(join(dir, 'odoo-bin')))
  if (!found) fail(`no odoo-bin in ${root} or its first-level folders`)
  return found
}

function safeList(dir: string): string[] {
  try {
    return execFileSync('ls', ['-1', dir], { encoding: 'utf8' }).split('\n').filter(Boolean)
  } catch {
    return []
  }
}

function writeConfig(options: Options, tree: string, dbPassword: string): string {
  const addons = [join(tree, 'addons'), join(tree, 'odoo', 'addons')].filter((dir) => existsSync(dir))
  const conf = join(options.dir, 'odoo.conf')
  const lines = [
    '[options]',
    `addons_path = ${addons.join(',')}`,
    `data_dir = ${join(options.dir, 'data')}`,
    'db_host = 127.0.0.1',
    'db_port = 5432',
    'db_user = odoo',
    `db_password = ${dbPassword}`,
    `dbfilter = ^${options.db}$`,
    'http_interface = 127.0.0.1',
    `http_port = ${options.port}`,
    'workers = 0',
    'max_cron_threads = 0',
    'smtp_server = 127.0.0.1',
    'smtp_port = 25',
    `logfile = ${join(options.dir, 'odoo.log')}`,
    'log_level = warn',
    '',
  ]
  writeFileSync(conf, lines.join('\n'), { mode: 0o600 })
  return conf
}

/** Outbound calls (IAP, gravatar, publisher warranty) fail at once instead of hanging. */
function odooEnv(): NodeJS.ProcessEnv {
  const noProxy = 'http://127.0.0.1:9'
  return {
    ...process.env,
    PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}`,
    HTTP_PROXY: noProxy,
    HTTPS_PROXY: noProxy,
    http_proxy: noProxy,
    https_proxy: noProxy,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  }
}

function initialise(options: Options, tree: string, conf: string): void {
  say(options, `initialising database ${options.db} with ${MODULES} and demo data (about a minute)`)
  const started = Date.now()
  // Odoo 17 loads demo data unless told not to; 19 only with --with-demo. Never pass
  // --without-demo=False: the string counts as true and turns demo data off.
  const demo = options.version >= 19 ? ['--with-demo'] : []
  const result = spawnSync(
    PYTHON,
    [join(tree, 'odoo-bin'), '-c', conf, '-d', options.db, '-i', MODULES, ...demo, '--stop-after-init'],
    { cwd: tree, env: odooEnv(), stdio: ['ignore', 'inherit', 'inherit'] },
  )
  if (result.status !== 0)
    fail(`Odoo init failed (exit ${result.status}); see ${join(options.dir, 'odoo.log')}`)
  say(options, `initialised in ${Math.round((Date.now() - started) / 1000)} s`)
}

// ---------------------------------------------------------------------------------------------
// The server process

function pidFile(options: Options): string {
  return join(options.dir, 'odoo.pid')
}

function runningPid(options: Options): number | null {
  if (!existsSync(pidFile(options))) return null
  const pid = Number(readFileSync(pidFile(options), 'utf8'))
  if (!Number.isInteger(pid) || pid <= 0) return null
  try {
    process.kill(pid, 0)
    return pid
  } catch {
    return null
  }
}

function startServer(options: Options, tree: string, conf: string): number {
  const out = openSync(join(options.dir, 'odoo.stdout.log'), 'a')
  const child: ChildProcess = spawn(PYTHON, [join(tree, 'odoo-bin'), '-c', conf, '-d', options.db], {
    cwd: tree,
    env: odooEnv(),
    detached: true,
    stdio: ['ignore', out, out],
  })
  closeSync(out)
  child.unref()
  if (!child.pid) fail('could not start Odoo')
  writeFileSync(pidFile(options), String(child.pid))
  return child.pid
}

async function waitUntilAnswering(options: Options, pid: number): Promise<void> {
  const until = Date.now() + 120_000
  for (;;) {
    try {
      await rpc(urlOf(options), 'common', 'version', [])
      return
    } catch {
      try {
        process.kill(pid, 0)
      } catch {
        fail(`Odoo exited during start-up; see ${join(options.dir, 'odoo.log')}`)
      }
      if (Date.now() > until) fail(`Odoo did not answer on port ${options.port} within 120 s`)
      await new Promise((r) => setTimeout(r, 300))
    }
  }
}

async function stop(options: Options): Promise<void> {
  const pid = runningPid(options)
  if (pid === null) {
    say(options, 'not running')
    return
  }
  process.kill(pid, 'SIGTERM')
  const until = Date.now() + 15_000
  while (Date.now() < until) {
    try {
      process.kill(pid, 0)
    } catch {
      rmSync(pidFile(options), { force: true })
      say(options, `stopped (pid ${pid})`)
      return
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  process.kill(pid, 'SIGKILL')
  rmSync(pidFile(options), { force: true })
  say(options, `killed (pid ${pid}) after 15 s`)
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

function urlOf(options: Options): string {
  return `http://127.0.0.1:${options.port}`
}

// ---------------------------------------------------------------------------------------------
// JSON-RPC as a client would speak it

async function rpc<T>(url: string, service: string, method: string, args: unknown[]): Promise<T> {
  const response = await fetch(`${url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: 1 }),
  })
  const body = (await response.json()) as { result?: T; error?: { data?: { message?: string } } }
  if (body.error)
    throw new Error(`${service}.${method}: ${body.error.data?.message ?? JSON.stringify(body.error)}`)
  return body.result as T
}

/** A web session (cookie), for what Odoo allows only over HTTP with a session: making API keys. */
class WebSession {
  private cookie = ''
  constructor(
    private readonly url: string,
    private readonly db: string,
  ) {}

  async post<T>(path: string, params: Record<string, unknown>): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params, id: 1 }),
    })
    const set = response.headers.get('set-cookie')
    const sid = set?.match(/session_id=([^;]+)/)?.[1]
    if (sid) this.cookie = `session_id=${sid}`
    const body = (await response.json()) as { result?: T; error?: { data?: { message?: string } } }
    if (body.error) throw new Error(`${path}: ${body.error.data?.message ?? JSON.stringify(body.error)}`)
    return body.result as T
  }

  login(login: string, password: string): Promise<unknown> {
    return this.post('/web/session/authenticate', { db: this.db, login, password })
  }

  callKw<T>(
    model: string,
    method: string,
    args: unknown[],
    kwargs: Record<string, unknown> = {},
  ): Promise<T> {
    return this.post<T>(`/web/dataset/call_kw/${model}/${method}`, { model, method, args, kwargs })
  }
}

/**
 * A new API key for `login`, made the way Odoo's "New API Key" button does it: the description
 * wizard's make_key answers with an identity check, which takes the password (17: a field of the
 * wizard; 19: `context.password`), then returns the key in the action's context.
 */
async function makeApiKey(options: Options, login: string, password: string, name: string): Promise<string> {
  const web = new WebSession(urlOf(options), options.db)
  await web.login(login, password)
  const values: Record<string, unknown> = { name }
  // 19: only administrators may make keys without an expiry date; others get at most 90 days.
  if (options.version >= 19 && login !== 'admin') {
    values.expiration_date = new Date(Date.now() + 80 * 86_400_000)
      .toISOString()
      .slice(0, 19)
      .replace('T', ' ')
  }
  const created = await web.callKw<number | number[]>('res.users.apikeys.description', 'create', [values])
  const id = Array.isArray(created) ? created[0] : created
  let action = await web.callKw<{ res_model?: string; res_id?: number; context?: Record<string, unknown> }>(
    'res.users.apikeys.description',
    'make_key',
    [[id]],
  )
  if (action.res_model === 'res.users.identitycheck' && action.res_id) {
    if (options.version < 19) {
      await web.callKw('res.users.identitycheck', 'write', [[action.res_id], { password }])
    }
    action = await web.callKw('res.users.identitycheck', 'run_check', [[action.res_id]], {
      context: { password },
    })
  }
  const key = action.context?.default_key
  if (typeof key !== 'string') fail(`Odoo gave no API key for ${login}: ${JSON.stringify(action)}`)
  return key
}

// ---------------------------------------------------------------------------------------------
// Users and groups the tests rely on

async function setUpUsers(options: Options): Promise<RealOdooTarget['users']> {
  const url = urlOf(options)
  const adminUid = await rpc<number | false>(url, 'common', 'authenticate', [
    options.db,
    'admin',
    'admin',
    {},
  ])
  if (typeof adminUid !== 'number')
    fail('admin/admin does not log in: was the database initialised with demo data?')
  const kw = <T>(model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) =>
    rpc<T>(url, 'object', 'execute_kw', [options.db, adminUid, 'admin', model, method, args, kwargs])
  // 19 renamed res.users.groups_id -> group_ids and res.groups.users -> user_ids.
  const userGroups = options.version >= 19 ? 'group_ids' : 'groups_id'
  const groupUsers = options.version >= 19 ? 'user_ids' : 'users'

  const xmlid = async (full: string): Promise<number> => {
    const [module, name] = full.split('.') as [string, string]
    const rows = await kw<Array<{ res_id: number }>>(
      'ir.model.data',
      'search_read',
      [
        [
          ['module', '=', module],
          ['name', '=', name],
        ],
      ],
      { fields: ['res_id'] },
    )
    if (!rows[0]) fail(`no ${full} in this database`)
    return rows[0].res_id
  }
  const uidOf = async (login: string): Promise<number | null> => {
    const ids = await kw<number[]>('res.users', 'search', [[['login', '=', login]]], {
      context: { active_test: false },
    })
    return ids[0] ?? null
  }

  const demoUid = await uidOf('demo')
  if (!demoUid) fail('there is no demo user: was the database initialised with demo data?')

  // restricted: Internal User only, no Sales or Invoicing rights.
  const groupUser = await xmlid('base.group_user')
  let restrictedUid = await uidOf('restricted')
  if (!restrictedUid) {
    const created = await kw<number | number[]>('res.users', 'create', [
      {
        name: 'Rita Restricted',
        login: 'restricted',
        password: 'restricted',
        [userGroups]: [[6, 0, [groupUser]]],
      },
    ])
    restrictedUid = Array.isArray(created) ? (created[0] as number) : created
  } else {
    await kw('res.users', 'write', [[restrictedUid], { password: 'restricted', active: true }])
  }
  for (const forbidden of ['sales_team.group_sale_salesman', 'account.group_account_invoice']) {
    const has = await kw<boolean>('res.users', 'search_count', [
      [
        ['id', '=', restrictedUid],
        [userGroups, 'in', [await xmlid(forbidden)]],
      ],
    ])
    if (has) fail(`restricted came with ${forbidden}`)
  }

  // Marc Demo as on a 17 demo database: Invoicing billing rights and Email Marketing user (19's demo
  // data gives him neither), plus "Delete Own Quotations".
  for (const group of ['account.group_account_invoice', 'mass_mailing.group_mass_mailing_user']) {
    await kw('res.users', 'write', [[demoUid], { [userGroups]: [[4, await xmlid(group)]] }])
  }
  const groupName = 'Delete Own Quotations'
  let groupId = (await kw<number[]>('res.groups', 'search', [[['name', '=', groupName]]]))[0]
  if (!groupId) {
    const created = await kw<number | number[]>('res.groups', 'create', [{ name: groupName }])
    groupId = Array.isArray(created) ? (created[0] as number) : created
  }
  for (const model of ['sale.order', 'sale.order.line']) {
    const [modelId] = await kw<number[]>('ir.model', 'search', [[['model', '=', model]]])
    const existing = await kw<number[]>('ir.model.access', 'search', [
      [
        ['group_id', '=', groupId],
        ['model_id', '=', modelId],
      ],
    ])
    if (existing.length === 0) {
      await kw('ir.model.access', 'create', [
        {
          name: `${model} delete own quotations`,
          model_id: modelId,
          group_id: groupId,
          perm_read: true,
          perm_write: true,
          perm_create: true,
          perm_unlink: true,
        },
      ])
    }
  }
  await kw('res.groups', 'write', [[groupId], { [groupUsers]: [[4, demoUid]] }])

  const users = {} as RealOdooTarget['users']
  for (const [login, uid] of [
    ['admin', adminUid],
    ['demo', demoUid],
    ['restricted', restrictedUid],
  ] as const) {
    const api_key = await makeApiKey(options, login, login, `countersign tests ${new Date().toISOString()}`)
    users[login] = { login, password: login, api_key, uid }
  }
  return users
}

// ---------------------------------------------------------------------------------------------

async function up(options: Options): Promise<void> {
  const started = Date.now()
  mkdirSync(options.dir, { recursive: true })
  ensureDebianPackages(options)
  const tree = sourceTree(options)
  const dbPassword = await ensurePostgresRole(options)
  const conf = writeConfig(options, tree, dbPassword)

  const already = runningPid(options)
  if (already !== null) {
    say(options, `a server from an earlier run is still up (pid ${already}); restarting it`)
    await stop(options)
  }
  if (await portAnswers(options.port))
    fail(`port ${options.port} is in use by another program; choose --port`)
  if (options.fresh) await dropDatabase(options.db)
  const state = await databaseState(options.db)
  if (state === 'partial') {
    say(options, `database ${options.db} is half-initialised; starting it again from scratch`)
    await dropDatabase(options.db)
  }
  if (state !== 'ready') initialise(options, tree, conf)

  const pid = startServer(options, tree, conf)
  await waitUntilAnswering(options, pid)
  say(options, `answering at ${urlOf(options)} (pid ${pid})`)
  const users = await setUpUsers(options)
  const target: RealOdooTarget = {
    name: `odoo${options.version}`,
    major: options.version,
    url: urlOf(options),
    db: options.db,
    protocols: options.version >= 19 ? ['json2', 'jsonrpc'] : ['jsonrpc'],
    users,
    pid,
    log: join(options.dir, 'odoo.log'),
  }
  const file = join(options.dir, 'target.json')
  writeFileSync(file, `${JSON.stringify(target, null, 2)}\n`, { mode: 0o600 })
  say(options, `ready in ${Math.round((Date.now() - started) / 1000)} s; target: ${file}`)
}

const { command, options } = parseArgs(process.argv.slice(2))
if (command === 'deps') {
  ensureDebianPackages(options)
  await ensurePostgresRole(options)
} else if (command === 'up') await up(options)
else if (command === 'stop') await stop(options)
else {
  const pid = runningPid(options)
  say(options, pid === null ? 'not running' : `running (pid ${pid}) at ${urlOf(options)}`)
  process.exit(pid === null ? 1 : 0)
}
