import { AllSubscription, RecordedEvent, SubscriptionMessage } from '@flipside/event-store';
import { readableEvent } from './stored-event-gate';

export interface SubscriptionBatchLimits {
  /** Most events in one batch. */
  readonly maxEvents: number;
  /** Once live, how long a batch that holds an event waits for more before it is handed over. */
  readonly lingerMs: number;
  /** Most total weight (as `take` counts it) in one batch; the event that reaches it is the batch's last. */
  readonly maxWeight?: number;
}

/** What the caller makes of an event as it joins a batch, and how much of `maxWeight` it uses. */
export type Take<T> = (event: RecordedEvent) => { readonly item: T; readonly weight: number };

/** Consecutive events of the log in their current schema version, with what `take` made of each (nothing without `take`). */
export interface SubscriptionBatch<T> {
  readonly events: RecordedEvent[];
  readonly items: T[];
}

const LINGER_OVER = Symbol('linger over');

/**
 * Cuts a subscription into batches: full ones while catching up (throughput), and once live, whatever has
 * arrived within `lingerMs` (latency). A read still pending when a batch is handed over is kept for the next
 * one, so nothing is dropped or read twice.
 */
export class SubscriptionBatches<T = never> {
  private readonly iterator: AsyncIterator<SubscriptionMessage>;
  private pending?: Promise<IteratorResult<SubscriptionMessage>>;
  private ended = false;
  private live = false;

  constructor(
    subscription: AllSubscription,
    private readonly limits: SubscriptionBatchLimits,
    private readonly onCaughtUp: () => void,
    private readonly take?: Take<T>,
  ) {
    this.iterator = subscription[Symbol.asyncIterator]();
  }

  /** The next batch in log order; undefined once the subscription has ended (it was closed). */
  async next(): Promise<SubscriptionBatch<T> | undefined> {
    const events: RecordedEvent[] = [];
    const items: T[] = [];
    let weight = 0;
    const maxWeight = this.limits.maxWeight ?? Infinity;
    let lingerOver: Promise<typeof LINGER_OVER> | undefined;
    let lingerTimer: NodeJS.Timeout | undefined;
    try {
      while (!this.ended && events.length < this.limits.maxEvents && weight < maxWeight) {
        this.pending ??= this.iterator.next();
        // While catching up, the next page of the backlog is a query away: waiting for it makes the full batches
        // that make catching up fast. Live, a batch waits at most lingerMs for company.
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
        // Every processor gets events only through here: upcast once, as they join a batch.
        const event = readableEvent(result.value.event);
        events.push(event);
        if (this.take) {
          const taken = this.take(event);
          items.push(taken.item);
          weight += taken.weight;
        }
        if (this.live) {
          lingerOver ??= new Promise((resolve) => {
            lingerTimer = setTimeout(() => resolve(LINGER_OVER), this.limits.lingerMs);
          });
        }
      }
    } finally {
      clearTimeout(lingerTimer);
    }
    return events.length > 0 ? { events, items } : undefined;
  }
}
