/**
 * What a terminal would act on in a text, for the tests of the CLI's escaping. Written with code
 * point comparisons, apart from src/domain/terminal-text.ts, so a mistake there is not repeated here.
 */

/** Whether a terminal acts on this code point: C0 (but a newline when `keepNewline`), DEL, C1, bidi. */
export function actsOnTerminal(code: number, keepNewline = false): boolean {
  if (keepNewline && code === 0x0a) return false
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  )
}

/** The code points of `text` a terminal would act on. */
export function rawControls(text: string, keepNewline = false): number[] {
  return [...text].map((c) => c.codePointAt(0) as number).filter((n) => actsOnTerminal(n, keepNewline))
}
