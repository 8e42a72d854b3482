export * from './position';
export * from './events';
export * from './errors';
export * from './appending/event-appender.port';
export * from './reading/event-reader.port';
export * from './subscribing/event-subscriber.port';
export * from './event-store.port';
export * from './configured-event-store';
export { ensureDatabase, createPool, inTransaction, isConnectionFailure } from './postgres';
