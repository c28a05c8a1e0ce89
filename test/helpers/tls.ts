/**
 * A throwaway self-signed certificate for 127.0.0.1, made with the openssl command (.ci/run installs
 * it), for a test's own https server. A process trusts it through NODE_EXTRA_CA_CERTS=`cert_path`,
 * which Node reads at start: so it is for child processes such as `countersign serve`.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestCertificate {
  key: string
  cert: string
  cert_path: string
}

export function selfSignedCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-tls-'))
  const key_path = join(dir, 'key.pem')
  const cert_path = join(dir, 'cert.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key_path,
      '-out',
      cert_path,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'pipe' },
  )
  return { key: readFileSync(key_path, 'utf8'), cert: readFileSync(cert_path, 'utf8'), cert_path }
}
