import { Logger } from '@nestjs/common';
import { comparePositions, EventReader, parsePosition, START } from '@flipside/event-store';
import { EventStoreReach } from './event-store-reach';
import { ProcessorStatus } from './processor-status';

export interface LagSampling {
  /** Pause between the end of one sample and the start of the next. */
  readonly everyMs: number;
  /** lagEvents counts at most this many events; a processor further behind reports exactly this many. */
  readonly countCap: number;
}

export const DEFAULT_LAG_SAMPLING: LagSampling = { everyMs: 5000, countCap: 1000 };

/**
 * How far each processor with its lease is behind the log: the events after its checkpoint (up to a cap) and
 * the age of the oldest of them, read through the store port; and whether the store answers at all. One sample
 * at a time, each scheduled after the last has ended: a slow store makes sampling slower, never piles reads on
 * it (overlapping samples once ran a catching-up projector out of memory).
 */
export class ProcessorLag {
  private readonly logger = new Logger('Processor lag');
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly store: Pick<EventReader, 'readAll'>,
    private readonly statuses: readonly ProcessorStatus[],
    private readonly sampling: LagSampling = DEFAULT_LAG_SAMPLING,
    private readonly reach: EventStoreReach = new EventStoreReach(),
  ) {}

  /** Samples now, then again `everyMs` after each sample ends, until stopped. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** No sample starts after this; resolves once the one in flight (if any) has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
  }

  async sample(): Promise<void> {
    const holding = this.statuses.filter((status) => status.leaseHeld);
    try {
      // A standby instance still has to know whether the store answers.
      if (holding.length === 0) await this.store.readAll({ maxCount: 1 });
      for (const status of holding) {
        if (this.stopped) return;
        await this.measure(status);
      }
      if (!this.reach.reachable) this.logger.log('The event store answers again');
      this.reach.answered();
    } catch (error) {
      if (this.stopped) return;
      const wasReachable = this.reach.reachable;
      if (!this.reach.failed(error)) this.logger.warn(`Cannot sample the processors' lag: ${(error as Error).message}`);
      else if (wasReachable) this.logger.warn(`${(error as Error).message}; unready until it answers again`);
    }
  }

  private async measure(status: ProcessorStatus): Promise<void> {
    const checkpoint = (status.checkpoint && parsePosition(status.checkpoint)) || START;
    // The read includes the checkpoint's own event, which is not lag.
    const page = await this.store.readAll({ from: checkpoint, maxCount: this.sampling.countCap + 1 });
    const behind = page.filter((event) => comparePositions(event.position, checkpoint) > 0).slice(0, this.sampling.countCap);
    status.lagEvents = behind.length;
    status.lagSeconds = behind.length > 0 ? Math.max(0, (Date.now() - behind[0].recordedAt.getTime()) / 1000) : 0;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.sample().finally(() => {
        this.inFlight = undefined;
        this.schedule(this.sampling.everyMs);
      });
    }, delayMs);
    this.timer.unref();
  }
}
