export * from './engagement.facts';
export * from './engagement.timers';
