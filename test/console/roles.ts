/**
 * The five people of the authorization tests and a table-driven check over them: anonymous, the
 * requester (demo, whose AI files the requests), another user (restricted), the assigned approver
 * (reviewer: not an administrator) and an MCP administrator (admin: not the approver).
 */
import { expect } from 'vitest'
import { ConsoleAgent, type Deployment } from './helpers.js'

export type Role = 'anonymous' | 'requester' | 'other' | 'approver' | 'admin'
export const ROLES: Role[] = ['anonymous', 'requester', 'other', 'approver', 'admin']
export const LOGIN: Record<Exclude<Role, 'anonymous'>, string> = {
  requester: 'demo',
  other: 'restricted',
  approver: 'reviewer',
  admin: 'admin',
}
export const TO_LOGIN = /^\/login\?next=/

/** One logged-in agent per role (and one that never logs in). */
export async function logInAll(d: Deployment): Promise<Record<Role, ConsoleAgent>> {
  const agents = { anonymous: new ConsoleAgent(d.server.url) } as Record<Role, ConsoleAgent>
  for (const role of ROLES.slice(1) as Exclude<Role, 'anonymous'>[]) {
    agents[role] = new ConsoleAgent(d.server.url)
    const answer = await agents[role].login(LOGIN[role], d.password(LOGIN[role]))
    expect(answer.status, `${role} logs in`).toBe(303)
  }
  return agents
}

/** Calls once per role and checks the status (and, where given, the redirect target). */
export async function expectAnswers(
  agents: Record<Role, ConsoleAgent>,
  what: string,
  call: (agent: ConsoleAgent) => Promise<{ status: number; location: string | null }>,
  expected: Record<Role, number | [number, RegExp]>,
): Promise<void> {
  for (const role of ROLES) {
    const answer = await call(agents[role])
    const want = expected[role]
    const [status, location] = Array.isArray(want) ? want : [want, null]
    expect({ what, role, status: answer.status }).toEqual({ what, role, status })
    if (location) expect(answer.location, `${what} as ${role}`).toMatch(location)
  }
}
