/** Countersign's version, as package.json says; shown to MCP clients and in `--version`. */
import { createRequire } from 'node:module'

const pkg = createRequire(import.meta.url)('../package.json') as { version: string }

export const VERSION: string = pkg.version
