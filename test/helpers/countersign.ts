/**
 * Starts real Countersign processes for tests: `node dist/cli.js serve` on a random port against a
 * given Odoo and database, the CLI for one-shot commands, and the official MCP client (v2) over
 * HTTP or stdio. Every started thing is pushed on a LIFO cleanup list the test file unwinds.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio'
import { USAGE_FLUSH_MS } from '../../src/mcp/usage.js'

export const CLI = join(process.cwd(), 'dist', 'cli.js')

export type Cleanup = () => Promise<void> | void

export class Cleanups {
  private readonly stack: Cleanup[] = []
  push(cleanup: Cleanup): void {
    this.stack.push(cleanup)
  }
  async run(): Promise<void> {
    while (this.stack.length > 0) {
      const next = this.stack.pop()
      try {
        await next?.()
      } catch (error) {
        console.error('cleanup failed:', error)
      }
    }
  }
}

/** A fresh SQLite database file in a new temp folder, with a generated secret. */
export function tempSqlite(): { database: string; secret: string } {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-test-'))
  return {
    database: `sqlite:${join(dir, 'countersign.db')}`,
    secret: `test-secret-${Math.random().toString(36).slice(2)}-0123456789abcdef`,
  }
}

export interface OdooTarget {
  url: string
  db: string
}

/** The environment a Countersign process needs for one test deployment. */
export function countersignEnv(
  odoo: OdooTarget,
  store: { database: string; secret: string },
  extra: Record<string, string> = {},
) {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ODOO_URL: odoo.url,
    ODOO_DB: odoo.db,
    COUNTERSIGN_DATABASE: store.database,
    COUNTERSIGN_SECRET: store.secret,
    COUNTERSIGN_LOG_LEVEL: 'info',
    ...extra,
  }
}

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export function runCli(
  args: string[],
  env: Record<string, string>,
  timeout_ms = 60_000,
  options: { stdin?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    child.stdin.end(options.stdin ?? '') // without input, stdin is at its end at once, as with </dev/null
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c) => {
      stdout += c
    })
    child.stderr.on('data', (c) => {
      stderr += c
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`countersign ${args.join(' ')} did not finish in ${timeout_ms} ms\n${stderr}`))
    }, timeout_ms)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

export interface RunningServer {
  url: string
  process: ChildProcess
  /** Everything the process wrote to stderr so far (its JSON log). */
  logs(): string
  stop(signal?: NodeJS.Signals): Promise<void>
}

/**
 * Starts `countersign serve` on a random port and waits until it logs that it is serving.
 * `onLogs` sees the log so far at every chunk, before then too (a test waiting for a start-up line).
 */
export function startServe(
  env: Record<string, string>,
  cleanups: Cleanups,
  onLogs?: (logs: string) => void,
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve'], {
      env: { COUNTERSIGN_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let logs = ''
    let started = false
    const exited = new Promise<void>((r) => child.once('exit', () => r()))
    const server: Omit<RunningServer, 'url'> = {
      process: child,
      logs: () => logs,
      async stop(signal = 'SIGTERM') {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal)
        await exited
      },
    }
    cleanups.push(() => server.stop('SIGKILL'))
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${logs}`)), 30_000)
    child.stderr.on('data', (chunk) => {
      logs += chunk
      onLogs?.(logs)
      if (started) return
      for (const line of logs.split('\n')) {
        if (!line.includes('countersign is serving')) continue
        started = true
        clearTimeout(timer)
        resolve({ ...server, url: JSON.parse(line).url as string })
        return
      }
    })
    child.stdout.on('data', (chunk) => {
      logs += chunk
    })
    child.once('exit', (code) => {
      if (!started) {
        clearTimeout(timer)
        reject(new Error(`serve exited with ${code}:\n${logs}`))
      }
    })
  })
}

/** Creates a connection with the CLI; returns its id and token. */
export async function createConnection(
  env: Record<string, string>,
  options: { name?: string; user: string; key: string; args?: string[] },
): Promise<{ connection_id: number; token: string }> {
  const result = await runCli(
    [
      'connection',
      'create',
      '--name',
      options.name ?? `${options.user} test`,
      '--user',
      options.user,
      '--odoo-api-key',
      options.key,
      '--json',
      ...(options.args ?? []),
    ],
    env,
  )
  if (result.code !== 0) throw new Error(`connection create failed: ${result.stderr}`)
  const created = JSON.parse(result.stdout) as { connection_id: number; token: string }
  return { connection_id: created.connection_id, token: created.token }
}

export type Era = 'legacy' | 'modern'

/** The official v2 client over Streamable HTTP, in the given protocol era. */
export async function mcpHttpClient(
  url: string,
  token: string,
  era: Era,
  cleanups: Cleanups,
): Promise<Client> {
  const client = new Client(
    { name: 'countersign-test', version: '1.0.0' },
    era === 'modern' ? { versionNegotiation: { mode: 'auto' } } : {},
  )
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  })
  await client.connect(transport)
  cleanups.push(() => client.close())
  return client
}

/** The official v2 client over stdio, spawning `countersign stdio --token …`. */
export async function mcpStdioClient(
  env: Record<string, string>,
  token: string,
  era: Era,
  cleanups: Cleanups,
): Promise<Client> {
  const client = new Client(
    { name: 'countersign-test', version: '1.0.0' },
    era === 'modern' ? { versionNegotiation: { mode: 'auto' } } : {},
  )
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'stdio', '--token', token],
    env,
    stderr: 'pipe',
  })
  await client.connect(transport)
  cleanups.push(() => client.close())
  return client
}

/** Waits until every server has written the uses it counted (src/mcp/usage.ts), with a margin. */
export function afterUsageFlush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, USAGE_FLUSH_MS + 500))
}

/** The JSON API (`/api…`) of a server as an Odoo user over HTTP Basic; the body parsed as JSON. */
export async function basicApi(
  server: string,
  login: string,
  secret: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server}/api${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${login}:${secret}`).toString('base64')}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : null }
}
