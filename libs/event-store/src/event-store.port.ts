import { EventAppender } from './appending/event-appender.port';
import { EventReader } from './reading/event-reader.port';
import { EventSubscriber } from './subscribing/event-subscriber.port';

/** The one port both adapters (PostgreSQL, EventStoreDB) implement and the contract suite checks. */
export interface EventStore extends EventAppender, EventReader, EventSubscriber {
  /** Creates what the store needs (schema, connections); idempotent. */
  start(): Promise<void>;
  /** Ends subscriptions and connections; idempotent. */
  close(): Promise<void>;
}

/** Nest injection token for the configured EventStore. */
export const EVENT_STORE = Symbol('EventStore');
