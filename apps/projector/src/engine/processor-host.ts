import { Logger } from '@nestjs/common';
import { createEventStore, EventStore, EventStoreSelection } from '@flipside/event-store';
import { openReadModels } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { EventStoreReach } from './event-store-reach';
import { Processor } from './processor';
import { EngineSettings, ProcessorEngine } from './processor-engine';
import { LagSampling, ProcessorLag } from './processor-lag';

/** What a processor is built with: its own event store client (none starves another) and the projector's database. */
export interface ProcessorContext {
  readonly store: EventStore;
  readonly dataSource: DataSource;
  readonly databaseUrl: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProcessor = Processor<any>;
export type ProcessorFactory = (context: ProcessorContext) => AnyProcessor;

export interface HostSettings {
  readonly config: EventStoreSelection;
  readonly lagSampling: LagSampling;
  readonly engine: EngineSettings;
  readonly only?: readonly string[];
}

/**
 * Runs one engine per processor for the life of the process, and samples their lag: brings the projector's tables
 * up to date (the read-model migrations, the checkpoint table among them) before any processor starts.
 */
export class ProcessorHost {
  readonly engines: ProcessorEngine<unknown>[] = [];
  private readonly logger = new Logger('Projector');
  private readonly stop = new AbortController();
  private readonly stores: EventStore[] = [];
  private readonly running: Promise<void>[] = [];
  private dataSource?: DataSource;
  private lag?: ProcessorLag;
  private started = false;

  constructor(
    private readonly settings: HostSettings,
    private readonly factories: readonly ProcessorFactory[],
    readonly reach: EventStoreReach = new EventStoreReach(),
  ) {}

  async start(): Promise<void> {
    const { config } = this.settings;
    const databaseUrl = config.databaseUrl;
    this.dataSource = await openReadModels({ databaseUrl, poolSize: 2 + 2 * this.factories.length, applicationName: 'flipside-projector' });
    for (const factory of this.factories) {
      const store = createEventStore(config);
      this.stores.push(store);
      const processor = factory({ store, dataSource: this.dataSource, databaseUrl });
      if (this.settings.only && !this.settings.only.includes(processor.name)) continue;
      if (processor.disabled === undefined) await store.start();
      const engine = new ProcessorEngine(processor, { store, dataSource: this.dataSource, databaseUrl }, this.settings.engine);
      this.engines.push(engine as ProcessorEngine<unknown>);
    }
    for (const engine of this.engines) {
      this.running.push(
        engine.run(this.stop.signal).catch((error: unknown) => {
          engine.status.state = 'halted';
          engine.status.failed(error);
          this.logger.error(`Processor "${engine.processor.name}" failed: ${(error as Error)?.stack ?? String(error)}`);
        }),
      );
    }
    const sampler = createEventStore(config);
    this.stores.push(sampler);
    await sampler.start();
    this.lag = new ProcessorLag(sampler, this.engines.map((engine) => engine.status), this.settings.lagSampling, this.reach);
    this.lag.start();
    this.started = true;
  }

  /** Whether every processor has been started (health is unready before). */
  get isRunning(): boolean {
    return this.started;
  }

  async close(): Promise<void> {
    await this.lag?.stop();
    this.stop.abort();
    await Promise.all(this.running);
    for (const engine of this.engines) await engine.processor.close?.().catch(() => undefined);
    await Promise.all(this.stores.map((store) => store.close().catch(() => undefined)));
    await this.dataSource?.destroy().catch(() => undefined);
  }
}
