/**
 * The secrets a request's arguments hide (domain/secrets.ts), sealed for storage with the process's
 * secret box (AES-256-GCM under COUNTERSIGN_SECRET) and opened again only to execute the approved
 * call, or to tell whether a new call is the same as a pending one. The seal is bound to the request
 * it was made for — its connection, the SHA-256 of its (masked) arguments and its filing time — as
 * GCM associated data: moved to another request, it does not open. Does not store or read rows.
 */

import type { HiddenValue } from '../domain/secrets.js'
import { parseSecretsText, secretsText } from '../domain/secrets.js'
import type { SecretBox } from '../store/secret-box.js'
import { iso } from '../store/values.js'

/** What a seal is bound to: fixed when the request is filed, never updated. */
export interface SealedFor {
  connection_id: number
  arguments_sha256: string
  requested_at: Date
}

function context(request: SealedFor): string {
  return `approval-secrets:v1:${request.connection_id}:${request.arguments_sha256}:${iso(request.requested_at)}`
}

/** The sealed text to store with the request, or null when the arguments hide nothing. */
export function sealSecrets(
  box: SecretBox,
  request: SealedFor,
  secrets: readonly HiddenValue[],
): string | null {
  return secrets.length === 0 ? null : box.seal(secretsText(secrets), context(request))
}

/**
 * The hidden values of a request. Throws when the seal does not open (another COUNTERSIGN_SECRET, an
 * altered or moved value: StoreError 'corrupt') or is not a list of values (SecretsMismatch).
 */
export function openSecrets(box: SecretBox, request: SealedFor, sealed: string | null): HiddenValue[] {
  return sealed === null ? [] : parseSecretsText(box.open(sealed, context(request)))
}

/** Whether a pending request hides exactly these values; a seal that does not open hides other ones. */
export function hidesSameSecrets(
  box: SecretBox,
  request: SealedFor,
  sealed: string | null,
  secrets: readonly HiddenValue[],
): boolean {
  if (sealed === null || secrets.length === 0) return sealed === null && secrets.length === 0
  try {
    return secretsText(openSecrets(box, request, sealed)) === secretsText(secrets)
  } catch {
    return false
  }
}
