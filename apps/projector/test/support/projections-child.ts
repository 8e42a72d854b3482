// A projector process with the read-model projections only (no Kafka), for tests that SIGKILL it.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@flipside/config';
import { ProjectionsModule } from '../../src/projections/projections.module';
import { projectorSettingsFrom } from '../../src/projections/projector-settings';

async function main(): Promise<void> {
  const settings = projectorSettingsFrom(loadConfig(process.env, { jwt: false }));
  const app = await NestFactory.createApplicationContext(
    ProjectionsModule.forRoot({ ...settings, runner: { ...settings.runner, maxBatchEvents: Number(process.env.BATCH_EVENTS ?? 1000) } }),
  );
  app.enableShutdownHooks();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
