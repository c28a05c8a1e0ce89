/**
 * Text from Odoo or the store, made safe to print on a terminal. A partner name, a summary or an
 * approver note may hold control characters: ESC sequences that move the cursor or erase a line, a
 * carriage return, a newline, BEL, or a bidi override that makes a terminal show the characters
 * after it in another order. Printed raw, they let whoever wrote the name rewrite what the approver
 * reads. Each such character becomes a visible escape (`\x1b`, `\u202e`); everything else — accents,
 * emoji, CJK, a backslash — is left as it is. Pure: the CLI (src/commands/) prints through it.
 */

/** C0 controls and DEL, the C1 controls, and the bidi embeddings, overrides and isolates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

function hex(c: string, digits: number): string {
  return (c.codePointAt(0) as number).toString(16).padStart(digits, '0')
}

/** `text` with every control and bidi character written as `\xNN` (up to U+00FF) or `\uNNNN`. */
export function printable(text: string): string {
  return text.replace(UNSAFE, (c) =>
    (c.codePointAt(0) as number) <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`,
  )
}

/** Characters JSON.stringify leaves raw inside strings although a terminal acts on them. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

/**
 * JSON.stringify for a terminal: JSON already escapes C0 controls, and here DEL, the C1 controls and
 * the bidi characters become `\uNNNN` too. Such characters only occur inside JSON strings, where
 * `\uNNNN` is the same character: the output parses back to exactly `value`.
 */
export function printableJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, (c) => `\\u${hex(c, 4)}`)
}

/**
 * A name from Odoo as the approver may trust it: in quotes, so it never reads as Countersign's own
 * words; control and bidi characters written visibly; at most `max` characters.
 */
export function quoted(text: string, max = 120): string {
  return `“${clean(text, max)}”`
}

/** Sanitised and capped (counting characters, not UTF-16 units), with how much was cut. */
export function clean(text: string, max: number): string {
  // Typed as a string, but fed from Odoo's JSON and the AI's arguments: never trust the type to hold.
  const whole = typeof text === 'string' ? text : String(text)
  const chars = [...whole]
  const kept =
    chars.length > max ? `${chars.slice(0, max).join('')}… (${chars.length - max} more characters)` : whole
  return printable(kept)
}
