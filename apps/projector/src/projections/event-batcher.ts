import { AllSubscription, RecordedEvent, SubscriptionMessage } from '@flipside/event-store';

export interface BatchLimits {
  /** Most events per transaction while catching up. */
  readonly maxEvents: number;
  /** Once live, how long a batch waits for more events before it is applied. */
  readonly liveLingerMs: number;
}

const LINGER_OVER = Symbol('linger over');

/**
 * Cuts a subscription into batches: large ones while catching up (throughput), and once live, whatever has
 * arrived within a millisecond or two (latency). A read still pending when a batch is handed over is kept for
 * the next one, so nothing is dropped or read twice.
 */
export class EventBatcher {
  private readonly iterator: AsyncIterator<SubscriptionMessage>;
  private pending?: Promise<IteratorResult<SubscriptionMessage>>;
  private ended = false;
  private live = false;

  constructor(
    subscription: AllSubscription,
    private readonly limits: BatchLimits,
    private readonly onCaughtUp: () => void,
  ) {
    this.iterator = subscription[Symbol.asyncIterator]();
  }

  /** The next batch in log order; undefined once the subscription has been closed. */
  async next(): Promise<RecordedEvent[] | undefined> {
    const events: RecordedEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    let lingerOver: Promise<typeof LINGER_OVER> | undefined;
    try {
      while (!this.ended && events.length < this.limits.maxEvents) {
        this.pending ??= this.iterator.next();
        const result = lingerOver ? await Promise.race([this.pending, lingerOver]) : await this.pending;
        if (result === LINGER_OVER) break;
        this.pending = undefined;
        if (result.done) {
          this.ended = true;
          break;
        }
        if (result.value.kind === 'caught-up') {
          this.live = true;
          this.onCaughtUp();
          if (events.length > 0) break;
          continue;
        }
        events.push(result.value.event);
        if (this.live && !lingerOver) {
          lingerOver = new Promise((resolve) => {
            timer = setTimeout(() => resolve(LINGER_OVER), this.limits.liveLingerMs);
          });
        }
      }
    } finally {
      clearTimeout(timer);
    }
    return events.length > 0 ? events : undefined;
  }
}
