/**
 * The page shell every console page shares: head (viewport, CSRF token for the script, stylesheet,
 * the one deferred script), skip link, navigation (everyone's own Connections; Profiles and the Audit log only
 * for MCP administrators), the signed-in person with a log-out form, and banners. Plus small formatting
 * helpers the views share. Renders only; does not decide who may see what.
 */
import type { Actor } from '../../approvals/deps.js'
import { VERSION } from '../../version.js'
import { type Html, html, type Renderable } from './html.js'

export type Section = 'approvals' | 'connections' | 'profiles' | 'audit'

export interface Viewer {
  actor: Actor
  /** This page's CSRF token, for forms and for console.js (meta `csrf-token`). */
  csrf: string
}

export interface PageOptions {
  title: string
  viewer: Viewer | null
  section?: Section
  body: Renderable
}

const ASSETS = `v=${encodeURIComponent(VERSION)}`

export function page(options: PageOptions): Html {
  const { viewer } = options
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${viewer && html`<meta name="csrf-token" content="${viewer.csrf}">`}
<title>${options.title} · Countersign</title>
<link rel="stylesheet" href="/static/console.css?${ASSETS}">
<script src="/static/console.js?${ASSETS}" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="/approvals">Countersign</a>
  ${viewer && navigation(viewer, options.section)}
</header>
<main id="main" tabindex="-1">
${options.body}
</main>
</body>
</html>
`
}

function navigation(viewer: Viewer, section: Section | undefined): Html {
  const link = (href: string, label: string, key: Section) =>
    html`<li><a href="${href}"${section === key ? html` aria-current="page"` : ''}>${label}</a></li>`
  return html`<nav aria-label="Main"><ul>
    ${link('/approvals', 'Approvals', 'approvals')}
    ${link('/connections', 'Connections', 'connections')}
    ${viewer.actor.is_admin && [link('/profiles', 'Profiles', 'profiles'), link('/audit', 'Audit log', 'audit')]}
  </ul></nav>
  <form class="logout" method="post" action="/logout">
    <input type="hidden" name="_csrf" value="${viewer.csrf}">
    <span class="who">${viewer.actor.name} (${viewer.actor.login})${viewer.actor.is_admin && ' · MCP administrator'}</span>
    <button type="submit">Log out</button>
  </form>`
}

export type BannerKind = 'info' | 'success' | 'warning' | 'error'

/** A message at the top of a page; `role="alert"` for problems so screen readers announce them. */
export function banner(kind: BannerKind, content: Renderable): Html {
  const role = kind === 'error' || kind === 'warning' ? 'alert' : 'status'
  return html`<div class="banner banner-${kind}" role="${role}">${content}</div>`
}

/** A time as fixed-width UTC text, inside `<time>` so scripts and readers get the exact value. */
export function when(date: Date | null): Html {
  if (!date) return html`<span class="none">—</span>`
  const iso = date.toISOString()
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`
}

export function hidden(name: string, value: string | number): Html {
  return html`<input type="hidden" name="${name}" value="${value}">`
}

/** `/path?a=1&b=2`, leaving out empty values. */
export function link(path: string, query: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  const text = params.toString()
  return text ? `${path}?${text}` : path
}

/**
 * Previous / next links and "page N of M"; nothing when everything fits on one page. Past the
 * store's count limit the total is a lower bound: "Page 1 of 400+ (more than 10000)".
 */
export function pager(
  current: { page: number; page_size: number; total: number; total_exact: boolean },
  href: (page: number) => string,
): Html | null {
  const pages = Math.max(1, Math.ceil(current.total / current.page_size))
  const exact = current.total_exact
  if (pages <= 1 && exact) return null
  const { page } = current
  const older = page < pages || !exact
  return html`<nav class="pager" aria-label="Pages">
    ${page > 1 ? html`<a href="${href(page - 1)}" rel="prev">← Newer</a>` : html`<span></span>`}
    <span>Page ${page} of ${exact ? pages : `${pages}+`} (${exact ? `${current.total} in all` : `more than ${current.total}`})</span>
    ${older ? html`<a href="${href(page + 1)}" rel="next">Older →</a>` : html`<span></span>`}
  </nav>`
}
