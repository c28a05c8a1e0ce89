#!/usr/bin/env node
/**
 * The `countersign` command line: parses arguments and hands each command to src/commands/.
 * Commands are imported lazily so `--help` and `stdio` do not load the web stack. Every failure
 * ends with exit code 1 and one line on stderr; nothing here decides business rules.
 */
import { Command, InvalidArgumentError } from 'commander'
import { ConfigError } from './config.js'
import { OdooError } from './odoo/errors.js'

function port(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('give a TCP port (0-65535)')
  return n
}

/** Runs a command; turns any failure into one clear line and exit code 1. */
async function run(task: () => Promise<unknown>): Promise<void> {
  try {
    await task()
  } catch (error) {
    process.exitCode = 1
    if (error instanceof ConfigError) console.error(`countersign: ${error.message}`)
    else if (error instanceof OdooError) console.error(`countersign: Odoo: ${error.message}`)
    else if (error instanceof Error) console.error(`countersign: ${error.message}`)
    else console.error(`countersign: ${String(error)}`)
  }
}

const program = new Command()
  .name('countersign')
  .description('MCP server for Odoo where risky AI actions wait for a human approver')
  .showHelpAfterError()

program
  .command('serve')
  .description('serve MCP at /mcp, the approver console at /, the JSON API at /api')
  .action(() => run(async () => (await import('./commands/serve.js')).serveCommand(process.env)))

program
  .command('sandbox')
  .description(
    'run the simulated Odoo (demo data, users admin/demo/restricted) for trying Countersign and for tests',
  )
  .option('--port <port>', 'port to listen on', port, 8069)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .action((options: { port: number; host: string }) =>
    run(async () => (await import('./sandbox/index.js')).runSandboxCommand(options)),
  )

program.parseAsync(process.argv)
