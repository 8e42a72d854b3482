import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventStoreSelection } from '@flipside/event-store';
import { DEFAULT_ENGINE_SETTINGS } from '../../src/engine/processor-engine';
import { HealthServer } from '../../src/health/health-server';
import { ProjectorModule } from '../../src/projector.module';
import { readModelProcessors } from '../../src/read-models/read-model-processor';

/**
 * The projector with its read models alone (no Kafka publishing, no anchors), with a health port picked by the
 * system, on the given event store (a database URL alone means the PostgreSQL store in that database).
 */
export async function startProjector(store: string | EventStoreSelection, options: { only?: string[] } = {}): Promise<{
  app: INestApplicationContext;
  health(): Promise<{ status: number; body: any }>;
  metrics(): Promise<string>;
  close(): Promise<void>;
}> {
  const app = await NestFactory.createApplicationContext(
    ProjectorModule.forRoot({
      settings: {
        config: typeof store === 'string' ? { databaseUrl: store, eventStore: 'postgres' } : store,
        healthPort: 0,
        readyMaxLagSeconds: 30,
        lagSampling: { everyMs: 200, countCap: 1000 },
        engine: { ...DEFAULT_ENGINE_SETTINGS, leaseRetryMs: 200 },
        only: options.only,
      },
      processors: readModelProcessors(),
    }),
    { logger: false },
  );
  await app.init();
  const port = app.get(HealthServer).port();
  return {
    app,
    async health() {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      return { status: response.status, body: await response.json() };
    },
    async metrics() {
      return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    },
    close: () => app.close(),
  };
}

export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`Condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
