/**
 * The owner revokes a connection and has Countersign delete, in Odoo, the API key it made for that
 * connection. Odoo asks its owner's password for that (odoo/api-keys.ts removeApiKeys), so only the
 * owner can, and only by typing it. The key goes first: a wrong password, or Odoo being away,
 * changes nothing; once Odoo has deleted the key the connection is revoked (it could not act any
 * more anyway). A key that another active connection of theirs still uses (a re-issued one shares its
 * key) is not deleted: that would silently break the other connection.
 */
import { removeApiKeys } from '../odoo/api-keys.js'
import { OdooError } from '../odoo/errors.js'
import { getConnection, listConnections } from '../store/connections.js'
import { ConnectionError } from './connection-error.js'
import { type ManageDeps, type Owner, revoke } from './manage.js'

/** What happened to the key: deleted now, or already gone from Odoo. */
export type KeyRemoval = 'deleted' | 'already_gone'

export async function revokeWithOdooKey(
  deps: ManageDeps,
  connection_id: number,
  owner: Owner,
  password: string,
): Promise<KeyRemoval> {
  const current = await getConnection(deps.db, connection_id)
  if (!current || current.odoo_uid !== owner.uid) throw new ConnectionError(`no connection ${connection_id}`)
  if (current.status !== 'active') throw new ConnectionError(`connection ${connection_id} is already revoked`)
  if (current.odoo_key_id === null || current.odoo_key_name === null)
    throw new ConnectionError(
      'Countersign did not make this connection’s Odoo API key (or does not know its id): revoke it without a password, and delete the key in Odoo under Preferences → Account Security',
    )
  if (!password)
    throw new ConnectionError('give your Odoo password to delete the key, or leave it out to keep the key')
  const sharing = (await listConnections(deps.db, { odoo_uid: owner.uid, status: 'active' })).filter(
    (c) => c.connection_id !== connection_id && c.odoo_key_id === current.odoo_key_id,
  )
  if (sharing.length > 0)
    throw new ConnectionError(
      `your connection ${sharing.map((c) => `“${c.name}” (#${c.connection_id})`).join(', ')} uses the same Odoo API key: revoke this one without deleting the key, or revoke that one first`,
    )
  const removed = await removeApiKeys(deps.odoo, {
    login: owner.login,
    password,
    id: current.odoo_key_id,
  }).catch((error: unknown) => {
    if (error instanceof OdooError && error.kind === 'authentication_failed')
      throw new OdooError(
        'authentication_failed',
        error.message.includes('second factor')
          ? 'Odoo wants a second factor for your login, which Countersign cannot answer: nothing was revoked; revoke without a password and delete the key in Odoo under Preferences → Account Security'
          : 'Odoo refused your password: nothing was revoked and the key is still in Odoo',
        { cause: error },
      )
    throw error
  })
  const outcome: KeyRemoval = removed > 0 ? 'deleted' : 'already_gone'
  try {
    await revoke(
      deps,
      connection_id,
      { kind: 'user', ...owner },
      {
        odoo_key: `${outcome === 'deleted' ? 'deleted from Odoo' : 'already gone from Odoo'}: ${current.odoo_key_name}`,
      },
    )
  } catch (error) {
    // Revoked by someone else meanwhile: what the owner asked for holds all the same.
    if (!(error instanceof ConnectionError)) throw error
  }
  return outcome
}
