export * from './kafka-publisher';
export * from './publishing.settings';
export * from './publishing-status';
export * from './integration-events/integration-event';
export * from './integration-events/kafka-message';
export * from './kafka-delivery';
