// Countersign console: progressive enhancement only. Every action works without this file.
// - On a request page, polls GET /api/approvals/:id (console session + x-csrf-token header) and
//   keeps status / execution_status current; when they change, reloads so the result shows.
// - Asks before submitting forms marked data-confirm (revoke, rotate); selects a shown token.
;(() => {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content')

  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.getAttribute('data-confirm'))) event.preventDefault()
    })
  }
  for (const input of document.querySelectorAll('input[data-select]')) {
    input.addEventListener('focus', () => input.select())
  }

  const article = document.querySelector('article.request[data-request-id]')
  if (!article || !csrf) return
  const id = article.getAttribute('data-request-id')
  const shown = {
    status: article.getAttribute('data-status'),
    execution_status: article.getAttribute('data-execution-status'),
  }
  const live = document.getElementById('live')
  const settled = (s) =>
    s.status === 'rejected' ||
    s.status === 'expired' ||
    (s.status === 'approved' && (s.execution_status === 'success' || s.execution_status === 'error'))
  if (settled(shown)) return

  let delay = 2000
  const poll = async () => {
    try {
      const response = await fetch(`/api/approvals/${encodeURIComponent(id)}?brief=1`, {
        headers: { accept: 'application/json', 'x-csrf-token': csrf },
        credentials: 'same-origin',
        cache: 'no-store',
      })
      if (response.status === 401) {
        if (live) live.textContent = 'Your session has ended; log in again to see updates.'
        return
      }
      if (response.ok) {
        const now = await response.json()
        if (now.status !== shown.status || now.execution_status !== shown.execution_status) {
          for (const el of document.querySelectorAll('[data-field="status"]')) el.textContent = now.status
          for (const el of document.querySelectorAll('[data-field="execution_status"]')) {
            el.textContent = now.execution_status
          }
          if (live)
            live.textContent = `status is now ${now.status}, execution_status ${now.execution_status}; updating the page…`
          // A typed-in note is only lost when the request is no longer pending, and then no longer usable.
          // After a refused POST (409) the address is the form's: load the request page, never re-POST.
          const page = `/approvals/${encodeURIComponent(id)}`
          window.setTimeout(() => {
            if (window.location.pathname === page) window.location.reload()
            else window.location.assign(page)
          }, 600)
          return
        }
      }
    } catch {
      // Offline or server restarting: keep trying, more slowly.
      delay = Math.min(delay * 2, 30000)
    }
    window.setTimeout(poll, delay)
  }
  window.setTimeout(poll, delay)
})()
