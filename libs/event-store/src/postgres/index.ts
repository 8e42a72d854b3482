export { PostgresEventStore, PostgresEventStoreOptions } from './postgres-event-store';
export { ensureDatabase, createPool, isConnectionFailure } from './connection';
