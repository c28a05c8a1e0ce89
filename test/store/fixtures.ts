/**
 * Example rows for store tests: a connection and an approval request with every column set to a
 * distinctive value, so a round trip proves each one. Pure data; opens nothing.
 */
import type { NewApprovalRequest } from '../../src/store/approval-requests.js'
import type { NewConnection } from '../../src/store/connections.js'
import { hashToken, newConnectionToken, tokenPrefix } from '../../src/store/tokens.js'

export const T0 = new Date('2026-03-01T09:30:00.123Z')

export function hoursAfter(date: Date, hours: number): Date {
  return new Date(date.getTime() + hours * 3_600_000)
}

export function newConnectionInput(overrides: Partial<NewConnection> = {}): NewConnection {
  const token = newConnectionToken()
  return {
    name: 'Claude Desktop (demo)',
    odoo_uid: 6,
    odoo_login: 'demo',
    odoo_user_name: 'Marc Demo',
    token_hash: hashToken(token),
    token_prefix: tokenPrefix(token),
    odoo_secret_enc: 'v1:aaaa:bbbb:cccc',
    write_access: true,
    allowed_tools: ['search_read', 'delete_record', 'batch_delete'],
    approval_tools: ['delete_record', 'batch_delete'],
    approval_effects: ['delete', 'state', 'send'],
    approver_uid: 2,
    approver_login: 'admin',
    approver_name: 'Mitchell Admin',
    approval_expiry_hours: 1.5,
    ai_client: 'Claude Desktop',
    created_by: { uid: 6, login: 'demo' },
    odoo_key_name: 'Countersign — Claude Desktop',
    odoo_key_id: 7,
    odoo_key_expires_at: new Date('2027-03-02T10:00:00.000Z'),
    ...overrides,
  }
}

export function newRequestInput(
  connection_id: number,
  overrides: Partial<NewApprovalRequest> = {},
): NewApprovalRequest {
  const requested_at = overrides.requested_at ?? T0
  return {
    connection_id,
    tool: 'batch_delete',
    model: 'sale.order',
    arguments: '{"ids":[12,13],"model":"sale.order"}',
    arguments_sha256: 'a'.repeat(64),
    summary: 'Permanently delete 2 quotations on sale.order (S00012, S00013).',
    requester_uid: 6,
    requester_login: 'demo',
    requester_name: 'Marc Demo',
    approver_uid: 2,
    approver_login: 'admin',
    approver_name: 'Mitchell Admin',
    requested_at,
    expires_at: hoursAfter(requested_at, 4),
    ...overrides,
  }
}
