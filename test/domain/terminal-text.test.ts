/**
 * Text printed on a terminal by the CLI: every control and bidi character becomes a visible escape,
 * everything else stays exactly as it was. The expected column is written by hand.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { clean, printable, printableJson, quoted } from '../../src/domain/terminal-text.js'
import { rawControls } from '../helpers/terminal.js'

const table: Array<[string, string, string]> = [
  ['plain ASCII', 'Azure Interior', 'Azure Interior'],
  ['accents', 'Société Générale — Zürich', 'Société Générale — Zürich'],
  ['emoji (astral)', 'Deal 🎉👍🏽', 'Deal 🎉👍🏽'],
  ['CJK', '株式会社テスト 漢字', '株式会社テスト 漢字'],
  ['Arabic and Hebrew (no override)', 'شركة עברית', 'شركة עברית'],
  ['a backslash stays one', 'C:\\x1b', 'C:\\x1b'],
  ['ESC sequence erasing a line', 'a\u001b[2Kb', 'a\\x1b[2Kb'],
  ['CR back to the start of the line', 'safe\rWARNING', 'safe\\x0dWARNING'],
  ['LF', 'one\ntwo', 'one\\x0atwo'],
  ['TAB', 'a\tb', 'a\\x09b'],
  ['BEL', 'ding\u0007', 'ding\\x07'],
  ['NUL', 'a\u0000b', 'a\\x00b'],
  ['backspace', 'ab\bc', 'ab\\x08c'],
  ['DEL', 'a\u007fb', 'a\\x7fb'],
  ['C1 CSI (8-bit ESC [)', 'a\u009b2Jb', 'a\\x9b2Jb'],
  ['C1 NEL and OSC', '\u0085\u009d', '\\x85\\x9d'],
  ['no-break space is text', 'a\u00a0b', 'a\u00a0b'],
  ['LRE LRO RLE PDF RLO', '\u202a\u202b\u202c\u202d\u202e', '\\u202a\\u202b\\u202c\\u202d\\u202e'],
  ['LRI RLI FSI PDI', '\u2066\u2067\u2068\u2069', '\\u2066\\u2067\\u2068\\u2069'],
  ['right-to-left override in a file name', 'invoice\u202efdp.exe', 'invoice\\u202efdp.exe'],
  ['the neighbours of the bidi ranges are text', '\u2029\u202f\u2065\u206a', '\u2029\u202f\u2065\u206a'],
  ['the empty string', '', ''],
]

describe('printable', () => {
  it.each(table)('%s', (_what, input, expected) => {
    expect(printable(input)).toBe(expected)
  })

  it('leaves no control or bidi character in any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(rawControls(printable(text))).toEqual([])
      }),
    )
  })

  it('changes nothing in text without such characters', () => {
    const safe = fc.string({ unit: 'binary' }).filter((t) => rawControls(t).length === 0)
    fc.assert(
      fc.property(safe, (text) => {
        expect(printable(text)).toBe(text)
      }),
    )
  })
})

describe('printableJson', () => {
  it('escapes C1 and bidi characters that JSON.stringify leaves raw', () => {
    const value = { name: 'a\u009b2J\u202eb\u001b[1A', emoji: '🎉', n: 1 }
    expect(printableJson(value)).toBe('{"name":"a\\u009b2J\\u202eb\\u001b[1A","emoji":"🎉","n":1}')
  })

  it('parses back to the same value, with no control or bidi character left raw', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ noUnicodeString: false }),
        fc.constantFrom(undefined, 2),
        (value, indent) => {
          const text = printableJson(value, indent)
          expect(rawControls(text, indent !== undefined)).toEqual([])
          expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)))
        },
      ),
    )
  })
})

describe('quoted and clean: names from Odoo as data', () => {
  it('quotes, makes control and bidi characters visible, and caps by characters with the count cut', () => {
    expect(quoted('S00026')).toBe('“S00026”')
    expect(quoted('a\nb\u202ec')).toBe('“a\\x0ab\\u202ec”')
    expect(clean('😀'.repeat(5), 3)).toBe('😀😀😀… (2 more characters)')
  })

  it('never throws on a value that is not a string (Odoo JSON and AI arguments are not typed)', () => {
    expect(clean(42 as unknown as string, 10)).toBe('42')
    expect(quoted(false as unknown as string)).toBe('“false”')
  })
})
