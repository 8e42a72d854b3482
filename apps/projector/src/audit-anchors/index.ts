export * from './audit-anchors.processor';
export * from './anchor-settings';
export * from './anchor-status';
export * from './anchor-ledger';
export * from './anchor-message';
