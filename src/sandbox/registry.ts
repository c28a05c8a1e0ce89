/**
 * Builds the model registry from the model files: adds the fields every Odoo model has (`id`,
 * `display_name`, `create_uid`, `create_date`, `write_uid`, `write_date`) and reads a field's
 * value from a row (stored, computed, or one2many through its inverse). Does not check rights.
 */
import type { Env, Registry } from './env.js'
import { modelDef } from './env.js'
import type { FieldDef, ModelDef, Row } from './fields.js'
import { datetime, integer, many2many, many2one } from './fields.js'

export function buildRegistry(models: readonly ModelDef[]): Registry {
  const map = new Map<string, ModelDef>()
  for (const model of models) {
    map.set(model.name, {
      ...model,
      fields: {
        id: integer('ID', { readonly: true }),
        ...model.fields,
        // mail.thread's followers (followers.ts); computed from mail.followers in Odoo, writable there too.
        ...(model.mail_thread && { message_partner_ids: many2many('res.partner', 'Followers (Partners)') }),
        display_name: {
          type: 'char',
          string: 'Display Name',
          readonly: true,
          compute: (row, env) => displayName(env, model.name, row),
        },
        create_uid: many2one('res.users', 'Created by', { readonly: true }),
        create_date: datetime('Created on', { readonly: true }),
        write_uid: many2one('res.users', 'Last Updated by', { readonly: true }),
        write_date: datetime('Last Updated on', { readonly: true }),
      },
    })
  }
  return { models: map }
}

export function fieldDef(env: Env, model: string, name: string): FieldDef | undefined {
  return env.state.registry.models.get(model)?.fields[name]
}

export function displayName(env: Env, model: string, row: Row): string {
  const def = modelDef(env, model)
  if (def.display_name) return def.display_name(row, env)
  const value = row[def.rec_name ?? 'name']
  return typeof value === 'string' ? value : `${model},${row.id}`
}

/** The value of `name` on `row`: many2one → id | false, x2many → ids, others → value | false. */
export function fieldValue(env: Env, model: string, row: Row, name: string): unknown {
  if (name === 'id') return row.id
  const field = fieldDef(env, model, name)
  if (!field) return undefined
  if (field.compute) return field.compute(row, env)
  if (field.type === 'one2many') {
    const inverse = field.inverse_name as string
    return env.state.store
      .rows(field.comodel as string)
      .filter((child) => child[inverse] === row.id)
      .map((child) => child.id)
  }
  if (field.type === 'many2many') return (row[name] as number[] | undefined) ?? []
  const value = row[name]
  return value === undefined || value === null ? false : value
}
