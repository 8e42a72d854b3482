export * from './publishing.module';
export * from './publishing.settings';
export * from './publishing-status';
export * from './integration-event-publisher';
export * from './integration-events/integration-event';
export * from './integration-events/kafka-message';
export * from './kafka/kafka-delivery';
