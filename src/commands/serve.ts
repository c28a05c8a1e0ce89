/**
 * `countersign serve`: validates the configuration, then (later issues) starts the HTTP server.
 */
import { type Env, readOdooConfig, readServerConfig, readStoreConfig } from '../config.js'

export async function serveCommand(env: Env): Promise<void> {
  readOdooConfig(env)
  readStoreConfig(env)
  readServerConfig(env)
  throw new Error('serve is not built yet')
}
