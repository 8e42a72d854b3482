export * from './audit-anchors.module';
export * from './anchor-settings';
export * from './anchor-status';
export * from './anchor-ledger';
export * from './anchor-message';
export * from './audit-anchor-processor';
