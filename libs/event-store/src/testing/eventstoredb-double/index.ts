/** TEST DOUBLE of EventStoreDB's client-facing gRPC API, not a server; see eventstoredb-double.ts. */
export { EventStoreDbDouble, EventStoreDbDoubleOptions, DoubleCallCounts } from './eventstoredb-double';
