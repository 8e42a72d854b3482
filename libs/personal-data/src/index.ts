export * from './field-cipher';
export * from './field-paths';
export * from './key-vault';
export * from './master-keys';
export * from './personal-data-cipher';
export * from './person-directory';
export * from './schema';
export * from './erased-values';
