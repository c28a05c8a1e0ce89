/**
 * The exceptions the sandbox raises, named and worded like the Python exceptions Odoo 17 lets
 * escape over RPC (`odoo.exceptions.AccessError`, `builtins.ValueError`, …). The protocol
 * modules serialise them (jsonrpc.ts into `error.data`, json2.ts into the body). Does not pick
 * HTTP statuses except JSON-2's (Odoo 19 `http_status` per class), and holds no message
 * catalogue: each rule writes Odoo's own text where it raises.
 */

export class OdooException extends Error {
  /** Fully qualified Python class name, as `serialize_exception` prints it. */
  readonly odoo_name: string
  /** Python's `exception.args`. */
  readonly arguments: unknown[]
  /** HTTP status JSON-2 (Odoo 19) answers with for this class. */
  readonly http_status: number

  constructor(odoo_name: string, message: string, http_status: number, args?: unknown[]) {
    super(message)
    this.name = odoo_name.slice(odoo_name.lastIndexOf('.') + 1)
    this.odoo_name = odoo_name
    this.http_status = http_status
    this.arguments = args ?? [message]
  }

  /** A Python-looking traceback for `debug`; real Odoo sends its server's stack here. */
  debug(where: string): string {
    return [
      'Traceback (most recent call last):',
      `  File "odoo/sandbox", line 1, in ${where}`,
      `${this.odoo_name}: ${this.message}`,
      '',
    ].join('\n')
  }
}

// Odoo 19 odoo/exceptions.py: UserError.http_status = 422, AccessDenied/AccessError = 403,
// MissingError = 404; anything that is not a UserError is a 500 in the JSON-2 dispatcher.
export const userError = (message: string) => new OdooException('odoo.exceptions.UserError', message, 422)
export const accessError = (message: string) => new OdooException('odoo.exceptions.AccessError', message, 403)
export const accessDenied = (message = 'Access Denied') =>
  new OdooException('odoo.exceptions.AccessDenied', message, 403)
export const missingError = (message: string) =>
  new OdooException('odoo.exceptions.MissingError', message, 404)
export const validationError = (message: string) =>
  new OdooException('odoo.exceptions.ValidationError', message, 422)
export const valueError = (message: string) => new OdooException('builtins.ValueError', message, 500)
export const typeError = (message: string) => new OdooException('builtins.TypeError', message, 500)
export const keyError = (message: string) => new OdooException('builtins.KeyError', message, 500)
export const attributeError = (message: string) => new OdooException('builtins.AttributeError', message, 500)
export const assertionError = (message: string) => new OdooException('builtins.AssertionError', message, 500)

/** Werkzeug HTTP exceptions raised by the JSON-2 controller itself (not by the ORM). */
export class HttpException extends OdooException {
  constructor(
    readonly werkzeug:
      | 'Unauthorized'
      | 'NotFound'
      | 'UnprocessableEntity'
      | 'BadRequest'
      | 'MethodNotAllowed',
    status: number,
    description: string,
  ) {
    super(`werkzeug.exceptions.${werkzeug}`, description, status, [description, status])
  }
}

export function isOdooException(error: unknown): error is OdooException {
  return error instanceof OdooException
}
