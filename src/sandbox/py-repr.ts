/**
 * Python's `repr()` of JSON values, so the sandbox's error texts quote values the way Odoo's
 * (Python) messages do, e.g. `Invalid field res.partner.foo in leaf ('foo', '=', 1)`.
 * Does not aim at every Python type: only what arrives over JSON (str, int, float, bool, None,
 * list, dict). Domain leaves are tuples in Odoo, so `reprTuple` exists for them.
 */

export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'number') return pyNumber(value)
  if (typeof value === 'string') return pyString(value)
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`
  if (typeof value === 'object') {
    const items = Object.entries(value as Record<string, unknown>).map(
      ([k, v]) => `${pyString(k)}: ${pyRepr(v)}`,
    )
    return `{${items.join(', ')}}`
  }
  return String(value)
}

/** A domain leaf as Python prints the tuple Odoo makes of it. */
export function reprTuple(items: readonly unknown[]): string {
  if (items.length === 1) return `(${pyRepr(items[0])},)`
  return `(${items.map(pyRepr).join(', ')})`
}

function pyNumber(value: number): string {
  if (Number.isInteger(value) && !Object.is(value, -0)) return String(value)
  if (Number.isInteger(value)) return '-0.0'
  return String(value)
}

// Python prefers single quotes and switches to double quotes when the text holds a single quote
// and no double quote.
function pyString(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'"
  let out = ''
  for (const ch of value) {
    if (ch === '\\') out += '\\\\'
    else if (ch === quote) out += `\\${quote}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else out += ch
  }
  return `${quote}${out}${quote}`
}
