export * from './postgres-test-database';
export * from './tcp-proxy';
export * from './every-table';
