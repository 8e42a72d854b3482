import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { loadConfig } from '@flipside/config';
import { comparePositions, createEventStore, EventStore, parsePosition, START } from '@flipside/event-store';
import { openReadModels } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { HealthServer } from '../health/health-server';
import { allProjections } from './all-projections';
import { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { ProjectionStatus } from './projection-status';
import { PROJECTION_STATUSES, PROJECTOR_SETTINGS, ProjectorSettings, projectorSettingsFrom } from './projector-settings';

const LAG_SAMPLE_CAP = 10_000;

/** Starts one runner per projection when the application boots, and stops them (and their connections) on shutdown. */
@Injectable()
export class ProjectionsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Projections');
  private readonly stop = new AbortController();
  private store?: EventStore;
  private dataSource?: DataSource;
  private running: Promise<void>[] = [];
  private lagTimer?: NodeJS.Timeout;

  constructor(
    @Inject(PROJECTOR_SETTINGS) private readonly settings: ProjectorSettings,
    @Inject(PROJECTION_STATUSES) private readonly statuses: ProjectionStatus[],
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
    this.lagTimer = setInterval(() => void this.sampleLag(), this.settings.lagSampleMs);
    this.lagTimer.unref();
    void this.sampleLag();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.lagTimer);
    this.stop.abort();
    await Promise.all(this.running);
    await this.store?.close();
    await this.dataSource?.destroy().catch(() => undefined);
  }

  /** Lag through the store port: how many events follow each checkpoint, and how old the first of them is. */
  private async sampleLag(): Promise<void> {
    for (const status of this.statuses) {
      if (!status.leaseHeld || !this.store) continue;
      try {
        const checkpoint = (status.checkpoint && parsePosition(status.checkpoint)) || START;
        const after = (await this.store.readAll({ from: checkpoint, maxCount: LAG_SAMPLE_CAP + 1 })).filter(
          (event) => comparePositions(event.position, checkpoint) > 0,
        );
        status.lagEvents = after.length;
        status.lagSeconds = after.length > 0 ? Math.max(0, (Date.now() - after[0].recordedAt.getTime()) / 1000) : 0;
      } catch (error) {
        this.logger.warn(`Cannot sample the lag of "${status.name}": ${(error as Error).message}`);
      }
    }
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
        ProjectionsLifecycle,
        HealthServer,
      ],
      exports: [PROJECTION_STATUSES, HealthServer],
    };
  }
}
