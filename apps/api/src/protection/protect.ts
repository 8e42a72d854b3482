import { NestExpressApplication } from '@nestjs/platform-express';
import { FlipsideConfig } from '@flipside/config';
import { limitEachAddress } from './address-rate-limit';
import { shedOverload } from './overload-shedding';

/**
 * The first middleware of the API, ahead of everything else: overload shedding, then the per-address rate
 * limit on /v1 (health and /docs are never limited). Both refuse before the body is read.
 */
export function protect(app: NestExpressApplication, config: FlipsideConfig): void {
  app.set('trust proxy', config.trustProxy);
  if (config.maxConcurrentRequests > 0) app.use(shedOverload(config.maxConcurrentRequests, config.maxQueuedRequests));
  if (config.rateLimitPerAddressPerMinute > 0) app.use('/v1', limitEachAddress(config.rateLimitPerAddressPerMinute));
}
