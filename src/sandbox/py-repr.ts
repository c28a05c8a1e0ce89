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

/**
 * Reads a Python literal of lists, tuples, strings, numbers, True/False/None, as stored in
 * `mailing.mailing.mailing_domain` (e.g. `[('state', '=', 'sale')]`). Tuples become arrays.
 * Throws SyntaxError on anything else; does not evaluate expressions.
 */
export function parsePyLiteral(text: string): unknown {
  let i = 0
  const skip = () => {
    while (i < text.length && /\s/.test(text[i] as string)) i++
  }
  const value = (): unknown => {
    skip()
    const ch = text[i]
    if (ch === '[' || ch === '(') {
      const close = ch === '[' ? ']' : ')'
      i++
      const items: unknown[] = []
      skip()
      while (text[i] !== close) {
        items.push(value())
        skip()
        if (text[i] === ',') i++
        else if (text[i] !== close) throw new SyntaxError(`expected , or ${close} at ${i}`)
        skip()
      }
      i++
      return items
    }
    if (ch === "'" || ch === '"') {
      let out = ''
      i++
      while (i < text.length && text[i] !== ch) {
        if (text[i] === '\\') i++
        out += text[i]
        i++
      }
      i++
      return out
    }
    const word = /^(True|False|None|-?\d+(\.\d+)?)/.exec(text.slice(i))
    if (!word) throw new SyntaxError(`unexpected ${String(ch)} at ${i}`)
    i += (word[0] as string).length
    if (word[0] === 'True') return true
    if (word[0] === 'False') return false
    if (word[0] === 'None') return null
    return Number(word[0])
  }
  const result = value()
  skip()
  if (i !== text.length) throw new SyntaxError(`trailing text at ${i}`)
  return result
}
