/**
 * How deeply a parsed JSON value nests arrays and objects, measured without recursion: what
 * arrives over /mcp, /api, the console and stdio may be nested far deeper than any call stack, and
 * the code it would reach next (the MCP SDK, canonical JSON, JSON.stringify) recurses. Pure.
 */

/**
 * Whether `value` nests arrays or objects more than `max` levels deep (`0` is 0 levels, `[]` and
 * `{}` 1, `[[0]]` 2). Walks with its own stack and stops at the first container past `max`, so
 * a value nested a million levels costs no more than one nested `max + 1`.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const containers: object[] = []
  const levels: number[] = []
  if (value !== null && typeof value === 'object') {
    containers.push(value)
    levels.push(1)
  }
  while (containers.length > 0) {
    const container = containers.pop() as object
    const level = levels.pop() as number
    if (level > max) return true
    for (const child of Array.isArray(container) ? container : Object.values(container)) {
      if (child !== null && typeof child === 'object') {
        containers.push(child)
        levels.push(level + 1)
      }
    }
  }
  return false
}
