/**
 * Row types of Countersign's tables, as stored. The same columns on SQLite and PostgreSQL:
 * times are ISO-8601 UTC strings (`Date#toISOString()`, fixed width, so they sort and compare as
 * text), booleans are 0/1 integers, lists and objects are JSON text. Domain objects are mapped from
 * these rows in one place per table (store/*.ts); nothing above `store/` sees a row.
 */
import type { ColumnType, Generated } from 'kysely'

/** Integer primary keys: generated on insert, a plain number once read. */
type Id = Generated<number>

export interface ConnectionTable {
  connection_id: Id
  name: string
  /** The Odoo user this connection acts as (the requester of its approval requests). */
  odoo_uid: number
  odoo_login: string
  odoo_user_name: string
  /** SHA-256 (hex) of the MCP bearer token; the token itself is never stored. */
  token_hash: string
  /** The first characters of the token (`csk_AbCd…`), to recognise it in lists. */
  token_prefix: string
  /** The Odoo password or API key, AES-256-GCM encrypted (see store/secret-box.ts). */
  odoo_secret_enc: string
  write_access: number
  /** JSON array of tool names; empty = every tool the write flag permits. */
  allowed_tools: string
  /** JSON array of tool names gated behind approval. */
  approval_tools: string
  /** JSON array of effect kinds gated whatever the tool (migration 0007; domain/effects/effect.ts). */
  approval_effects: string
  approver_uid: number | null
  approver_login: string | null
  approver_name: string | null
  approval_expiry_hours: number
  /** 'active' | 'revoked' */
  status: string
  created_at: string
  updated_at: string
  revoked_at: string | null
  last_used_at: string | null
  request_count: ColumnType<number, number | undefined, number>
  /**
   * The policy profile this connection takes its policy from (migration 0010); null: the policy
   * columns above. With a profile those columns are not read.
   */
  profile_id: ColumnType<number | null, number | null | undefined, number | null>
  /** The AI client as its owner named it (migration 0011); null when not given. */
  ai_client: ColumnType<string | null, string | null | undefined, string | null>
  /** Who created it in the console; null: the operator at the command line (or before 0011). */
  created_by_uid: ColumnType<number | null, number | null | undefined, number | null>
  created_by_login: ColumnType<string | null, string | null | undefined, string | null>
  /** The name of the Odoo API key Countersign made for it in Odoo; null: the secret was given. */
  odoo_key_name: ColumnType<string | null, string | null | undefined, string | null>
  /** That key's `res.users.apikeys` id (migration 0013); null: unknown, or the secret was given. */
  odoo_key_id: ColumnType<number | null, number | null | undefined, number | null>
  /** When Odoo stops accepting that key (migration 0013); null: never, or not known. */
  odoo_key_expires_at: ColumnType<string | null, string | null | undefined, string | null>
  /** The OAuth client (client_id) an MCP client was authorised as (migration 0012); null for a token connection. */
  oauth_client_id: ColumnType<string | null, string | null | undefined, string | null>
  /** The oidc-provider grant whose tokens act as this connection (migration 0012). */
  oauth_grant_id: ColumnType<string | null, string | null | undefined, string | null>
}

/** An administrator's policy profile (migration 0010; domain/profile.ts); lists are JSON text. */
export interface PolicyProfileTable {
  profile_id: Id
  name: string
  description: string
  write_access: number
  allowed_tools: string
  approval_tools: string
  approval_effects: string
  approver_uid: number | null
  approver_login: string | null
  approver_name: string | null
  approval_expiry_hours: number
  /** JSON array of Odoo group xml ids whose members may use the profile. */
  odoo_groups: string
  is_default: number
  created_at: string
  updated_at: string
}

export interface ApprovalRequestTable {
  request_id: Id
  connection_id: number
  tool: string
  /** The Odoo model the call touches, when the tool has one (for search and display). */
  model: string | null
  /**
   * The arguments as filed, secrets replaced by a placeholder (domain/secrets.ts): canonical JSON
   * text, never updated.
   */
  arguments: string
  /** SHA-256 (hex) of `arguments`, checked again before execution. */
  arguments_sha256: string
  summary: string
  requester_uid: number
  requester_login: string
  requester_name: string
  approver_uid: number | null
  approver_login: string | null
  approver_name: string | null
  /** 'pending' | 'approved' | 'rejected' | 'expired' */
  status: string
  /** 'pending' | 'running' | 'success' | 'error' */
  execution_status: string
  requested_at: string
  expires_at: string
  decided_at: string | null
  decided_by_uid: number | null
  decided_by_login: string | null
  decided_by_name: string | null
  approver_note: string | null
  execution_started_at: string | null
  execution_finished_at: string | null
  /** The cached tool result as JSON text (bounded; see `result_truncated`). */
  result: string | null
  result_truncated: number
  error: string | null
  /** JSON array of the mail.activity ids created for this request in Odoo. */
  activity_ids: string
  /** Why no Odoo activity was created for this request (migration 0004); null when one was. */
  notification_error: string | null
  /**
   * The values `arguments` hides, sealed with COUNTERSIGN_SECRET under `arguments_sha256` (migration
   * 0008); read only to execute. Null when the call hid nothing.
   */
  sealed_secrets: string | null
}

export interface AuditLogTable {
  audit_id: Id
  at: string
  /** What happened: 'tool_call', 'request_filed', 'decision', 'decision_refused', 'execution_started',
   * 'execution_finished', 'request_expired', 'connection_created', 'connection_updated', … */
  event: string
  connection_id: number | null
  request_id: number | null
  actor_uid: number | null
  actor_login: string | null
  tool: string | null
  model: string | null
  /** 'ok' | 'error' | 'refused' | 'pending_approval' | … */
  outcome: string
  duration_ms: number | null
  error: string | null
  /** Extra facts as JSON text (a refusal's reason, a decision's note…); never secrets. */
  detail: string | null
  /** Tool arguments and result as JSON text, only when COUNTERSIGN_AUDIT_PAYLOADS=true. */
  payload: string | null
}

/** Wrong-password counts of the login limit (migration 0005; web/login-limit.ts). */
export interface LoginThrottleTable {
  /** SHA-256 (hex) of what is counted: a login from one client, a client, or a login. */
  key: string
  /** Start of the fixed window `failures` belongs to. */
  window_start: string
  failures: number
  /** For a login from one client: when that client last gave the right password. */
  last_success_at: string | null
}

/** The effect preview and drift fingerprint of a request (migration 0009), JSON text written once. */
export interface ApprovalRequestPreviewTable {
  request_id: number
  preview: string
}

/**
 * What the OAuth authorization server keeps (migration 0012; src/oauth/adapter.ts): one row per
 * oidc-provider object. Codes and tokens are keyed by the SHA-256 of their value, never the value.
 */
export interface OauthRecordTable {
  /** The oidc-provider model: 'Session', 'Interaction', 'Grant', 'Client', 'AccessToken', … */
  model: string
  id: string
  /** The object as JSON text. */
  payload: string
  grant_id: string | null
  uid: string | null
  user_code: string | null
  /** When the object expires (ISO text); null: it does not. */
  expires_at: string | null
  consumed_at: string | null
}

export interface Database {
  connection: ConnectionTable
  approval_request: ApprovalRequestTable
  approval_request_preview: ApprovalRequestPreviewTable
  audit_log: AuditLogTable
  login_throttle: LoginThrottleTable
  policy_profile: PolicyProfileTable
  oauth_record: OauthRecordTable
}
