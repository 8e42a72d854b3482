export { PostgresEventStore, PostgresEventStoreOptions } from './postgres-event-store';
export { ensureDatabase, createPool, inTransaction, isConnectionFailure } from './connection';
