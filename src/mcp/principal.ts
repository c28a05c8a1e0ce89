/**
 * The principal of an MCP request: the connection its bearer token belongs to, that connection's
 * policy, and an Odoo session with the owner's own credentials (decrypted here, kept in memory only
 * for the request). Unknown and revoked tokens resolve to nothing; the HTTP edge answers 401.
 */

import type { Kysely } from 'kysely'
import type { ConnectionPolicy } from '../domain/policy.js'
import type { OdooClient, OdooSession } from '../odoo/types.js'
import type { Connection } from '../store/connections.js'
import { getConnectionByTokenHash } from '../store/connections.js'
import type { SecretBox } from '../store/secret-box.js'
import type { Database } from '../store/tables.js'
import { hashToken, looksLikeConnectionToken } from '../store/tokens.js'

export interface Principal {
  connection_id: number
  connection_name: string
  policy: ConnectionPolicy
  /** The connection owner's Odoo session; `uid` and `login` identify the requester. */
  odoo: OdooSession
  user_name: string
}

export interface PrincipalDeps {
  db: Kysely<Database>
  odoo: OdooClient
  secrets: SecretBox
}

/** The associated data binding an encrypted Odoo secret to its user (store/secret-box.ts `context`). */
export function odooSecretContext(odoo_uid: number): string {
  return `odoo-secret:${odoo_uid}`
}

export function policyOf(connection: Connection): ConnectionPolicy {
  return {
    write_access: connection.write_access,
    allowed_tools: connection.allowed_tools,
    approval_tools: connection.approval_tools,
    approval_effects: connection.approval_effects,
    approver:
      connection.approver_uid === null
        ? null
        : {
            uid: connection.approver_uid,
            login: connection.approver_login ?? '',
            name: connection.approver_name ?? '',
          },
    approval_expiry_hours: connection.approval_expiry_hours,
  }
}

export function principalOf(
  deps: Pick<PrincipalDeps, 'odoo' | 'secrets'>,
  connection: Connection,
): Principal {
  const secret = deps.secrets.open(connection.odoo_secret_enc, odooSecretContext(connection.odoo_uid))
  return {
    connection_id: connection.connection_id,
    connection_name: connection.name,
    policy: policyOf(connection),
    odoo: deps.odoo.session({ login: connection.odoo_login, secret, uid: connection.odoo_uid }),
    user_name: connection.odoo_user_name,
  }
}

/** The principal of a bearer token, or null for an unknown or revoked one. A read: use is counted apart (usage.ts). */
export async function resolvePrincipal(deps: PrincipalDeps, token: string): Promise<Principal | null> {
  if (!looksLikeConnectionToken(token)) return null
  const connection = await getConnectionByTokenHash(deps.db, hashToken(token))
  return connection ? principalOf(deps, connection) : null
}
