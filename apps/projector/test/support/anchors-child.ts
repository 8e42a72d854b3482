// A projector process with the audit anchor processor only (settings from the environment), for tests that SIGKILL it.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@flipside/config';
import { auditAnchors } from '../../src/audit-anchors/audit-anchors.processor';
import { loadAnchorSettings } from '../../src/audit-anchors/anchor-settings';
import { ProjectorModule } from '../../src/projector.module';
import { projectorSettingsFrom } from '../../src/projector-settings';

async function main(): Promise<void> {
  const settings = projectorSettingsFrom(loadConfig(process.env, { jwt: false }));
  const app = await NestFactory.createApplicationContext(
    // The anchors alone, without a health port (several children run side by side).
    ProjectorModule.forRoot({ settings: { ...settings, healthPort: undefined }, processors: [auditAnchors(loadAnchorSettings(process.env))] }),
  );
  app.enableShutdownHooks();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
