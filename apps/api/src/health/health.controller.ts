import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { Response } from 'express';
import { EVENT_STORE, EventStore, StreamNotFoundError } from '@flipside/event-store';

/** Liveness and readiness for orchestrators (docker compose, Kubernetes); no authentication. */
@Controller('health')
export class HealthController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'up' };
  }

  /** Ready when the event store answers a read. */
  @Get()
  async ready(@Res({ passthrough: true }) response: Response) {
    try {
      await this.store.readStream('program-health-probe', { maxCount: 1 });
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) {
        response.status(503).setHeader('Retry-After', '5');
        return { status: 'down', eventStore: 'unreachable' };
      }
    }
    return { status: 'up', eventStore: 'reachable' };
  }
}
