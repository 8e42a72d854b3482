// A projector process with the engagement automation alone, on the system clock (a test starts it under libfaketime), for tests that SIGKILL it.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@flipside/config';
import { loadAutomationSettings } from '../../src/automation/automation-settings';
import { engagementAutomation } from '../../src/automation/engagement-automation';
import { ProjectorModule } from '../../src/projector.module';
import { projectorSettingsFrom } from '../../src/projector-settings';

async function main(): Promise<void> {
  const settings = projectorSettingsFrom(loadConfig(process.env, { jwt: false }));
  const app = await NestFactory.createApplicationContext(
    ProjectorModule.forRoot({
      settings: { ...settings, engine: { ...settings.engine, leaseRetryMs: 100, retryPauseMs: 200 } },
      processors: [engagementAutomation(loadAutomationSettings(process.env))],
    }),
  );
  app.enableShutdownHooks();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
