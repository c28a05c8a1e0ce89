import { describe, expect, it } from 'vitest'
import { type ConnectionPolicy, loosenings, needsApproval, toolAvailable } from '../../src/domain/policy.js'

const base: ConnectionPolicy = {
  write_access: false,
  allowed_tools: [],
  approval_tools: ['delete_record'],
  approver: { uid: 2, login: 'admin', name: 'Mitchell Admin' },
  approval_expiry_hours: 4,
}

describe('connection policy', () => {
  it('hides write tools without write access and keeps read tools', () => {
    expect(toolAvailable(base, { name: 'search_read', writes: false })).toBe(true)
    expect(toolAvailable(base, { name: 'delete_record', writes: true })).toBe(false)
    expect(toolAvailable({ ...base, write_access: true }, { name: 'delete_record', writes: true })).toBe(true)
  })

  it('limits to the allowed tools when the list is not empty, but never hides the approval tools', () => {
    const policy = { ...base, write_access: true, allowed_tools: ['search_read'] }
    expect(toolAvailable(policy, { name: 'search_read', writes: false })).toBe(true)
    expect(toolAvailable(policy, { name: 'count_records', writes: false })).toBe(false)
    expect(toolAvailable(policy, { name: 'create_record', writes: true })).toBe(false)
    expect(toolAvailable(policy, { name: 'check_approval_status', writes: false, always: true })).toBe(true)
  })

  it('gates exactly the listed tools', () => {
    expect(needsApproval(base, 'delete_record')).toBe(true)
    expect(needsApproval(base, 'batch_delete')).toBe(false)
  })

  it('finds every way an edit loosens the policy, and none when it tightens', () => {
    const tighter = { ...base, approval_tools: ['delete_record', 'batch_delete'], approval_expiry_hours: 1 }
    expect(loosenings(base, tighter)).toEqual([])
    expect(loosenings(base, { ...base, write_access: true })).toEqual(['turns write access on'])
    expect(loosenings({ ...base, allowed_tools: ['search_read'] }, { ...base, allowed_tools: [] })).toEqual([
      'allows more tools',
    ])
    expect(
      loosenings(
        { ...base, allowed_tools: ['search_read'] },
        { ...base, allowed_tools: ['search_read', 'get_record'] },
      ),
    ).toEqual(['allows more tools'])
    expect(loosenings(base, { ...base, approval_tools: [] })).toEqual(['removes approval for delete_record'])
    expect(loosenings(base, { ...base, approval_expiry_hours: 8 })).toEqual(['lengthens the approval expiry'])
    expect(loosenings(base, { ...base, approver: null })).toEqual(['changes the approver'])
    expect(loosenings(base, { ...base, approver: { uid: 6, login: 'demo', name: 'Marc Demo' } })).toEqual([
      'changes the approver',
    ])
  })
})
