import { DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createEventStore, EventStore } from '@flipside/event-store';
import { openReadModels } from '@flipside/read-models';
import { AnchorSettings, loadAnchorSettings } from './anchor-settings';
import { AnchorStatus } from './anchor-status';
import { AuditAnchorProcessor } from './audit-anchor-processor';

export const ANCHOR_SETTINGS = Symbol('AnchorSettings');

/** Brings the audit tables up to date, then runs the anchor processor for the application's lifetime. */
@Injectable()
export class AuditAnchorsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private store?: EventStore;
  private processor?: AuditAnchorProcessor;

  constructor(
    @Inject(ANCHOR_SETTINGS) private readonly settings: AnchorSettings,
    private readonly status: AnchorStatus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The audit tables are a read-model migration; running it here lets the processor start first on an empty database.
    const migrated = await openReadModels({ databaseUrl: this.settings.databaseUrl, poolSize: 1, applicationName: 'flipside-audit-anchors' });
    await migrated.destroy();
    // Its own store and connections, like the other processors: none starves another.
    this.store = createEventStore(this.settings.eventStore);
    await this.store.start();
    this.processor = new AuditAnchorProcessor(this.settings, this.store, this.status);
    this.processor.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.processor?.stop();
    await this.store?.close();
  }
}

/**
 * Audit anchors: the stream heads, anchors over them, and their publication on Kafka. Exports AnchorStatus, which
 * the projector's /health and /metrics read. Settings come from the environment unless given (tests).
 */
@Module({})
export class AuditAnchorsModule {
  static forRoot(settings?: AnchorSettings): DynamicModule {
    return {
      module: AuditAnchorsModule,
      providers: [
        { provide: ANCHOR_SETTINGS, useFactory: () => settings ?? loadAnchorSettings(process.env) },
        {
          provide: AnchorStatus,
          inject: [ANCHOR_SETTINGS],
          useFactory: (resolved: AnchorSettings) => new AnchorStatus(resolved.everySeconds, resolved.topic, resolved.brokers !== undefined),
        },
        AuditAnchorsLifecycle,
      ],
      exports: [AnchorStatus],
    };
  }
}
