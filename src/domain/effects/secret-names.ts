/** Placeholder until the masking rules land (src/domain/secrets.ts): field names that hold secrets. */
export const MASK = '•••• (hidden)'
export function isSecretName(field: string): boolean {
  return /pass(wd|word)?|secret|token|(^|_)key($|_)|api_?key/i.test(field)
}
