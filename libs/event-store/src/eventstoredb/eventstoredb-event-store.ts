import { EventStore } from '../event-store.port';
import { AppendResult, EventToAppend, ExpectedRevision, RecordedEvent } from '../events';
import { ReadAllOptions, ReadStreamOptions } from '../reading/event-reader.port';
import { AllSubscription, SubscribeToAllOptions } from '../subscribing/event-subscriber.port';
import { EventStoreDbAppender } from './appending';
import { EventStoreDbConnection } from './connection';
import { DEFAULT_PRODUCT_STREAM_PREFIXES, ProductStreams } from './product-streams';
import { EventStoreDbReader } from './reading';
import { DEFAULT_RESUBSCRIBE, EventStoreDbSubscriber, ResubscribeTuning } from './subscribing';

export interface EventStoreDbEventStoreOptions {
  /** Stream-name prefixes of the product's categories; readAll and subscribeToAll deliver only these. */
  readonly productStreamPrefixes?: readonly string[];
  readonly resubscribe?: Partial<ResubscribeTuning>;
}

/** The event store on EventStoreDB (gRPC client 6.x), behind the same port as the PostgreSQL one. */
export class EventStoreDbEventStore implements EventStore {
  private readonly connection: EventStoreDbConnection;
  private readonly appender: EventStoreDbAppender;
  private readonly reader: EventStoreDbReader;
  private readonly subscriber: EventStoreDbSubscriber;

  /** @param connectionString e.g. `esdb://localhost:2113?tls=false` */
  constructor(connectionString: string, options: EventStoreDbEventStoreOptions = {}) {
    const products = new ProductStreams(options.productStreamPrefixes ?? DEFAULT_PRODUCT_STREAM_PREFIXES);
    this.connection = new EventStoreDbConnection(connectionString);
    this.appender = new EventStoreDbAppender(this.connection);
    this.reader = new EventStoreDbReader(this.connection, products);
    this.subscriber = new EventStoreDbSubscriber(this.connection, products, {
      ...DEFAULT_RESUBSCRIBE,
      ...options.resubscribe,
    });
  }

  /** Creates the client; EventStoreDB is first contacted by the first call, so a store that is down does not stop boot. */
  start(): Promise<void> {
    return this.connection.start();
  }

  append(streamName: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.appender.append(streamName, events, expected);
  }

  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.reader.readStream(streamName, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.reader.readAll(options);
  }

  subscribeToAll(options?: SubscribeToAllOptions): AllSubscription {
    return this.subscriber.subscribeToAll(options);
  }

  /** Ends open subscriptions and reads, then disposes the client. */
  close(): Promise<void> {
    return this.connection.close();
  }
}
