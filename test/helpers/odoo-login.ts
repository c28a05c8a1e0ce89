/** Whether Odoo accepts `secret` for `login` now (a password-change test's proof), over JSON-RPC. */
import { createOdooClient } from '../../src/odoo/index.js'

export async function canLogIn(
  odoo: { url: string; db: string },
  login: string,
  secret: string,
): Promise<boolean> {
  const client = createOdooClient({ url: odoo.url, db: odoo.db, protocol: 'jsonrpc', timeout_ms: 30_000 })
  try {
    await client.authenticate({ login, secret })
    return true
  } catch {
    return false
  } finally {
    await client.close()
  }
}
