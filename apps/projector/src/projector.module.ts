import { DynamicModule, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { loadConfig } from '@flipside/config';
import { auditAnchors } from './audit-anchors/audit-anchors.processor';
import { loadAutomationSettings } from './automation/automation-settings';
import { engagementAutomation } from './automation/engagement-automation';
import { loadAnchorSettings } from './audit-anchors/anchor-settings';
import { ProcessorFactory, ProcessorHost } from './engine/processor-host';
import { HealthServer } from './health/health-server';
import { kafkaPublishing } from './kafka/kafka-publisher';
import { loadPublishingSettings } from './kafka/publishing.settings';
import { PROCESSOR_FACTORIES, PROJECTOR_SETTINGS } from './projector.tokens';
import { ProjectorSettings, projectorSettingsFrom } from './projector-settings';
import { readModelProcessors } from './read-models/read-model-processor';

/**
 * Every processor of the projector, in the order they start, as the environment configures them:
 * command → event (the store) → read models (PostgreSQL, the API's queries) → Kafka (integration events) → audit
 * anchors → engagement automation (decisions back into the store).
 */
export function allProcessors(env: NodeJS.ProcessEnv = process.env): ProcessorFactory[] {
  return [
    ...readModelProcessors(),
    kafkaPublishing(loadPublishingSettings(env)),
    auditAnchors(loadAnchorSettings(env)),
    engagementAutomation(loadAutomationSettings(env)),
  ];
}

/** Starts the engines when the application boots (after the health port), and stops them on shutdown. */
@Injectable()
export class ProcessorsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly host: ProcessorHost) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.host.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.host.close();
  }
}

export interface ProjectorOptions {
  /** From the environment unless given (tests, the benchmark). */
  readonly settings?: ProjectorSettings;
  /** Every processor unless given. */
  readonly processors?: readonly ProcessorFactory[];
}

/**
 * The projector process: one engine (apps/projector/src/engine) running each processor, and the /health and
 * /metrics port over all of them.
 */
@Module({})
export class ProjectorModule {
  static forRoot(options: ProjectorOptions = {}): DynamicModule {
    return {
      module: ProjectorModule,
      providers: [
        { provide: PROJECTOR_SETTINGS, useFactory: () => options.settings ?? projectorSettingsFrom(loadConfig(process.env, { jwt: false })) },
        { provide: PROCESSOR_FACTORIES, useFactory: () => options.processors ?? allProcessors(process.env) },
        {
          provide: ProcessorHost,
          inject: [PROJECTOR_SETTINGS, PROCESSOR_FACTORIES],
          useFactory: (settings: ProjectorSettings, factories: ProcessorFactory[]) =>
            new ProcessorHost(
              {
                config: { eventStore: settings.config.eventStore, databaseUrl: settings.config.databaseUrl, eventStoreUrl: settings.config.eventStoreUrl },
                lagSampling: settings.lagSampling,
                engine: settings.engine,
                only: settings.only,
              },
              factories,
            ),
        },
        HealthServer,
        ProcessorsLifecycle,
      ],
      exports: [ProcessorHost, HealthServer],
    };
  }
}
