/**
 * Test helpers for talking to the sandbox Odoo with plain `fetch`, the way any Odoo client would
 * (no dependency on src/odoo). Each test file starts its own sandbox on port 0 and closes it.
 */
import { type SandboxOdoo, startSandboxOdoo } from '../../src/sandbox/index.js'

export interface RpcError {
  code: number
  message: string
  data: {
    name: string
    debug: string
    message: string
    arguments: unknown[]
    context: Record<string, unknown>
  }
}

export interface RpcAnswer {
  jsonrpc: '2.0'
  id: unknown
  result?: unknown
  error?: RpcError
}

let nextId = 1

export async function jsonrpc(
  url: string,
  service: string,
  method: string,
  args: unknown[],
): Promise<RpcAnswer> {
  const response = await fetch(`${url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: nextId++ }),
  })
  return (await response.json()) as RpcAnswer
}

/** `object.execute_kw` as `login` (password from the sandbox unless `secret` is given). */
export function executeKw(
  sandbox: SandboxOdoo,
  login: string,
  model: string,
  method: string,
  args: unknown[],
  kwargs: Record<string, unknown> = {},
  secret?: string,
): Promise<RpcAnswer> {
  const user = sandbox.user(login)
  return jsonrpc(sandbox.url, 'object', 'execute_kw', [
    sandbox.db,
    user.uid,
    secret ?? user.password,
    model,
    method,
    args,
    kwargs,
  ])
}

/** The result of a call that must succeed; fails the test with Odoo's message otherwise. */
export async function ok<T = unknown>(answer: Promise<RpcAnswer>): Promise<T> {
  const value = await answer
  if (value.error)
    throw new Error(`expected success, got ${value.error.data.name}: ${value.error.data.message}`)
  return value.result as T
}

/** The error of a call that must fail. */
export async function fails(answer: Promise<RpcAnswer>): Promise<RpcError['data']> {
  const value = await answer
  if (!value.error) throw new Error(`expected an error, got ${JSON.stringify(value.result)}`)
  return value.error.data
}

export interface Json2Answer {
  status: number
  body: unknown
}

export async function json2(
  sandbox: SandboxOdoo,
  key: string | null,
  model: string,
  method: string,
  body: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Json2Answer> {
  const response = await fetch(`${sandbox.url}/json/2/${model}/${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `bearer ${key}` } : {}),
      'x-odoo-database': sandbox.db,
      ...headers,
    },
    body: JSON.stringify(body),
  })
  return { status: response.status, body: await response.json() }
}

export { type SandboxOdoo, startSandboxOdoo }
