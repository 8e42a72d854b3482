import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { FlipsideConfig } from '@flipside/config';
import { AppModule } from './app.module';
import { correlateRequests } from './http/correlation';
import { parseJsonBodies, requireJsonBodies } from './http/json-body';
import { requestValidation } from './http/validation';

/** The API as tests and main.ts use it: same middleware, pipes, filters and routes. */
export async function createApp(config: FlipsideConfig, options: { logger?: false } = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    ...(options.logger === false ? { logger: false } : {}),
  });
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(correlateRequests());
  app.use(requireJsonBodies());
  app.use(parseJsonBodies());
  app.useGlobalPipes(requestValidation());
  app.enableShutdownHooks();
  await app.init();
  return app;
}
