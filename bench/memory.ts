/**
 * Figure 6: the server's memory with 1,000 MCP clients at once. Each client is the official SDK
 * client (sharing one schema validator, below) doing a whole stateless session: initialize, tools/list and one
 * search_read. RSS is read from /proc before (after a warm-up), every 20 ms during, and 2 s after;
 * the peak is the kernel's high-water mark (VmHWM) of a server restarted for this figure, so no
 * earlier figure's load is in it. Latency of one session alone is the baseline.
 */
import {
  Client,
  type JsonSchemaType,
  type jsonSchemaValidator,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client'
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/client/validators/ajv'
import type { Deployment } from './deployment.js'
import { type Row, ratioOf } from './report.js'
import { measure, runTimed, summarize } from './stats.js'

/**
 * One JSON Schema validator for every client of this figure, compiling each tool's outputSchema
 * once. Each SDK client otherwise builds its own Ajv and compiles every outputSchema at tools/list:
 * for 1,000 clients in this one process, which also hosts the sandbox Odoo, that is seconds of CPU
 * that starve the sandbox until Countersign's calls to it time out. A real client is one per process.
 */
const validators = new AjvJsonSchemaValidator()
const compiled = new Map<string, unknown>()
const sharedValidator: jsonSchemaValidator = {
  getValidator<T>(schema: JsonSchemaType) {
    const key = JSON.stringify(schema)
    if (!compiled.has(key)) compiled.set(key, validators.getValidator<T>(schema))
    return compiled.get(key) as ReturnType<typeof validators.getValidator<T>>
  },
}

async function session(url: string, token: string): Promise<void> {
  const client = new Client(
    { name: 'countersign-bench', version: '1.0.0' },
    { jsonSchemaValidator: sharedValidator },
  )
  await client.connect(
    new StreamableHTTPClientTransport(new URL('/mcp', url), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    }),
  )
  try {
    await client.listTools()
    const result = await client.callTool({
      name: 'search_read',
      arguments: { model: 'res.partner', limit: 5 },
    })
    if (result.isError) throw new Error(`search_read failed: ${JSON.stringify(result.content)}`)
  } finally {
    await client.close()
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function memoryFigures(d: Deployment, clients: number): Promise<Row[]> {
  const section = `6. server memory with ${clients.toLocaleString('en-US')} concurrent MCP clients (${d.engine})`
  await d.restart()
  const url = d.server.url
  const one = await measure(() => session(url, d.plain.token), { warmup: 20, count: 50, concurrency: 1 })
  await sleep(2000)
  const before = d.server.memory().rss_mib

  let sampling = true
  let highest = before
  const sampler = (async () => {
    while (sampling) {
      highest = Math.max(highest, d.server.memory().rss_mib)
      await sleep(20)
    }
  })()
  const { latencies, wall_ms } = await runTimed(() => session(url, d.plain.token), clients, clients)
  sampling = false
  await sampler
  const peak = Math.max(highest, d.server.memory().peak_mib)
  await sleep(2000)
  const after = d.server.memory().rss_mib
  const all = summarize(latencies, wall_ms)

  return [
    { section, name: 'baseline: one session alone', summary: one },
    {
      section,
      name: `one session, ${clients} at once`,
      summary: all,
      ratio: ratioOf(all, one, 'alone'),
    },
    { section, name: 'RSS before (idle, warmed up)', value: { amount: before, unit: 'MiB' } },
    {
      section,
      name: 'RSS peak (VmHWM)',
      value: { amount: peak, unit: 'MiB' },
      ratio: ratioOf(peak, before, 'before'),
    },
    {
      section,
      name: 'RSS 2 s after',
      value: { amount: after, unit: 'MiB' },
      ratio: ratioOf(after, before, 'before'),
    },
    {
      section,
      name: 'per client at the peak',
      value: { amount: ((peak - before) * 1024) / clients, unit: 'KiB' },
    },
  ]
}
