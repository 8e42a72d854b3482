import { INestApplicationContext, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { createEventStore, EventStore, EventStoreSelection, RecordedEvent } from '@flipside/event-store';
import { EventStoreDbDouble } from '@flipside/event-store/testing/eventstoredb-double';
import { createTestDatabase, requirePostgres, TestDatabase } from '@flipside/testing';
import { DEFAULT_ENGINE_SETTINGS } from '../../src/engine/processor-engine';
import { DEFAULT_LAG_SAMPLING } from '../../src/engine/processor-lag';
import { ProcessorHost } from '../../src/engine/processor-host';
import { KafkaPublisher, kafkaPublishing } from '../../src/kafka/kafka-publisher';
import { PublishingSettings } from '../../src/kafka/publishing.settings';
import { PublishingStatusSnapshot } from '../../src/kafka/publishing-status';
import { ProjectorModule } from '../../src/projector.module';

/** Which store the suites run on: TEST_EVENT_STORE=eventstoredb runs them on the EventStoreDB test double. */
export const testEventStore = process.env.TEST_EVENT_STORE === 'eventstoredb' ? 'eventstoredb' : 'postgres';

/** A fresh database (checkpoints, and events unless the suites run on the EventStoreDB double). */
export interface TestStore {
  readonly store: EventStore;
  readonly selection: EventStoreSelection;
  readonly databaseUrl: string;
  /** Every stored event in log order. */
  allEvents(): Promise<RecordedEvent[]>;
  close(): Promise<void>;
}

export async function startTestStore(prefix = 'flipside_projector'): Promise<TestStore | undefined> {
  if (!(await requirePostgres())) return undefined;
  const database: TestDatabase = await createTestDatabase(prefix);
  const double = testEventStore === 'eventstoredb' ? await EventStoreDbDouble.start() : undefined;
  const selection: EventStoreSelection = {
    eventStore: testEventStore,
    databaseUrl: database.url,
    eventStoreUrl: double?.connectionString,
  };
  const store = createEventStore(selection);
  await store.start();
  return {
    store,
    selection,
    databaseUrl: database.url,
    async allEvents() {
      const all: RecordedEvent[] = [];
      for (;;) {
        const page = await store.readAll({ maxCount: 5000, ...(all.length > 0 ? { from: all[all.length - 1].position } : {}) });
        const fresh = all.length > 0 ? page.slice(1) : page;
        if (fresh.length === 0) return all;
        all.push(...fresh);
      }
    },
    async close() {
      await store.close();
      await double?.stop();
      await database.drop();
    },
  };
}

/** Settings as the environment would give them, with quick retries for tests. */
export function testSettings(
  store: Pick<TestStore, 'selection' | 'databaseUrl'>,
  topic: string,
  brokers: readonly string[] | undefined,
  overrides: Partial<PublishingSettings> = {},
): PublishingSettings {
  return {
    brokers,
    clientId: 'flipside-projector-test',
    topic,
    partitions: 6,
    replicationFactor: 1,
    eventStore: store.selection,
    databaseUrl: store.databaseUrl,
    checkpointName: `integration-events:${topic}`,
    batchSize: 200,
    maxBatchBytes: 900 * 1024,
    lingerMs: 10,
    standbyRetryMs: 100,
    retryInitialMs: 100,
    retryMaxMs: 1000,
    ...overrides,
  };
}

/** The Kafka publisher as the projector runs it (under the engine), alone, in this process. */
export interface RunningPublisher {
  readonly app: INestApplicationContext;
  status(): PublishingStatusSnapshot;
  close(): Promise<void>;
}

export async function startPublishing(settings: PublishingSettings, logger?: LoggerService): Promise<RunningPublisher> {
  const app = await NestFactory.createApplicationContext(
    ProjectorModule.forRoot({
      settings: {
        config: settings.eventStore,
        readyMaxLagSeconds: 30,
        lagSampling: DEFAULT_LAG_SAMPLING,
        engine: DEFAULT_ENGINE_SETTINGS,
      },
      processors: [kafkaPublishing(settings)],
    }),
    logger ? { logger } : {},
  );
  await app.init();
  const engine = app.get(ProcessorHost).engines.find((candidate) => candidate.processor instanceof KafkaPublisher)!;
  const publisher = engine.processor as unknown as KafkaPublisher;
  return { app, status: () => publisher.status.snapshot(engine.status.snapshot()), close: () => app.close() };
}

/** The checkpoint as stored, read over a connection of its own. */
export async function storedCheckpoint(databaseUrl: string, name: string): Promise<string | undefined> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ position: string }>(
      `SELECT position FROM projector.checkpoints WHERE name = $1`,
      [name],
    );
    return rows[0]?.position;
  } catch (error) {
    // 42P01: the table does not exist yet.
    if ((error as { code?: string }).code === '42P01') return undefined;
    throw error;
  } finally {
    await client.end();
  }
}

export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Log lines captured from Nest's logger. */
export class CapturedLog implements LoggerService {
  readonly lines: { level: string; message: string }[] = [];
  log(message: unknown) {
    this.lines.push({ level: 'log', message: String(message) });
  }
  warn(message: unknown) {
    this.lines.push({ level: 'warn', message: String(message) });
  }
  error(message: unknown) {
    this.lines.push({ level: 'error', message: String(message) });
  }
  debug() {}
  verbose() {}
}
