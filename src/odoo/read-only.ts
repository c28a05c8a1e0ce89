/**
 * Odoo methods that only read. Only these may be sent a second time when a pooled connection turns
 * out to be dead (http-post.ts): sending a write twice could run it twice.
 */
const READ_ONLY_METHODS: ReadonlySet<string> = new Set([
  'check_access_rights',
  'context_get',
  'default_get',
  'fields_get',
  'has_group',
  'name_search',
  'read',
  'read_group',
  'search',
  'search_count',
  'search_read',
])

export function isReadOnlyMethod(method: string): boolean {
  return READ_ONLY_METHODS.has(method)
}
