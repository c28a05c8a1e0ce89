/**
 * The sandbox's database: one table of rows per model, id counters and named sequences, all in
 * memory. `atomically` gives each RPC call Odoo's transaction semantics: if the call throws,
 * every change it made is undone. Does not check rights, types or references (orm-*.ts do).
 * Rows are replaced, never mutated, so a snapshot is a shallow copy of each table.
 */
import type { Row } from './fields.js'

interface Snapshot {
  tables: Map<string, Map<number, Row>>
  next_ids: Map<string, number>
  sequences: Map<string, number>
}

export class Store {
  private tables = new Map<string, Map<number, Row>>()
  private next_ids = new Map<string, number>()
  private sequences = new Map<string, number>()
  private depth = 0

  private table(model: string): Map<number, Row> {
    let table = this.tables.get(model)
    if (!table) {
      table = new Map()
      this.tables.set(model, table)
    }
    return table
  }

  /** Rows in id order (ids only grow, and a Map keeps insertion order). */
  rows(model: string): Row[] {
    return [...this.table(model).values()]
  }

  get(model: string, id: number): Row | undefined {
    return this.table(model).get(id)
  }

  has(model: string, id: number): boolean {
    return this.table(model).has(id)
  }

  insert(model: string, values: Record<string, unknown>): Row {
    const id = this.next_ids.get(model) ?? 1
    this.next_ids.set(model, id + 1)
    const row = Object.freeze({ ...values, id }) as Row
    this.table(model).set(id, row)
    return row
  }

  /** Inserts with a chosen id (demo data mirrors Odoo's well-known ids, e.g. admin = 2). */
  insertWithId(model: string, id: number, values: Record<string, unknown>): Row {
    const row = Object.freeze({ ...values, id }) as Row
    this.table(model).set(id, row)
    this.next_ids.set(model, Math.max(this.next_ids.get(model) ?? 1, id + 1))
    return row
  }

  update(model: string, id: number, patch: Record<string, unknown>): Row {
    const current = this.table(model).get(id)
    if (!current) throw new Error(`store: ${model}(${id}) does not exist`)
    const row = Object.freeze({ ...current, ...patch, id }) as Row
    this.table(model).set(id, row)
    return row
  }

  delete(model: string, id: number): void {
    this.table(model).delete(id)
  }

  /** Next number of a named sequence (e.g. `sale.order`, `INV/2026`), starting at 1. */
  nextSequence(key: string): number {
    const next = (this.sequences.get(key) ?? 0) + 1
    this.sequences.set(key, next)
    return next
  }

  peekSequence(key: string): number {
    return this.sequences.get(key) ?? 0
  }

  /**
   * Runs `fn`; if it throws, restores every table as it was. Calls nest (a method that calls
   * another shares the outer transaction), like Odoo's one cursor per RPC request.
   */
  atomically<T>(fn: () => T): T {
    if (this.depth > 0) return fn()
    const snapshot = this.snapshot()
    this.depth++
    try {
      return fn()
    } catch (error) {
      this.restore(snapshot)
      throw error
    } finally {
      this.depth--
    }
  }

  private snapshot(): Snapshot {
    const tables = new Map<string, Map<number, Row>>()
    for (const [model, table] of this.tables) tables.set(model, new Map(table))
    return { tables, next_ids: new Map(this.next_ids), sequences: new Map(this.sequences) }
  }

  private restore(snapshot: Snapshot): void {
    this.tables = snapshot.tables
    this.next_ids = snapshot.next_ids
    this.sequences = snapshot.sequences
  }
}
