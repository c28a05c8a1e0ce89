/**
 * Reads and validates Countersign's settings from the environment (PRODUCT.md "Interfaces").
 * The only module that reads `process.env`. Each command asks for the sections it needs, so
 * `countersign migrate` does not demand an Odoo URL. Does not create files or connect anywhere:
 * generating the SQLite-side secret is done by `store/secret-file.ts` at start-up.
 */
import { isIP } from 'node:net'
import { z } from 'zod'

/** A setting that is missing or invalid. `message` is the single line printed before exit 1. */
export class ConfigError extends Error {
  override name = 'ConfigError'
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message)
  }
}

export type Env = Record<string, string | undefined>

export interface OdooConfig {
  url: string
  db: string
  protocol: 'jsonrpc' | 'json2'
  timeout_ms: number
  service: { login: string; secret: string } | null
}

export interface StoreConfig {
  /** `sqlite:<path>` or a `postgres://` URL, as given. */
  database: string
  kind: 'sqlite' | 'postgres'
  /** The SQLite file path, or null for PostgreSQL. */
  sqlite_path: string | null
  /** From COUNTERSIGN_SECRET; null when unset (allowed only with SQLite, where one is generated). */
  secret: string | null
}

/**
 * What one connection may file for approval (approvals/file-request.ts). The defaults never stop a
 * person's AI at work; they stop one that files in a loop, which otherwise buried the approver in
 * Odoo To-Dos and the database in arguments.
 */
export interface FilingLimits {
  /** Requests awaiting approval (pending, not past expires_at) one connection may have at once. */
  max_pending: number
  /** Requests one connection may file in any 60 seconds, decided or not. */
  max_per_minute: number
  /** Largest arguments of one request, as stored (canonical JSON, UTF-8 bytes). */
  max_argument_bytes: number
}

export interface ServerConfig {
  host: string
  port: number
  public_url: string
  admins: string[]
  admin_group: string
  expiry_interval_minutes: number
  /** How often a console session's Odoo user is confirmed again (docs/security.md). */
  session_check_minutes: number
  audit_payloads: boolean
  /**
   * Addresses or CIDR ranges of the reverse proxies whose X-Forwarded-For is believed (Fastify's
   * `trustProxy`); empty: the client is whoever opened the TCP connection.
   */
  trusted_proxies: string[]
  /** Wrong passwords one client may try for one login in a window (web/login-limit.ts). */
  login_failure_limit: number
  filing_limits: FilingLimits
  /** Dynamic client registrations (RFC 7591) one address may make per hour, on each replica. */
  oauth_registrations_per_hour: number
  /**
   * Whether an OAuth client id may be an http URL on a loopback host (a Client ID Metadata Document
   * served on this machine): for development and tests only; https ids are always accepted.
   */
  oauth_dev_http_client_ids: boolean
}

export interface ClientConfig {
  url: string
  login: string
  password: string
}

const nonEmpty = z.string().trim().min(1)
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes' || v === 'on')
const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
)
/** proxy-addr's names for the loopback, link-local and unique-local ranges, which Fastify accepts too. */
const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal']

/** `10.0.0.5`, `10.1.0.0/16`, `fd00::/8` or one of PROXY_RANGES. */
function isProxyEntry(entry: string): boolean {
  if (PROXY_RANGES.includes(entry)) return true
  const [address = '', prefix, ...rest] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || rest.length > 0) return false
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))
}
const proxyList = csv.refine((entries) => entries.every(isProxyEntry))
const httpUrl = z.url({ protocol: /^https?$/ }).transform((v) => v.replace(/\/+$/, ''))

/** Validates one variable; an error names the variable, what was found and what would fix it. */
function read<T>(env: Env, name: string, schema: z.ZodType<T>, fix: string, fallback?: string): T {
  const raw = env[name]
  const value = raw === undefined || raw === '' ? fallback : raw
  if (value === undefined) throw new ConfigError(name, `${name} is not set: ${fix}`)
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const shown = name.includes('SECRET') || name.includes('KEY') || name.includes('PASSWORD') ? '…' : value
    throw new ConfigError(name, `${name}=${JSON.stringify(shown)} is invalid: ${fix}`)
  }
  return parsed.data
}

export function readOdooConfig(env: Env): OdooConfig {
  const url = read(env, 'ODOO_URL', httpUrl, 'set it to your Odoo base URL, e.g. https://mycompany.odoo.com')
  const db = read(env, 'ODOO_DB', nonEmpty, 'set it to the Odoo database name')
  const protocol = read(
    env,
    'ODOO_PROTOCOL',
    z.enum(['jsonrpc', 'json2']),
    'use jsonrpc (Odoo 16-19) or json2 (Odoo 19+)',
    'jsonrpc',
  )
  const timeout_ms = read(
    env,
    'COUNTERSIGN_ODOO_TIMEOUT_MS',
    z.coerce.number().int().min(100).max(600_000),
    'give the per-call Odoo timeout in milliseconds (100-600000)',
    '30000',
  )
  const login = env.COUNTERSIGN_ODOO_SERVICE_LOGIN?.trim() || ''
  const key = env.COUNTERSIGN_ODOO_SERVICE_KEY?.trim() || ''
  if (login && !key)
    throw new ConfigError(
      'COUNTERSIGN_ODOO_SERVICE_KEY',
      'COUNTERSIGN_ODOO_SERVICE_KEY is not set: give the API key of COUNTERSIGN_ODOO_SERVICE_LOGIN, or unset both',
    )
  if (key && !login)
    throw new ConfigError(
      'COUNTERSIGN_ODOO_SERVICE_LOGIN',
      'COUNTERSIGN_ODOO_SERVICE_LOGIN is not set: give the Odoo login the service key belongs to, or unset both',
    )
  return { url, db, protocol, timeout_ms, service: login ? { login, secret: key } : null }
}

export function readStoreConfig(env: Env): StoreConfig {
  const database = read(
    env,
    'COUNTERSIGN_DATABASE',
    z.string().regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/),
    'use sqlite:<file path> or a postgres:// URL',
    'sqlite:./data/countersign.db',
  )
  const kind = database.startsWith('sqlite:') ? 'sqlite' : 'postgres'
  const secretRaw = env.COUNTERSIGN_SECRET
  let secret: string | null = null
  if (secretRaw !== undefined && secretRaw !== '') {
    secret = read(
      env,
      'COUNTERSIGN_SECRET',
      z.string().min(32),
      'use at least 32 characters, e.g. the output of `openssl rand -base64 48`',
    )
  } else if (kind === 'postgres') {
    throw new ConfigError(
      'COUNTERSIGN_SECRET',
      'COUNTERSIGN_SECRET is not set: it is required with PostgreSQL (every replica needs the same one); generate one with `openssl rand -base64 48`',
    )
  }
  return { database, kind, sqlite_path: kind === 'sqlite' ? database.slice('sqlite:'.length) : null, secret }
}

export function readServerConfig(env: Env): ServerConfig {
  const host = read(env, 'COUNTERSIGN_HOST', nonEmpty, 'give the address to listen on', '127.0.0.1')
  const port = read(
    env,
    'COUNTERSIGN_PORT',
    z.coerce.number().int().min(0).max(65535),
    'give a TCP port (0-65535)',
    '8080',
  )
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
  const public_url = read(
    env,
    'COUNTERSIGN_PUBLIC_URL',
    httpUrl,
    'give the URL people use to reach this server, e.g. https://countersign.example.com',
    `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`,
  )
  return {
    host,
    port,
    public_url,
    admins: read(env, 'COUNTERSIGN_ADMINS', csv, 'give Odoo logins separated by commas', ''),
    admin_group: read(
      env,
      'COUNTERSIGN_ADMIN_GROUP',
      z.string().regex(/^[\w.]+\.[\w]+$|^$/),
      'give an Odoo group xml-id such as base.group_system, or leave it empty for none',
      'base.group_system',
    ),
    expiry_interval_minutes: read(
      env,
      'COUNTERSIGN_EXPIRY_INTERVAL_MINUTES',
      z.coerce.number().positive().max(10_080),
      'give the expiry job interval in minutes (a positive number, at most 10080)',
      '30',
    ),
    session_check_minutes: read(
      env,
      'COUNTERSIGN_SESSION_CHECK_MINUTES',
      z.coerce.number().positive().max(480),
      "give how often, in minutes, a console session's Odoo user is confirmed again (a positive number, at most 480)",
      '5',
    ),
    audit_payloads: read(
      env,
      'COUNTERSIGN_AUDIT_PAYLOADS',
      bool,
      'use true or false (whether tool arguments and results are written to the audit log)',
      'false',
    ),
    trusted_proxies: read(
      env,
      'COUNTERSIGN_TRUSTED_PROXIES',
      proxyList,
      'give the addresses or CIDR ranges of your reverse proxies, comma-separated (e.g. 10.0.0.5,10.1.0.0/16, or loopback), or leave it empty when clients connect directly',
      '',
    ),
    login_failure_limit: read(
      env,
      'COUNTERSIGN_LOGIN_FAILURE_LIMIT',
      z.coerce.number().int().min(1).max(1000),
      'give how many wrong passwords one client may try for one login in 15 minutes (1-1000)',
      '10',
    ),
    filing_limits: readFilingLimits(env),
    oauth_registrations_per_hour: read(
      env,
      'COUNTERSIGN_OAUTH_REGISTRATIONS_PER_HOUR',
      z.coerce.number().int().min(1).max(100_000),
      'give how many OAuth clients one address may register per hour (1-100000)',
      '20',
    ),
    oauth_dev_http_client_ids: read(
      env,
      'COUNTERSIGN_OAUTH_DEV_HTTP_CLIENT_IDS',
      bool,
      'use true or false (whether OAuth client ids may be http URLs on this machine; development only)',
      'false',
    ),
  }
}

function readFilingLimits(env: Env): FilingLimits {
  const count = z.coerce.number().int().min(1).max(1_000_000)
  return {
    max_pending: read(
      env,
      'COUNTERSIGN_MAX_PENDING_REQUESTS',
      count,
      'give how many requests one connection may have awaiting approval at once (1-1000000)',
      '100',
    ),
    max_per_minute: read(
      env,
      'COUNTERSIGN_MAX_REQUESTS_PER_MINUTE',
      count,
      'give how many requests one connection may file per minute (1-1000000)',
      '60',
    ),
    max_argument_bytes:
      1024 *
      read(
        env,
        'COUNTERSIGN_MAX_REQUEST_ARGUMENTS_KB',
        z.coerce.number().int().min(1).max(4096),
        'give the largest arguments of a request for approval in KB (1-4096; /mcp bodies are at most 4096 KB)',
        '256',
      ),
  }
}

/** Settings of the `approvals` CLI, which talks to a running server's JSON API. */
export function readClientConfig(env: Env): ClientConfig {
  return {
    url: read(
      env,
      'COUNTERSIGN_URL',
      httpUrl,
      'give the URL of a running Countersign server, e.g. http://127.0.0.1:8080',
    ),
    login: read(env, 'COUNTERSIGN_LOGIN', nonEmpty, 'give your Odoo login'),
    password: read(env, 'COUNTERSIGN_PASSWORD', nonEmpty, 'give your Odoo password or API key'),
  }
}

export function readLogLevel(env: Env): string {
  return read(
    env,
    'COUNTERSIGN_LOG_LEVEL',
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    'use one of fatal, error, warn, info, debug, trace, silent',
    'info',
  )
}
