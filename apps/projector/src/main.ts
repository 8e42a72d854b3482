import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigurationError } from '@flipside/config';
import { ProjectorModule } from './projector.module';
import { runRebuildCli } from './read-models/rebuild-cli';

async function main(): Promise<void> {
  if (process.argv[2] === 'rebuild') return process.exit(await runRebuildCli(process.argv.slice(3)));
  // No HTTP port yet: an application context runs the modules and calls their shutdown hooks on SIGTERM/SIGINT.
  const app = await NestFactory.createApplicationContext(ProjectorModule.forRoot());
  app.enableShutdownHooks();
  new Logger('Projector').log(`Projector running (pid ${process.pid})`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
