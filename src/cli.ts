#!/usr/bin/env node
/**
 * The `countersign` command line: parses arguments and hands each command to src/commands/.
 * Commands are imported lazily so `--help` and `stdio` do not load the web stack. Every failure
 * ends with exit code 1 and one line on stderr; nothing here decides business rules.
 */
import { Command, InvalidArgumentError } from 'commander'
import { ConfigError } from './config.js'
import { EFFECT_KINDS } from './domain/effects/effect.js'
import { RECOMMENDED_APPROVAL_EFFECTS } from './domain/policy.js'
import { printable } from './domain/terminal-text.js'
import { OdooError } from './odoo/errors.js'
import { VERSION } from './version.js'

function port(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('give a TCP port (0-65535)')
  return n
}

/**
 * Runs a command; turns any failure into one clear line and exit code 1. The message may quote Odoo
 * or the server (a record's name in Odoo's refusal), so it is printed through terminal-text.ts.
 */
async function run(task: () => Promise<unknown>): Promise<void> {
  try {
    await task()
  } catch (error) {
    process.exitCode = 1
    const say = (message: string) => console.error(printable(`countersign: ${message}`))
    if (error instanceof ConfigError) say(error.message)
    else if (error instanceof OdooError) say(`Odoo: ${error.message}`)
    else if (error instanceof Error) say(error.message)
    else say(String(error))
  }
}

const program = new Command()
  .name('countersign')
  .version(VERSION)
  .description('MCP server for Odoo where risky AI actions wait for a human approver')
  .showHelpAfterError()

program
  .command('serve')
  .description('serve MCP at /mcp, the approver console at /, the JSON API at /api')
  .action(() => run(async () => (await import('./commands/serve.js')).serveCommand(process.env)))

program
  .command('demo')
  .description(
    'try Countersign with nothing to set up: the sandbox Odoo, the server and two demo connections',
  )
  .action(() => run(async () => (await import('./commands/demo.js')).demoCommand(process.env)))

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

program
  .command('stdio')
  .description('serve MCP over stdin/stdout for a local AI client, as the connection the token belongs to')
  .option('--token <token>', 'the connection token (csk_…); or set COUNTERSIGN_TOKEN, which ps does not show')
  .action((options: { token?: string }) =>
    run(async () => {
      const token = options.token ?? process.env.COUNTERSIGN_TOKEN
      if (!token)
        throw new Error('stdio needs the connection token: --token csk_… or COUNTERSIGN_TOKEN=csk_…')
      await (await import('./commands/stdio.js')).stdioCommand(process.env, token)
    }),
  )

program
  .command('migrate')
  .description('bring the database schema up to date (serve also does this at start)')
  .action(() => run(async () => (await import('./commands/maintenance.js')).migrateCommand(process.env)))

program
  .command('expire')
  .description(
    'expire pending approval requests past their expiry now (serve does this every COUNTERSIGN_EXPIRY_INTERVAL_MINUTES)',
  )
  .action(() => run(async () => (await import('./commands/maintenance.js')).expireCommand(process.env)))

const connection = program
  .command('connection')
  .description('manage the AI clients’ connections (operator, on the store)')

function policyOptions(command: Command, creating: boolean): Command {
  command
    .option('--write', 'allow tools that change data')
    .option(
      '--allow-tools <tools>',
      'comma-separated tools this connection may use (default: all the write flag permits)',
    )
    .option('--approval-tools <tools>', 'comma-separated tools that wait for a human approver')
    .option(
      '--approval-effects <kinds>',
      `comma-separated effects that wait for a human approver whatever tool carries them: ${EFFECT_KINDS.join(', ')}, or none (default: none; recommended: ${RECOMMENDED_APPROVAL_EFFECTS.join(',')})`,
    )
    .option('--approver <login>', 'Odoo login of the approver (default: nobody, so any MCP administrator)')
    .option('--expiry-hours <hours>', 'hours a request stays open before it expires (default 4)')
    .option('--json', 'print JSON')
  if (!creating) {
    command
      .option('--name <name>', 'new name')
      .option('--no-write', 'forbid tools that change data')
      .option('--no-approver', 'remove the approver (any MCP administrator decides)')
  }
  return command
}

function profileOptions(command: Command, creating: boolean): Command {
  command
    .option('--description <text>', 'what the profile is for, shown to the people choosing it')
    .option(
      '--groups <xmlids>',
      'comma-separated Odoo groups (xml ids, e.g. sales_team.group_sale_salesman) whose members may use it, or none',
    )
    .option('--default', 'everyone may use it; it replaces the current default')
  if (!creating) command.option('--no-default', 'no longer the default')
  return policyOptions(command, creating)
}

policyOptions(
  connection
    .command('create')
    .description(
      'create a connection for one Odoo user with a key you hold (automation; people connect themselves in the console); prints its MCP token once',
    )
    .requiredOption('--name <name>', 'a name, e.g. "Claude Desktop (Marc)"')
    .requiredOption('--user <login>', 'the Odoo login the AI acts as')
    .requiredOption(
      '--odoo-api-key <key>',
      'that user’s Odoo API key (or password); checked against Odoo now. "-" reads it from stdin, out of the process list',
    ),
  true,
).action((options) =>
  run(async () => (await import('./commands/connection.js')).connectionCreate(process.env, options)),
)

connection
  .command('list')
  .description('list connections')
  .option('--json', 'print JSON')
  .action((options) =>
    run(async () => (await import('./commands/connection.js')).connectionList(process.env, options)),
  )

connection
  .command('show <id>')
  .description('show one connection and its policy')
  .option('--json', 'print JSON')
  .action((id: string, options) =>
    run(async () => (await import('./commands/connection.js')).connectionShow(process.env, id, options)),
  )

policyOptions(connection.command('update <id>').description('change a connection’s policy'), false)
  .option(
    '--profile <name|id>',
    'take the policy of this profile from now on (it replaces the other options)',
  )
  .option('--no-profile', 'leave its profile and keep the policy it had there as its own')
  .action((id: string, options) =>
    run(async () => (await import('./commands/connection.js')).connectionUpdate(process.env, id, options)),
  )

connection
  .command('revoke <id>')
  .description('revoke a connection: its token answers 401 from now on')
  .action((id: string) =>
    run(async () => (await import('./commands/connection.js')).connectionRevoke(process.env, id)),
  )

connection
  .command('rotate <id>')
  .description(
    'replace a connection’s token and print the new one (the operator, for automation); the old one stops working at once',
  )
  .option('--json', 'print JSON')
  .action((id: string, options) =>
    run(async () => (await import('./commands/connection.js')).connectionRotate(process.env, id, options)),
  )

const profile = program
  .command('profile')
  .description('manage the policy profiles people’s connections take (operator, on the store)')

profileOptions(
  profile
    .command('create')
    .description('create a policy profile')
    .requiredOption('--name <name>', 'a name, e.g. "Sales"'),
  true,
).action((options) =>
  run(async () => (await import('./commands/profile.js')).profileCreate(process.env, options)),
)

profile
  .command('list')
  .description('list profiles, the default first, with how many connections use each')
  .option('--json', 'print JSON')
  .action((options) =>
    run(async () => (await import('./commands/profile.js')).profileList(process.env, options)),
  )

profile
  .command('show <name|id>')
  .description('show one profile')
  .option('--json', 'print JSON')
  .action((id: string, options) =>
    run(async () => (await import('./commands/profile.js')).profileShow(process.env, id, options)),
  )

profileOptions(
  profile
    .command('update <name|id>')
    .description('change a profile: every connection on it takes the change at once'),
  false,
).action((id: string, options) =>
  run(async () => (await import('./commands/profile.js')).profileUpdate(process.env, id, options)),
)

profile
  .command('delete <name|id>')
  .description('delete a profile no connection uses')
  .action((id: string) =>
    run(async () => (await import('./commands/profile.js')).profileDelete(process.env, id)),
  )

const approvals = program
  .command('approvals')
  .description(
    'list and decide approval requests through a running server (COUNTERSIGN_URL, COUNTERSIGN_LOGIN, COUNTERSIGN_PASSWORD)',
  )

approvals
  .command('list')
  .description('list approval requests you may see, newest first')
  .option('--status <status>', 'pending, approved, rejected, expired or all')
  .option('--page <n>', 'page number')
  .option('--json', 'print JSON')
  .action((options) =>
    run(async () => (await import('./commands/approvals.js')).approvalsList(process.env, options)),
  )

approvals
  .command('show <id>')
  .description('show one request: summary, arguments, status, result')
  .option('--json', 'print JSON')
  .action((id: string, options) =>
    run(async () => (await import('./commands/approvals.js')).approvalsShow(process.env, id, options)),
  )

for (const verdict of ['approve', 'reject'] as const) {
  approvals
    .command(`${verdict} <id>`)
    .description(
      verdict === 'approve'
        ? 'approve a request; the server then runs it as the requester'
        : 'reject a request; nothing is run',
    )
    .option('--note <text>', 'the approver note (kept on the request, shown to the AI)')
    .option('--json', 'print JSON')
    .action((id: string, options) =>
      run(async () =>
        (await import('./commands/approvals.js')).approvalsDecide(process.env, verdict, id, options),
      ),
    )
}

program.parseAsync(process.argv)
