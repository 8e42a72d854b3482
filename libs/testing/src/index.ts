export * from './postgres-test-database';
export * from './tcp-proxy';
