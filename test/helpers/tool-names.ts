/**
 * The tool catalog of PRODUCT.md, written out by hand as the tests expect it (not read from the
 * code under test): what a read-only connection lists, what write access adds, and the approval
 * tools every connection has.
 */
export const READ_TOOLS = [
  'list_models',
  'describe_model',
  'search_read',
  'get_record',
  'count_records',
  'get_workflow_state',
]
export const WRITE_TOOLS = [
  'create_record',
  'update_record',
  'delete_record',
  'batch_delete',
  'execute_method',
  'transition_state',
  'post_message',
  'send_test_email_template',
  'stage_mass_mailing_from_template',
]
export const APPROVAL_TOOLS = ['check_approval_status', 'list_my_approval_requests']
