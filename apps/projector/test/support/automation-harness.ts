import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RecordedEvent } from '@flipside/event-store';
import { existsSync } from 'node:fs';
import { ApiHarness } from '../../../api/test/support/api-harness';
import { EngagementClock } from '../../src/automation/engagement-clock';
import { engagementAutomation } from '../../src/automation/engagement-automation';
import { ENGAGEMENT_ACTOR_ID } from '../../src/automation/write-path-decisions';
import { DEFAULT_ENGINE_SETTINGS } from '../../src/engine/processor-engine';
import { ProcessorFactory } from '../../src/engine/processor-host';
import { HealthServer } from '../../src/health/health-server';
import { kafkaPublishing } from '../../src/kafka/kafka-publisher';
import { loadPublishingSettings } from '../../src/kafka/publishing.settings';
import { ProjectorModule } from '../../src/projector.module';
import { readModelProcessors } from '../../src/read-models/read-model-processor';

export interface RunningAutomation {
  readonly app: INestApplicationContext;
  health(): Promise<any>;
  metrics(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The projector in this process on the API's store and database: the read models, the engagement automation on
 * `clock`, and the Kafka publisher when a topic is given.
 */
export async function startAutomation(
  api: ApiHarness,
  clock: EngagementClock,
  options: { brokers?: readonly string[]; topic?: string } = {},
): Promise<RunningAutomation> {
  const { config } = api;
  const selection = { eventStore: config.eventStore, databaseUrl: config.databaseUrl, eventStoreUrl: config.eventStoreUrl };
  const processors: ProcessorFactory[] = [
    ...readModelProcessors(),
    engagementAutomation({ masterKeys: config.masterKeys, clock, batch: 500, concurrency: 8, idleCheckMs: 60_000 }),
  ];
  if (options.brokers && options.topic) {
    const env = { DATABASE_URL: config.databaseUrl, KAFKA_BROKERS: options.brokers.join(','), KAFKA_TOPIC: options.topic, KAFKA_TOPIC_PARTITIONS: '1' };
    processors.push(kafkaPublishing({ ...loadPublishingSettings(env), eventStore: selection, standbyRetryMs: 200 }));
  }
  const app = await NestFactory.createApplicationContext(
    ProjectorModule.forRoot({
      settings: {
        config: selection,
        healthPort: 0,
        readyMaxLagSeconds: 30,
        lagSampling: { everyMs: 200, countCap: 1000 },
        engine: { ...DEFAULT_ENGINE_SETTINGS, leaseRetryMs: 200, retryPauseMs: 200 },
      },
      processors,
    }),
    { logger: false },
  );
  await app.init();
  const port = app.get(HealthServer).port();
  return {
    app,
    health: async () => (await fetch(`http://127.0.0.1:${port}/health`)).json(),
    metrics: async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
    close: () => app.close(),
  };
}

/** The events the automation recorded, in log order. */
export async function automationEvents(api: ApiHarness): Promise<RecordedEvent[]> {
  return (await api.allEvents()).filter((event) => (event.metadata as { actor?: { id?: string } }).actor?.id === ENGAGEMENT_ACTOR_ID);
}

/** Waits until `probe` answers something `accept` takes; fails with the last answer. */
export async function until<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) {
      const last = JSON.stringify(value, (_key, field) => (typeof field === 'bigint' ? String(field) : field)) ?? String(value);
      throw new Error(`Not reached in ${timeoutMs} ms; last (${Array.isArray(value) ? `${value.length} items` : 'value'}): ${last.slice(0, 1500)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `days` after `date` (YYYY-MM-DD). */
export function plusDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

// The multi-threaded build: node runs several threads (libuv's pool, V8's), each of which reads the clock.
const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';

/**
 * The environment that starts a child process on a shifted system clock (libfaketime, Debian's package
 * `faketime`): its wall clock starts at `instant` and runs on; its monotonic clock (timers) is left alone.
 */
export function shiftedClockEnv(instant: Date): Record<string, string> {
  if (!existsSync(LIBFAKETIME)) throw new Error(`${LIBFAKETIME} is missing: apt-get install faketime (.ci/run does)`);
  const at = instant.toISOString().replace('T', ' ').slice(0, 19);
  return { LD_PRELOAD: LIBFAKETIME, FAKETIME: `@${at}`, DONT_FAKE_MONOTONIC: '1' };
}
