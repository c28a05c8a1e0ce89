/**
 * Turns a failed tool call into what the AI reads: an `isError` result in plain words, Odoo's own
 * message kept, plus a hint on what it means (e.g. "Access denied … — this Odoo user may not
 * delete Journal Entries."). The one mapping from error kinds to AI wording; does not log or audit.
 */
import { z } from 'zod'
import { pluralize } from '../domain/summary.js'
import type { Logger } from '../logger.js'
import { isOdooError } from '../odoo/errors.js'
import { ToolError } from '../tools/tool.js'

export interface ToolErrorResult {
  [key: string]: unknown
  content: Array<{ type: 'text'; text: string }>
  isError: true
}

/**
 * What a refused key means for the person: it was removed or expired in Odoo (Odoo 18+ keys of plain
 * users last at most 90 days), and nobody but them can give Countersign a new one.
 */
const STALE_KEY =
  'The API key may have been removed or may have expired in Odoo: its owner connects this AI client again in the Countersign console (Connections → Connect an AI client)'

export function errorResult(text: string): ToolErrorResult {
  return { content: [{ type: 'text', text }], isError: true }
}

/** What each tool does to records, for "this user may not <verb> <records>". */
const VERB_BY_TOOL: Record<string, string> = {
  list_models: 'read',
  describe_model: 'read',
  search_read: 'read',
  get_record: 'read',
  count_records: 'read',
  get_workflow_state: 'read',
  create_record: 'create',
  update_record: 'modify',
  delete_record: 'delete',
  batch_delete: 'delete',
  transition_state: 'change the state of',
  post_message: 'post messages on',
  execute_method: 'call this method on',
  send_test_email_template: 'send emails from',
  stage_mass_mailing_from_template: 'create',
}

/**
 * The human name Odoo puts in its access errors: "… 'Journal Entry' (account.move) records" for
 * access rights, "- Sales Order (sale.order)" for record rules (Odoo 17 ir_model.py / ir_rule.py).
 */
export function modelLabelFromAccessError(message: string): string | null {
  const acl = /'([^']+)' \(([a-z0-9_.]+)\) records/.exec(message)
  if (acl?.[1]) return acl[1]
  const rule = /\n- ([^\n(]+?) \(([a-z0-9_.]+)\)/.exec(message)
  return rule?.[1] ?? null
}

export function toolErrorResult(
  error: unknown,
  tool: string,
  login: string,
  writes: boolean,
): ToolErrorResult {
  if (error instanceof ToolError) return errorResult(error.message)
  if (!isOdooError(error)) throw error
  const message = error.message.trim()
  switch (error.kind) {
    case 'access_denied': {
      const label = modelLabelFromAccessError(message)
      const verb = VERB_BY_TOOL[tool] ?? 'do this on'
      const what = label ? pluralize(label, 2) : 'these records'
      return errorResult(`Access denied: ${message} — this Odoo user (${login}) may not ${verb} ${what}.`)
    }
    case 'user_error':
      return errorResult(`Odoo refused: ${message}`)
    case 'validation_error':
      return errorResult(`Odoo rejected the values: ${message}`)
    case 'missing_record':
      return errorResult(`Not found: ${message} — the record was deleted, or the id is wrong.`)
    case 'authentication_failed':
      // A method may raise AccessDenied itself (res.users.change_password on a wrong old password);
      // over RPC it reads the same as a refused key, so execute_method says both.
      if (tool === 'execute_method')
        return errorResult(
          `Odoo answered Access Denied (${message}): either the method refused (change_password does when the old password is wrong), or Odoo refused this connection's credentials for ${login}. ${STALE_KEY}.`,
        )
      return errorResult(`Odoo refused this connection's credentials for ${login}: ${message}. ${STALE_KEY}.`)
    case 'timeout':
    case 'network':
      if (!error.request_sent) return errorResult(`${message}. Nothing was done; try again later.`)
      return errorResult(
        writes
          ? `${message}. The change may or may not have been applied: check in Odoo (e.g. with search_read) before trying again.`
          : `${message}. Try again in a moment.`,
      )
    case 'not_found':
      return errorResult(
        `Unknown model or method: ${message} — list_models gives the technical names of the models this user may read; execute_method calls only public methods of a model.`,
      )
    case 'bad_request':
      return errorResult(
        /^Invalid field/.test(message)
          ? `Odoo rejected the call: ${message} — describe_model gives the field names of a model.`
          : `Odoo rejected the call: ${message}`,
      )
    case 'server_error':
      return errorResult(`Odoo error${error.odoo_name ? ` (${error.odoo_name})` : ''}: ${message}`)
  }
}

/** Invalid arguments: every problem named by its field path, e.g. "ids[2]: Too small…". */
export function invalidArgumentsResult(tool: string, error: z.ZodError): ToolErrorResult {
  const problems = flattenIssues(error.issues, []).map(({ path, message }) => {
    return `${path.length > 0 ? z.core.toDotPath(path) : 'arguments'}: ${message}`
  })
  return errorResult(`Invalid arguments for ${tool} (nothing was done): ${problems.join('; ')}`)
}

/** JSON-text arguments (tools/schemas.ts) whose text is not JSON, each named with what to send. */
export function invalidJsonTextResult(tool: string, problems: string[]): ToolErrorResult {
  return errorResult(`Invalid arguments for ${tool} (nothing was done): ${problems.join('; ')}`)
}

/** Arguments nested deeper than `max` levels, refused before anything reads them. */
export function nestedTooDeepResult(tool: string, max: number): ToolErrorResult {
  return errorResult(
    `Invalid arguments for ${tool} (nothing was done): they are nested deeper than ${max} levels of arrays and objects; no tool takes arguments that deep.`,
  )
}

type Issue = z.core.$ZodIssue
type Path = PropertyKey[]

/** A union branch that refused the value as a whole (wrong type or not an allowed value). */
function rejectedOutright(branch: readonly Issue[]): boolean {
  return branch.every(
    (issue) =>
      issue.path.length === 0 &&
      (issue.code === 'invalid_type' ||
        issue.code === 'invalid_value' ||
        (issue.code === 'invalid_union' && issue.errors.every(rejectedOutright))),
  )
}

/** What a branch rejected outright wanted, e.g. `array` or `one of "&", "|", "!"`. */
function expectations(branch: readonly Issue[]): string[] {
  return branch.flatMap((issue) => {
    if (issue.code === 'invalid_type') return [issue.expected === 'tuple' ? 'array' : issue.expected]
    if (issue.code === 'invalid_value')
      return [`one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`]
    if (issue.code === 'invalid_union') return issue.errors.flatMap(expectations)
    return [issue.message]
  })
}

/**
 * Zod reports a value no union branch accepts as "Invalid input" at the union, which tells the
 * model nothing (a domain term with the operator "==" came back as "domain[0]: Invalid input").
 * When exactly one branch got past the value's type, its own issues are the real problems, at their
 * deeper paths ("domain[0][1]: Invalid option: expected one of …"); when none did, the message
 * lists what the branches expected.
 */
function flattenIssues(issues: readonly Issue[], prefix: Path): Array<{ path: Path; message: string }> {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path]
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ path, message: issue.message }]
    const meant = issue.errors.filter((branch) => !rejectedOutright(branch))
    if (meant.length === 1) return flattenIssues(meant[0] as Issue[], path)
    if (meant.length === 0) {
      const wanted = [...new Set(issue.errors.flatMap(expectations))]
      const received = /received (\w+)/.exec(JSON.stringify(issue.errors))?.[1]
      const list = wanted.length > 1 ? `${wanted.slice(0, -1).join(', ')} or ${wanted.at(-1)}` : wanted[0]
      return [{ path, message: `Invalid input: expected ${list}${received ? `, received ${received}` : ''}` }]
    }
    return [{ path, message: issue.message }]
  })
}

/** Errors whose message is meant for the AI: Odoo's answers and Countersign's own refusals. */
export function isExpectedToolError(error: unknown): boolean {
  return error instanceof ToolError || isOdooError(error)
}

/**
 * Anything else is a fault of ours (a store outage, a bug): logged in full, and the AI gets a
 * plain sentence without internals rather than a protocol error or a dropped connection.
 */
export function internalErrorResult(logger: Logger, error: unknown, tool: string): ToolErrorResult {
  logger.error({ err: error, tool }, 'tool call failed inside Countersign')
  return errorResult(
    `Countersign could not complete ${tool} because of an internal error (it has been logged). Nothing was filed for approval; tell the user and try again later.`,
  )
}
