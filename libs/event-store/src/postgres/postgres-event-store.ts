import { Pool } from 'pg';
import { EventStore } from '../event-store.port';
import { AppendResult, EventToAppend, ExpectedRevision, RecordedEvent } from '../events';
import { ReadAllOptions, ReadStreamOptions } from '../reading/event-reader.port';
import { AllSubscription, SubscribeToAllOptions } from '../subscribing/event-subscriber.port';
import { AppendSignal } from './append-signal';
import { PostgresEventAppender } from './appending';
import { createPool, ensureDatabase } from './connection';
import { PostgresEventReader } from './reading';
import { migrateEventStore } from './schema';
import { DEFAULT_SUBSCRIPTION_TUNING, PostgresEventSubscriber, PostgresSubscriptionTuning } from './subscribing';

export interface PostgresEventStoreOptions {
  readonly connectionString: string;
  readonly poolSize?: number;
  /** LISTEN for appends (default true); off behind poolers without LISTEN, where subscribers only poll. */
  readonly listen?: boolean;
  readonly subscription?: Partial<PostgresSubscriptionTuning>;
}

/** The event store for sites without EventStoreDB: PostgreSQL tables behind the same port. */
export class PostgresEventStore implements EventStore {
  private readonly pool: Pool;
  private readonly signal: AppendSignal;
  private readonly appender: PostgresEventAppender;
  private readonly reader: PostgresEventReader;
  private readonly subscriber: PostgresEventSubscriber;
  private started?: Promise<void>;

  constructor(private readonly options: PostgresEventStoreOptions) {
    this.pool = createPool(options.connectionString, { max: options.poolSize ?? 20 });
    this.signal = new AppendSignal(options.connectionString);
    this.appender = new PostgresEventAppender(this.pool, () => this.signal.announce());
    this.reader = new PostgresEventReader(this.pool);
    this.subscriber = new PostgresEventSubscriber(this.pool, this.signal, {
      ...DEFAULT_SUBSCRIPTION_TUNING,
      ...options.subscription,
    });
  }

  start(): Promise<void> {
    this.started ??= (async () => {
      await ensureDatabase(this.options.connectionString);
      await migrateEventStore(this.pool);
      if (this.options.listen !== false) await this.signal.start();
    })();
    return this.started;
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

  async close(): Promise<void> {
    await this.subscriber.closeAll();
    await this.signal.stop();
    await this.pool.end().catch(() => undefined);
  }
}
