/**
 * Figure 8: what gating by effect costs a call that still runs. The same ungated `update_record`
 * (a plain field, no effect the policy gates) through MCP on a connection that gates no effect, and
 * on one that gates the recommended effects: there Countersign first reads the written fields' types
 * from Odoo (`fields_get`, as the requester) to know whether the values hide a delete, a state change
 * or an archive. Alternating rounds, concurrency 1; the ratio is against the connection without effects.
 */
import type { Deployment } from './deployment.js'
import { recordToDelete } from './filing.js'
import { mcpPoster } from './http.js'
import { type Row, ratioOf } from './report.js'
import { compare } from './stats.js'
import type { OdooTarget } from './target.js'

export async function effectGate(
  target: OdooTarget,
  d: Deployment,
  options: { quick: boolean },
): Promise<Row[]> {
  const section = `8. an ungated write, effects gated or not (${d.engine})`
  const record = await recordToDelete(d, target)
  // A plain text field of the record's model; the write runs each time (gated on neither connection).
  const field = record.model === 'sale.order' ? 'client_order_ref' : 'comment'
  let serial = 0
  const args = () => ({ model: record.model, ids: [record.id], values: { [field]: `bench ${serial++}` } })
  const plain = mcpPoster(d.server.url, d.plain.token)
  const effects = mcpPoster(d.server.url, d.effects.token)
  const call = (poster: typeof plain) => async () => {
    const answer = (await poster.call('tools/call', { name: 'update_record', arguments: args() })) as {
      result?: { isError?: boolean; structuredContent?: { status?: string } }
    }
    if (answer.result?.isError || answer.result?.structuredContent?.status === 'pending_approval')
      throw new Error(`the bench's write did not run: ${JSON.stringify(answer).slice(0, 300)}`)
  }
  const n = options.quick ? 100 : 500
  try {
    const times = await compare(
      { plain: call(plain), effects: call(effects) },
      { warmup: 20, count: n, concurrency: 1, rounds: 5 },
    )
    return [
      { section, name: 'update_record, no effect gated', summary: times.plain },
      {
        section,
        name: 'update_record, recommended effects gated (fields_get first)',
        summary: times.effects,
        ratio: ratioOf(times.effects, times.plain, 'no effect gated'),
      },
    ]
  } finally {
    plain.close()
    effects.close()
  }
}
