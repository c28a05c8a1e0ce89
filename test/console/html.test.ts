import { describe, expect, it } from 'vitest'
import { escapeHtml, html, isHtml } from '../../src/web/console/html.js'
import { pager } from '../../src/web/console/layout.js'

describe('html: escaping by default', () => {
  it('escapes every interpolated string, in text and in quoted attributes', () => {
    const evil = `<script>alert("x")</script>' onmouseover='x' \``
    const out = html`<p title="${evil}">${evil}</p>`.text
    expect(out).not.toContain('<script>')
    expect(out).not.toContain(`"x"`)
    expect(out).toBe(`<p title="${escapeHtml(evil)}">${escapeHtml(evil)}</p>`)
    expect(escapeHtml(evil)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x&#39; &#96;',
    )
  })

  it('nests templates and joins arrays without escaping them twice', () => {
    const items = ['a&b', '<i>']
    const out = html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`.text
    expect(out).toBe('<ul><li>a&amp;b</li><li>&lt;i&gt;</li></ul>')
  })

  it('renders nothing for null, undefined and booleans, and numbers as text', () => {
    expect(html`${null}${undefined}${false}${true}${0}${12.5}`.text).toBe('012.5')
  })

  it('does not trust look-alike objects: only html templates make Html', () => {
    const forged = JSON.parse('{"text":"<b>x</b>"}') as unknown
    expect(isHtml(forged)).toBe(false)
    expect(html`${String((forged as { text: string }).text)}`.text).toBe('&lt;b&gt;x&lt;/b&gt;')
  })
})

describe('pager', () => {
  const href = (page: number) => `/approvals?page=${page}`
  const text = (value: { text: string } | null) => value?.text ?? ''

  it('says "page N of M (T in all)" and links both ways when the total is exact', () => {
    const nav = text(pager({ page: 2, page_size: 25, total: 60, total_exact: true }, href))
    expect(nav).toContain('Page 2 of 3 (60 in all)')
    expect(nav).toContain('href="/approvals?page=1"')
    expect(nav).toContain('href="/approvals?page=3"')
    expect(pager({ page: 1, page_size: 25, total: 25, total_exact: true }, href)).toBeNull()
  })

  it('past the count limit shows a lower bound and always offers older requests', () => {
    const nav = text(pager({ page: 1, page_size: 25, total: 10_000, total_exact: false }, href))
    expect(nav).toContain('Page 1 of 400+ (more than 10000)')
    expect(nav).toContain('href="/approvals?page=2"')
    const far = text(pager({ page: 400, page_size: 25, total: 10_000, total_exact: false }, href))
    expect(far).toContain('href="/approvals?page=401"')
  })
})
