/**
 * What a method returns when Odoo would return records: JSON-RPC turns it into ids (or one id
 * for `@api.returns(..., lambda value: value.id)` methods), JSON-2 always into a list of ids.
 * Does nothing else.
 */
export class Recordset {
  constructor(
    readonly model: string,
    readonly ids: readonly number[],
  ) {}
}
