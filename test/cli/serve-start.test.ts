/**
 * `serve` and an Odoo that is not there yet: while Odoo refuses connections (started at the same
 * moment, as in a docker compose file) serve waits for it, up to ODOO_START_WAIT_MS; an Odoo URL
 * that answers something else stops start-up at once with one line.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort } from '../../src/commands/serve.js'
import { startSandboxOdoo } from '../../src/sandbox/index.js'
import { Cleanups, countersignEnv, runCli, startServe, tempSqlite } from '../helpers/countersign.js'

describe('serve before Odoo answers', () => {
  const cleanups = new Cleanups()
  afterAll(() => cleanups.run())

  it('waits for an Odoo that refuses connections, then serves', async () => {
    const port = await freePort('127.0.0.1')
    const env = countersignEnv({ url: `http://127.0.0.1:${port}`, db: 'sandbox' }, tempSqlite())
    // Odoo comes up only once serve has been refused at least once, however slow the machine is.
    let refused: () => void = () => {}
    const wasRefused = new Promise<void>((resolve) => {
      refused = resolve
    })
    const starting = startServe(env, cleanups, (logs) => {
      if (logs.includes('Odoo is not answering yet')) refused()
    })
    await Promise.race([wasRefused, starting])
    const sandbox = await startSandboxOdoo({ port })
    cleanups.push(() => sandbox.close())
    const server = await starting
    const waits = server
      .logs()
      .split('\n')
      .filter((line) => line.includes('Odoo is not answering yet'))
    expect(waits).toHaveLength(1)
    expect(waits[0]).toContain('ECONNREFUSED')
    expect((await fetch(new URL('/readyz', server.url))).status).toBe(200)
  })

  it('does not wait for a URL that answers something other than Odoo', async () => {
    const web = createServer((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/html' })
      res.end('<html>Not Found</html>')
    })
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise<void>((resolve) => web.close(() => resolve())))
    const url = `http://127.0.0.1:${(web.address() as AddressInfo).port}`
    const started = Date.now()
    const result = await runCli(['serve'], countersignEnv({ url, db: 'sandbox' }, tempSqlite()))
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/is ODOO_URL the Odoo base URL\?/)
    expect(result.stderr).not.toContain('Odoo is not answering yet')
    expect(Date.now() - started).toBeLessThan(15_000)
  })
})
