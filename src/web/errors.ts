/**
 * The one catalogue of HTTP refusals for the JSON API and the console: a stable `code`, the status,
 * and a message that says what to do. Bodies always have the shape `{ error, code, message,
 * statusCode }`. Nothing else picks a status code.
 */
import type { DecideRefusal } from '../domain/decide.js'

export class HttpError extends Error {
  override name = 'HttpError'
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** Response headers that belong to the refusal (Retry-After). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message)
  }

  body() {
    return {
      error: STATUS_TEXT[this.statusCode] ?? 'Error',
      code: this.code,
      message: this.message,
      statusCode: this.statusCode,
    }
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

export const unauthenticated = (
  message = 'Log in with your Odoo login and password or API key (HTTP Basic).',
) => new HttpError(401, 'CS_UNAUTHENTICATED', message)

export const notFound = (what = 'approval request') =>
  new HttpError(404, 'CS_NOT_FOUND', `No such ${what}, or you may not see it.`)

export const invalidBody = (message: string) => new HttpError(422, 'CS_INVALID_BODY', message)

export function refusalError(refusal: DecideRefusal | 'not_found', request_id: number): HttpError {
  switch (refusal) {
    case 'not_found':
    case 'not_visible':
      return notFound()
    case 'requester_cannot_decide':
      return new HttpError(
        403,
        'CS_REQUESTER_CANNOT_DECIDE',
        `You filed request ${request_id} (through your AI connection), so you cannot approve or reject it; the assigned approver or another MCP administrator must.`,
      )
    case 'not_pending':
      return new HttpError(
        409,
        'CS_NOT_PENDING',
        `Request ${request_id} is no longer pending: it has already been decided or has expired.`,
      )
    case 'expired':
      return new HttpError(
        409,
        'CS_EXPIRED',
        `Request ${request_id} has expired and can no longer be decided; the AI can file a fresh one.`,
      )
  }
}

export const forbidden = (message: string) => new HttpError(403, 'CS_FORBIDDEN', message)

export const crossSite = () =>
  new HttpError(
    403,
    'CS_CROSS_SITE',
    'The JSON API does not answer pages of other sites. Use the console, the countersign CLI or a script.',
  )

export const jsonRequired = () =>
  new HttpError(
    415,
    'CS_JSON_REQUIRED',
    'Send the body as JSON with Content-Type: application/json ({} when there is nothing to say).',
  )

// The console's refusals (web/console/): HTML pages with these statuses, or JSON on the API's session path.

export const csrfInvalid = () =>
  new HttpError(
    403,
    'CS_CSRF_INVALID',
    'This form is out of date or did not come from this console (missing or wrong CSRF token). Reload the page and try again.',
  )

export const administratorsOnly = () =>
  new HttpError(403, 'CS_ADMINISTRATORS_ONLY', 'Only MCP administrators may open this page.')

export const loginRefused = () =>
  new HttpError(
    401,
    'CS_LOGIN_REFUSED',
    'Odoo did not accept this login with this password or API key. Check both and try again.',
  )

export const tooManyAttempts = (retry_after_s: number) =>
  new HttpError(
    429,
    'CS_TOO_MANY_ATTEMPTS',
    `Too many login attempts with a wrong password or API key. Wait ${
      retry_after_s < 120 ? `${retry_after_s} seconds` : `${Math.ceil(retry_after_s / 60)} minutes`
    }, then try again.`,
    { 'retry-after': String(retry_after_s) },
  )

export const tooManyPosts = (retry_after_s: number) =>
  new HttpError(
    429,
    'CS_TOO_MANY_REQUESTS',
    `Too many login requests from your address. Wait ${retry_after_s} seconds, then try again.`,
    { 'retry-after': String(retry_after_s) },
  )

export const odooUnavailable = () =>
  new HttpError(503, 'CS_ODOO_UNAVAILABLE', 'Odoo did not answer. Try again in a moment.')
