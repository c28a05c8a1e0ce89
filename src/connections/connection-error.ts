/** A connection or profile change refused for a reason its maker can act on; the message says which. */
export class ConnectionError extends Error {
  override name = 'ConnectionError'
}
