/** How many times `needle` occurs in a text or in raw bytes (a database file, a log): secrets tests count a password's. */
export function occurrences(haystack: string | Buffer, needle: string): number {
  const text = typeof haystack === 'string' ? Buffer.from(haystack) : haystack
  const wanted = Buffer.from(needle)
  let count = 0
  for (let at = text.indexOf(wanted); at !== -1; at = text.indexOf(wanted, at + 1)) count++
  return count
}
