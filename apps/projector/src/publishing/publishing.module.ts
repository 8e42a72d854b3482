import { DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createEventStore, EventStore } from '@flipside/event-store';
import { IntegrationEventPublisher } from './integration-event-publisher';
import { loadPublishingSettings, PublishingSettings } from './publishing.settings';
import { PublishingStatus } from './publishing-status';

export const PUBLISHING_SETTINGS = Symbol('PublishingSettings');

/** Runs the publisher for the application's lifetime; stops it (and its store) on shutdown. */
@Injectable()
export class PublishingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private store?: EventStore;
  private publisher?: IntegrationEventPublisher;

  constructor(
    @Inject(PUBLISHING_SETTINGS) private readonly settings: PublishingSettings,
    private readonly status: PublishingStatus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The publisher's own store (and connection pool): read-model projections cannot starve it, nor it them.
    this.store = createEventStore(this.settings.eventStore);
    if (this.settings.brokers) await this.store.start();
    this.publisher = new IntegrationEventPublisher(this.settings, this.store, this.status);
    this.publisher.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher?.stop();
    await this.store?.close();
  }
}

/**
 * Integration events on Kafka. Exports PublishingStatus, which the projector's /health and /metrics read.
 * Settings come from the environment unless given (tests, the benchmark).
 */
@Module({})
export class PublishingModule {
  static forRoot(settings?: PublishingSettings): DynamicModule {
    return {
      module: PublishingModule,
      providers: [
        { provide: PUBLISHING_SETTINGS, useFactory: () => settings ?? loadPublishingSettings(process.env) },
        {
          provide: PublishingStatus,
          inject: [PUBLISHING_SETTINGS],
          useFactory: (resolved: PublishingSettings) => new PublishingStatus(resolved.topic),
        },
        PublishingLifecycle,
      ],
      exports: [PublishingStatus],
    };
  }
}
