/**
 * HTML as values that escape by default: the `html` tagged template escapes every interpolated
 * string and number; only `Html` values pass through unchanged, and the only way to make one is
 * an `html` template, so markup can come only from the literal parts of templates in this source
 * tree. There is deliberately no `raw()` opt-out. Arrays are joined; null, undefined and booleans
 * render nothing, so `${cond && html`…`}` works.
 * Does not know about pages or layout (layout.ts) and does no context checks: interpolate into
 * text or quoted attributes only (`href="${url}"`), never into unquoted attributes, `<script>` or
 * `style` (the console has no inline script or style; its CSP forbids them anyway).
 */

const BRAND: unique symbol = Symbol('html')

export interface Html {
  readonly [BRAND]: true
  readonly text: string
}

export type Renderable = Html | string | number | boolean | null | undefined | readonly Renderable[]

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => ESCAPES[c] as string)
}

export function isHtml(value: unknown): value is Html {
  return typeof value === 'object' && value !== null && BRAND in value
}

function render(value: Renderable): string {
  if (isHtml(value)) return value.text
  if (value === null || value === undefined || typeof value === 'boolean') return ''
  if (Array.isArray(value)) return value.map(render).join('')
  return escapeHtml(String(value))
}

export function html(strings: TemplateStringsArray, ...values: Renderable[]): Html {
  let text = strings[0] ?? ''
  for (let i = 0; i < values.length; i++) text += render(values[i] as Renderable) + (strings[i + 1] ?? '')
  return { [BRAND]: true, text }
}
