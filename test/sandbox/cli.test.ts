/**
 * `runSandboxCommand` (what `countersign sandbox` runs): prints the URL, the database and the
 * three logins with passwords and API keys, serves until SIGINT/SIGTERM, then closes.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { runSandboxCommand } from '../../src/sandbox/index.js'
import { jsonrpc } from '../helpers/sandbox.js'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('runSandboxCommand', () => {
  it('prints how to reach the sandbox and stops on SIGTERM', async () => {
    let printed = ''
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed += String(chunk)
      return true
    })
    const running = runSandboxCommand({ port: 0, host: '127.0.0.1' })
    await vi.waitFor(() => expect(printed).toContain('Press Ctrl+C to stop.'))
    const url = /listening on (http:\/\/\S+)/.exec(printed)?.[1] as string
    expect(printed).toContain('database: sandbox')
    for (const login of ['admin', 'demo', 'restricted']) {
      expect(printed).toMatch(new RegExp(`\\n  ${login}\\s+${login}\\s+[0-9a-f]{40}\\s+uid \\d+`))
    }
    const key = /\n {2}demo\s+demo\s+([0-9a-f]{40})/.exec(printed)?.[1]
    expect((await jsonrpc(url, 'common', 'authenticate', ['sandbox', 'demo', key, {}])).result).toBe(6)
    process.emit('SIGTERM')
    await running
    await expect(fetch(`${url}/web/version`)).rejects.toThrow()
  })
})
