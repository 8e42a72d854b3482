// A projector process with the read models only (no Kafka, no anchors), for tests that SIGKILL it.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@flipside/config';
import { ProjectorModule } from '../../src/projector.module';
import { projectorSettingsFrom } from '../../src/projector-settings';
import { readModelProcessors } from '../../src/read-models/read-model-processor';

async function main(): Promise<void> {
  const settings = projectorSettingsFrom(loadConfig(process.env, { jwt: false }));
  const app = await NestFactory.createApplicationContext(
    ProjectorModule.forRoot({
      settings: { ...settings, engine: { ...settings.engine, maxBatchEvents: Number(process.env.BATCH_EVENTS ?? 1000) } },
      processors: readModelProcessors(),
    }),
  );
  app.enableShutdownHooks();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
