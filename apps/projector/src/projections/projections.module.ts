import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { loadConfig } from '@flipside/config';
import { createEventStore, EventStore } from '@flipside/event-store';
import { openReadModels } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { HealthServer } from '../health/health-server';
import { allProjections } from './all-projections';
import { Projection } from './projection';
import { EventStoreReach } from './event-store-reach';
import { ProjectionLag } from './projection-lag';
import { ProjectionRunner } from './projection-runner';
import { ProjectionStatus } from './projection-status';
import { EVENT_STORE_REACH, PROJECTION_STATUSES, PROJECTOR_SETTINGS, ProjectorSettings, projectorSettingsFrom } from './projector-settings';

/** Starts one runner per projection when the application boots, and stops them (and their connections) on shutdown. */
@Injectable()
export class ProjectionsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Projections');
  private readonly stop = new AbortController();
  private store?: EventStore;
  private dataSource?: DataSource;
  private running: Promise<void>[] = [];
  private lag?: ProjectionLag;

  constructor(
    @Inject(PROJECTOR_SETTINGS) private readonly settings: ProjectorSettings,
    @Inject(PROJECTION_STATUSES) private readonly statuses: ProjectionStatus[],
    @Inject(EVENT_STORE_REACH) private readonly reach: EventStoreReach,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { config } = this.settings;
    // Its own store and pool: the read models neither starve nor are starved by the Kafka publisher.
    this.store = createEventStore(config);
    await this.store.start();
    this.dataSource = await openReadModels({ databaseUrl: config.databaseUrl, poolSize: 4, applicationName: 'flipside-projector' });
    const deps = { store: this.store, dataSource: this.dataSource, databaseUrl: config.databaseUrl };
    for (const projection of selected(this.settings)) {
      const status = this.statuses.find((candidate) => candidate.name === projection.name)!;
      const runner = new ProjectionRunner(projection, deps, status, this.settings.runner);
      this.running.push(
        runner.run(this.stop.signal).catch((error: unknown) => {
          status.state = 'halted';
          status.failed(error);
          this.logger.error(`Projection "${projection.name}" failed: ${(error as Error)?.stack ?? String(error)}`);
        }),
      );
    }
    this.lag = new ProjectionLag(this.store, this.statuses, this.settings.lagSampling, this.reach);
    this.lag.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.lag?.stop();
    this.stop.abort();
    await Promise.all(this.running);
    await this.store?.close();
    await this.dataSource?.destroy().catch(() => undefined);
  }
}

function selected(settings: ProjectorSettings): Projection[] {
  return allProjections().filter((projection) => !settings.only || settings.only.includes(projection.name));
}

/**
 * Read-model projections and the projector's /health and /metrics port. Settings come from the environment
 * unless given (tests, the benchmark).
 */
@Module({})
export class ProjectionsModule {
  static forRoot(settings?: ProjectorSettings): DynamicModule {
    return {
      module: ProjectionsModule,
      providers: [
        { provide: PROJECTOR_SETTINGS, useFactory: () => settings ?? projectorSettingsFrom(loadConfig(process.env, { jwt: false })) },
        {
          provide: PROJECTION_STATUSES,
          inject: [PROJECTOR_SETTINGS],
          useFactory: (resolved: ProjectorSettings) => selected(resolved).map((projection) => new ProjectionStatus(projection.name, projection.version)),
        },
        { provide: EVENT_STORE_REACH, useFactory: () => new EventStoreReach() },
        ProjectionsLifecycle,
        HealthServer,
      ],
      exports: [PROJECTION_STATUSES, EVENT_STORE_REACH, HealthServer],
    };
  }
}
