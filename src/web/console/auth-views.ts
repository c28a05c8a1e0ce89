/**
 * The login page and the error page of the console. Renders only: the routes check credentials
 * and choose the status from web/errors.ts.
 */
import type { HttpError } from '../errors.js'
import { type Html, html } from './html.js'
import { banner, hidden, page, type Viewer } from './layout.js'

export function loginPage(options: {
  csrf: string
  next: string
  login?: string
  error?: string
  /** Why the last session ended, in our own words. */
  notice?: string
}): Html {
  return page({
    title: 'Log in',
    viewer: null,
    body: html`<section class="login" aria-labelledby="login-h">
<h1 id="login-h">Log in to Countersign</h1>
<p>Use your Odoo login with your Odoo password or one of your Odoo API keys.</p>
${options.notice && banner('warning', options.notice)}
${options.error && banner('error', options.error)}
<form method="post" action="/login">
  ${hidden('_csrf', options.csrf)}
  ${hidden('next', options.next)}
  <div class="field">
    <label for="login">Odoo login</label>
    <input id="login" name="login" type="text" autocomplete="username" required maxlength="200"
      value="${options.login ?? ''}" autocapitalize="none" spellcheck="false">
  </div>
  <div class="field">
    <label for="secret">Password or API key</label>
    <input id="secret" name="secret" type="password" autocomplete="current-password" required maxlength="1000">
  </div>
  <button type="submit">Log in</button>
</form>
</section>`,
  })
}

const TITLES: Record<number, string> = {
  401: 'Please log in',
  403: 'Not allowed',
  404: 'Not found',
  409: 'No longer possible',
  422: 'Please check the form',
  429: 'Too many attempts',
  503: 'Odoo is not answering',
}

export function errorPage(viewer: Viewer | null, error: HttpError): Html {
  const title = TITLES[error.statusCode] ?? 'Something went wrong'
  return page({
    title,
    viewer,
    body: html`<h1>${title}</h1>
${banner(error.statusCode >= 500 ? 'error' : 'warning', error.message)}
<p class="code">HTTP ${error.statusCode} · <code>${error.code}</code></p>
<p>${error.statusCode === 401 ? html`<a href="/login">Log in</a>` : html`<a href="/approvals">Back to the approvals</a>`}</p>`,
  })
}
