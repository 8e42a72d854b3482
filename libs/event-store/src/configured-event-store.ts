import { EventStore } from './event-store.port';
import { EventStoreDbEventStore } from './eventstoredb';
import { PostgresEventStore } from './postgres';

export interface EventStoreSelection {
  readonly eventStore: 'postgres' | 'eventstoredb';
  readonly databaseUrl: string;
  readonly eventStoreUrl?: string;
}

/** The one place that knows which adapters exist; everything above the port receives an EventStore. */
export function createEventStore(selection: EventStoreSelection): EventStore {
  if (selection.eventStore === 'eventstoredb') {
    if (!selection.eventStoreUrl) throw new Error('EVENTSTORE_URL is required for the EventStoreDB event store');
    return new EventStoreDbEventStore(selection.eventStoreUrl);
  }
  return new PostgresEventStore({ connectionString: selection.databaseUrl });
}
