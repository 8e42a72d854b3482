export { EventStoreDbEventStore, EventStoreDbEventStoreOptions } from './eventstoredb-event-store';
export { DEFAULT_PRODUCT_STREAM_PREFIXES } from './product-streams';
export { DEFAULT_READ_ALL_COUNT } from './reading';
export { DEFAULT_RESUBSCRIBE, ResubscribeTuning } from './subscribing';
