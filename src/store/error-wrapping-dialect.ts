/**
 * A Kysely dialect decorator that turns every driver error into a StoreError (store-error.ts), at
 * the one place all SQL passes through, instead of a try/catch in each query function. Kysely's own
 * errors (e.g. `NoResultError`) are not driver errors and pass through. Does not retry, log or
 * change any query.
 */
import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely'
import { toStoreError } from './store-error.js'

export function withStoreErrors(dialect: Dialect): Dialect {
  return {
    createDriver: () => new ErrorWrappingDriver(dialect.createDriver()),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  }
}

async function wrapped<T>(operation: () => Promise<T>, context?: string): Promise<T> {
  try {
    return await operation()
  } catch (error) {
    throw toStoreError(error, context)
  }
}

class ErrorWrappingConnection implements DatabaseConnection {
  constructor(readonly inner: DatabaseConnection) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return wrapped(() => this.inner.executeQuery<R>(compiledQuery))
  }

  async *streamQuery<R>(
    compiledQuery: CompiledQuery,
    chunkSize?: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(compiledQuery, chunkSize)
    } catch (error) {
      throw toStoreError(error)
    }
  }
}

function innerOf(connection: DatabaseConnection): DatabaseConnection {
  return connection instanceof ErrorWrappingConnection ? connection.inner : connection
}

class ErrorWrappingDriver implements Driver {
  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return wrapped(() => this.inner.init(), 'cannot open the database')
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await wrapped(() => this.inner.acquireConnection(), 'cannot connect to the database')
    return new ErrorWrappingConnection(connection)
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return wrapped(() => this.inner.beginTransaction(innerOf(connection), settings))
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return wrapped(() => this.inner.commitTransaction(innerOf(connection)))
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return wrapped(() => this.inner.rollbackTransaction(innerOf(connection)))
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    if (!this.inner.savepoint) throw new Error('this database driver does not support savepoints')
    const savepoint = this.inner.savepoint.bind(this.inner)
    await wrapped(() => savepoint(innerOf(connection), name, compile))
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ) {
    if (!this.inner.rollbackToSavepoint) throw new Error('this database driver does not support savepoints')
    const rollback = this.inner.rollbackToSavepoint.bind(this.inner)
    await wrapped(() => rollback(innerOf(connection), name, compile))
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ) {
    if (!this.inner.releaseSavepoint) throw new Error('this database driver does not support savepoints')
    const release = this.inner.releaseSavepoint.bind(this.inner)
    await wrapped(() => release(innerOf(connection), name, compile))
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(innerOf(connection))
  }

  destroy(): Promise<void> {
    return wrapped(() => this.inner.destroy(), 'closing the database failed')
  }
}
