export * from './queryable';
export * from './checkpoint-table';
export * from './postgres-checkpoints';
export * from './processor-lease';
