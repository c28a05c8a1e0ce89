/**
 * Reading values as Odoo's JSON gives them, shared by the pure core (summary, effects) and the tools.
 * Pure.
 */

/**
 * `table[key]` for the table's own entries only. Model names come from the AI, and "constructor" is
 * a valid one: a plain lookup would return Object.prototype.constructor (found by the property test
 * in test/mcp/arguments.property.test.ts, which then crashed on it).
 */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined
}

/** Odoo reads a many2one as `[id, "display name"]`, or `false` when empty. */
export function many2oneName(value: unknown): string | null {
  return Array.isArray(value) && typeof value[1] === 'string' ? value[1] : null
}
