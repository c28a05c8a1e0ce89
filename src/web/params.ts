/**
 * Route parameter schemas shared by the JSON API and the console. Ids are the store's integer keys:
 * positive and within a 32-bit signed integer, so a malformed or huge id is a 404/422, never a
 * database error.
 */
import { z } from 'zod'

export const storeId = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1)

/** `/…/:id` */
export const idParam = z.object({ id: storeId })
