// A projector process with the audit anchor processor only (settings from the environment), for tests that SIGKILL it.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AuditAnchorsModule } from '../../src/audit-anchors/audit-anchors.module';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AuditAnchorsModule.forRoot());
  app.enableShutdownHooks();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
