/**
 * Test hooks that are not part of Odoo: counts of the write calls the sandbox received and
 * applied, per `model.method`, and a "hold" that parks matching calls until released (a crash
 * test kills the server while an approved call is in flight). A call counts as received when it
 * arrives and as applied only when it returns without error. Does not decide which methods write
 * (dispatch.ts asks `isWriteMethod`).
 */

export interface WriteCounts {
  received: Record<string, number>
  applied: Record<string, number>
}

const WRITE_NAMES = new Set([
  'create',
  'write',
  'unlink',
  'copy',
  'send_mail',
  'message_post',
  'toggle_active',
])

/** Methods whose calls the counters track: the ones that can change data. */
export function isWriteMethod(method: string, declaredWrite?: boolean): boolean {
  return Boolean(declaredWrite) || WRITE_NAMES.has(method) || /^(action_|button_)/.test(method)
}

export class WriteCounters {
  /** `onReceive` hears of each write call as it arrives, before any check (a benchmark times it). */
  constructor(private readonly onReceive?: (model: string, method: string) => void) {}

  private received = new Map<string, number>()
  private applied = new Map<string, number>()
  private holds: { model: string; method: string }[] = []
  private waiting: (() => void)[] = []

  receive(model: string, method: string): void {
    const key = `${model}.${method}`
    this.received.set(key, (this.received.get(key) ?? 0) + 1)
    this.onReceive?.(model, method)
  }

  apply(model: string, method: string): void {
    const key = `${model}.${method}`
    this.applied.set(key, (this.applied.get(key) ?? 0) + 1)
  }

  snapshot(): WriteCounts {
    return { received: Object.fromEntries(this.received), applied: Object.fromEntries(this.applied) }
  }

  reset(): void {
    this.received.clear()
    this.applied.clear()
  }

  /** From now on, calls to `model.method` wait until `release()`. */
  hold(model: string, method: string): void {
    this.holds.push({ model, method })
  }

  /** Lets every parked call proceed and removes all holds. */
  release(): number {
    const waiting = this.waiting
    this.holds = []
    this.waiting = []
    for (const resume of waiting) resume()
    return waiting.length
  }

  /**
   * Forgets parked calls without resuming them: a closed sandbox behaves like a killed Odoo, whose
   * in-flight calls never complete.
   */
  abandon(): void {
    this.holds = []
    this.waiting = []
  }

  /** How many calls are parked right now (tests poll this to know the call is in flight). */
  get held(): number {
    return this.waiting.length
  }

  async waitIfHeld(model: string, method: string): Promise<void> {
    if (!this.holds.some((h) => h.model === model && h.method === method)) return
    await new Promise<void>((resolve) => this.waiting.push(resolve))
  }
}
