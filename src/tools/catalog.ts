/**
 * The catalog of Odoo tools, in the order they are listed to the AI. The approval tools
 * (check_approval_status, list_my_approval_requests) are not here: they read Countersign's own
 * store, not Odoo, and live in approvals/tools.ts.
 */
import { postMessage, sendTestEmailTemplate, stageMassMailingFromTemplate } from './mail-tools.js'
import { countRecords, describeModel, getRecord, listModels, searchRead } from './read-tools.js'
import type { Tool } from './tool.js'
import { getWorkflowState, transitionState } from './workflow.js'
import { batchDelete, createRecord, deleteRecord, executeMethod, updateRecord } from './write-tools.js'

export const ODOO_TOOLS: readonly Tool[] = [
  listModels,
  describeModel,
  searchRead,
  getRecord,
  countRecords,
  getWorkflowState,
  createRecord,
  updateRecord,
  deleteRecord,
  batchDelete,
  executeMethod,
  transitionState,
  postMessage,
  sendTestEmailTemplate,
  stageMassMailingFromTemplate,
] as Tool[]

const BY_NAME = new Map(ODOO_TOOLS.map((t) => [t.name, t]))

export function odooTool(name: string): Tool | undefined {
  return BY_NAME.get(name)
}

export const ODOO_TOOL_NAMES: readonly string[] = ODOO_TOOLS.map((t) => t.name)
