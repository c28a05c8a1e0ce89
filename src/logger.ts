/**
 * The process logger: pino JSON on stderr (stdout belongs to the MCP stdio transport), with every
 * field that can carry a credential redacted by path. Redaction is a second line of defence: code
 * must not log secrets in the first place.
 */
import { type Logger, pino } from 'pino'

export type { Logger }

const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'password',
  'secret',
  'token',
  'api_key',
  'odoo_secret',
  'odoo_secret_enc',
  '*.password',
  '*.secret',
  '*.token',
  '*.api_key',
  '*.odoo_secret',
  '*.odoo_secret_enc',
]

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    { level: options.level ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    options.destination ?? pino.destination(2),
  )
}
