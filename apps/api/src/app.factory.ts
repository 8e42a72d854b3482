import { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { FlipsideConfig } from '@flipside/config';
import { AppModule } from './app.module';
import { correlateRequests } from './http/correlation';
import { gateRequestInput } from './http/body-gate';
import { ClientFaultLog } from './http/client-fault-log';
import { capRequestTimes, parseJsonBodies, requireJsonBodies } from './http/json-body';
import { answerUnparseableRequests, ignoreConditionalReads } from './http/unparseable-requests';
import { requestValidation } from './http/validation';
import { protect } from './protection/protect';

/** The API as tests and main.ts use it: same middleware, pipes, filters and routes. */
export async function createApp(config: FlipsideConfig, options: { logger?: false | LoggerService } = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    // A failure at start (e.g. the wrong master key) reaches the caller, which says why, instead of a bare exit.
    abortOnError: false,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  app.disable('x-powered-by');
  app.set('etag', false);
  protect(app, config);
  const clientFaults = new ClientFaultLog();
  app.use(correlateRequests());
  app.use(ignoreConditionalReads());
  app.use(requireJsonBodies());
  app.use(parseJsonBodies(clientFaults));
  app.use(gateRequestInput());
  capRequestTimes(app.getHttpServer());
  answerUnparseableRequests(app.getHttpServer(), clientFaults);
  app.useGlobalPipes(requestValidation());
  app.enableShutdownHooks();
  await app.init();
  return app;
}
