/**
 * The benchmark's figures as rows, and their rendering: a fixed-width table for the terminal and
 * the JSON written to bench/results.json. A row is a timing summary or a single value, with its
 * ratio to a baseline measured in the same run and, where the spec sets one, its target.
 */
import type { Summary } from './stats.js'

export interface Row {
  section: string
  name: string
  summary?: Summary
  /** A figure that is not a latency (MiB, a count). */
  value?: { amount: number; unit: string }
  /** This row's median (or value) divided by the baseline's, and what the baseline is. */
  ratio?: { value: number; baseline: string }
  target?: { text: string; met: boolean }
  note?: string
}

export function ratioOf(a: Summary | number, b: Summary | number, baseline: string): Row['ratio'] {
  const x = typeof a === 'number' ? a : a.median_ms
  const y = typeof b === 'number' ? b : b.median_ms
  return { value: x / y, baseline }
}

const fmt = (n: number | undefined, digits = 2) =>
  n === undefined || Number.isNaN(n)
    ? ''
    : Math.abs(n) >= 1000
      ? Math.round(n).toLocaleString('en-US')
      : n.toFixed(digits)

const COLUMNS = [
  { title: 'figure', width: 50, align: 'left' },
  { title: 'median ms', width: 10, align: 'right' },
  { title: 'p99 ms', width: 9, align: 'right' },
  { title: 'n', width: 6, align: 'right' },
  { title: 'ops/s', width: 8, align: 'right' },
  { title: 'ratio', width: 26, align: 'left' },
  { title: 'target', width: 26, align: 'left' },
] as const

function cell(text: string, width: number, align: 'left' | 'right'): string {
  const clipped = text.length > width ? `${text.slice(0, width - 1)}…` : text
  return align === 'left' ? clipped.padEnd(width) : clipped.padStart(width)
}

export function renderTable(rows: readonly Row[]): string {
  const line = (cells: string[]) => COLUMNS.map((c, i) => cell(cells[i] ?? '', c.width, c.align)).join(' ')
  const out: string[] = [line(COLUMNS.map((c) => c.title)), COLUMNS.map((c) => '─'.repeat(c.width)).join(' ')]
  let section = ''
  for (const row of rows) {
    if (row.section !== section) {
      if (section !== '') out.push('')
      section = row.section
      out.push(section)
    }
    const s = row.summary
    const ratio = row.ratio
      ? `${fmt(row.ratio.value, row.ratio.value < 10 ? 2 : 1)}× ${row.ratio.baseline}`
      : ''
    const target = row.target ? `${row.target.met ? 'met' : 'MISSED'}: ${row.target.text}` : ''
    out.push(
      line([
        `  ${row.name}`,
        s
          ? fmt(s.median_ms, 3)
          : row.value
            ? `${fmt(row.value.amount, row.value.unit === 'ms' ? 3 : 1)} ${row.value.unit}`
            : '',
        s ? fmt(s.p99_ms, 3) : '',
        s ? String(s.samples) : '',
        s ? fmt(s.per_second, 0) : '',
        ratio,
        target,
      ]),
    )
    if (row.note) out.push(`      ${row.note}`)
  }
  return out.join('\n')
}
