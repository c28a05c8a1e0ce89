import { describe, expect, it } from 'vitest'
import { EFFECT_KINDS } from '../../src/domain/effects/effect.js'
import { gate } from '../../src/domain/effects/gate.js'
import {
  type ConnectionPolicy,
  EFFECT_KIND_WORDS,
  loosenings,
  RECOMMENDED_APPROVAL_EFFECTS,
  toolAvailable,
} from '../../src/domain/policy.js'

const base: ConnectionPolicy = {
  write_access: false,
  allowed_tools: [],
  approval_tools: ['delete_record'],
  approval_effects: ['delete', 'state'],
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

  it('gates exactly the listed tools, and the effects the policy names whatever the tool', () => {
    const deleting = [{ kind: 'delete' as const, model: 'sale.order.line', records: [7], method: 'write' }]
    expect(gate('delete_record', [], base).action).toBe('file')
    expect(gate('batch_delete', [], base).action).toBe('run')
    expect(gate('update_record', deleting, { ...base, approval_effects: ['delete'] }).action).toBe('file')
    expect(gate('update_record', deleting, { ...base, approval_effects: ['state'] }).action).toBe('run')
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

  it('removing a gated effect kind loosens, in plain words; adding one or reordering does not', () => {
    expect(loosenings(base, { ...base, approval_effects: ['state'] })).toEqual([
      'removes approval for deleting records (whatever the tool)',
    ])
    expect(loosenings(base, { ...base, approval_effects: [] })).toEqual([
      'removes approval for deleting records, changing the state of records (whatever the tool)',
    ])
    // Removing a tool and an effect: both are named, each once.
    expect(loosenings(base, { ...base, approval_tools: [], approval_effects: ['delete'] })).toEqual([
      'removes approval for delete_record',
      'removes approval for changing the state of records (whatever the tool)',
    ])
    expect(loosenings(base, { ...base, approval_effects: ['state', 'delete', 'send'] })).toEqual([])
    expect(loosenings(base, { ...base, approval_effects: [...EFFECT_KINDS] })).toEqual([])
    // Swapping one kind for another gives up the one removed.
    expect(loosenings(base, { ...base, approval_effects: ['state', 'archive'] })).toEqual([
      'removes approval for deleting records (whatever the tool)',
    ])
  })

  it('names every effect kind in words, none as its bare code', () => {
    for (const kind of EFFECT_KINDS) {
      const words = loosenings({ ...base, approval_effects: [kind] }, { ...base, approval_effects: [] })
      expect(words).toEqual([`removes approval for ${EFFECT_KIND_WORDS[kind]} (whatever the tool)`])
      expect(EFFECT_KIND_WORDS[kind]).not.toBe(kind)
    }
  })

  it('recommends gating delete, archive, state, send and call; plain creates and writes run', () => {
    expect(RECOMMENDED_APPROVAL_EFFECTS).toEqual(['delete', 'archive', 'state', 'send', 'call'])
    expect(Object.isFrozen(RECOMMENDED_APPROVAL_EFFECTS)).toBe(true)
    // A connection policy is what gate() reads: with the recommended set an x2many delete files.
    const policy: ConnectionPolicy = {
      ...base,
      approval_tools: [],
      approval_effects: [...RECOMMENDED_APPROVAL_EFFECTS],
    }
    const remove = { kind: 'delete' as const, model: 'sale.order.line', records: [7], method: 'write' }
    const edit = { kind: 'write' as const, model: 'sale.order', records: [5], method: 'write' }
    expect(gate('update_record', [remove], policy).action).toBe('file')
    expect(gate('update_record', [edit], policy).action).toBe('run')
  })
})
