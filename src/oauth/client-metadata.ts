/**
 * Client ID Metadata Documents served from this machine (http or https on a loopback host), for
 * development and tests only (COUNTERSIGN_OAUTH_DEV_HTTP_CLIENT_IDS). Other https client ids are
 * fetched by oidc-provider's own implementation (features.clientIdMetadataDocument), which refuses
 * anything but https and connections to private or special-use addresses; it cannot fetch from
 * 127.0.0.1, which is what a client on the developer's machine serves (and what a test can serve
 * the official MCP client's https `clientMetadataUrl` from). This fetch is bounded the same way:
 * loopback hosts only, no redirects, a timeout and a size cap, and the document must name itself
 * as the client_id.
 * Does not cache: each look-up fetches again (a development setting).
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])
const TIMEOUT_MS = 2_500
const MAX_BYTES = 5 * 1024

/** Whether `id` is an http or https URL on a loopback host (the only ids this module fetches). */
export function isDevClientIdUrl(id: string): boolean {
  if (!id.startsWith('http://') && !id.startsWith('https://')) return false
  const url = URL.parse(id)
  return url !== null && LOOPBACK_HOSTS.has(url.hostname) && url.username === '' && url.hash === ''
}

export class ClientMetadataError extends Error {
  override name = 'ClientMetadataError'
}

/** The client metadata document at `id`; throws ClientMetadataError saying what was wrong. */
export async function fetchDevClientMetadata(id: string): Promise<Record<string, unknown>> {
  if (!isDevClientIdUrl(id))
    throw new ClientMetadataError('client_id is not an http(s) URL on a loopback host')
  let response: Response
  try {
    response = await fetch(id, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
  } catch (error) {
    throw new ClientMetadataError(`client metadata document fetch failed: ${(error as Error).message}`)
  }
  if (response.status !== 200) {
    await response.body?.cancel()
    throw new ClientMetadataError(`client metadata document fetch answered HTTP ${response.status}`)
  }
  const chunks: Uint8Array[] = []
  let received = 0
  for await (const chunk of response.body ?? []) {
    received += chunk.length
    // Leaving the loop cancels the stream: the rest is never read.
    if (received > MAX_BYTES) break
    chunks.push(chunk)
  }
  if (received > MAX_BYTES)
    throw new ClientMetadataError(`client metadata document is larger than ${MAX_BYTES} bytes`)
  let document: unknown
  try {
    document = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new ClientMetadataError('client metadata document is not JSON')
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    throw new ClientMetadataError('client metadata document is not a JSON object')
  const metadata = document as Record<string, unknown>
  if (metadata.client_id !== id)
    throw new ClientMetadataError('client metadata document names another client_id')
  if ('client_secret' in metadata)
    throw new ClientMetadataError('client metadata document holds a client_secret')
  // A document is public: a client it describes cannot keep a secret, so it authenticates with none.
  if (metadata.token_endpoint_auth_method !== undefined && metadata.token_endpoint_auth_method !== 'none')
    throw new ClientMetadataError('client metadata document must use token_endpoint_auth_method none')
  return { ...metadata, token_endpoint_auth_method: 'none' }
}
