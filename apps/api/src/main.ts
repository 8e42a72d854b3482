import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigurationError, loadConfig } from '@flipside/config';
import { MasterKeyError } from '@flipside/personal-data';
import { createApp } from './app.factory';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const app = await createApp(config).catch((error: unknown) => {
    if (!(error instanceof MasterKeyError)) throw error;
    console.error(error.message);
    process.exit(2);
  });
  await app.listen(config.port, '0.0.0.0');
  new Logger('Flipside').log(`API listening on http://localhost:${config.port} (OpenAPI at /docs)`);
}

void main();
