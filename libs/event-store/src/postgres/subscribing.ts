import { Pool } from 'pg';
import { EventStoreUnavailableError } from '../errors';
import { Position, START } from '../position';
import {
  AllSubscription,
  EventSubscriber,
  SubscribeToAllOptions,
  SubscriptionMessage,
} from '../subscribing/event-subscriber.port';
import { AppendSignal } from './append-signal';
import { readSettledEvents } from './reading';

export interface PostgresSubscriptionTuning {
  /** Rows per read while catching up. */
  readonly batchSize: number;
  /** Longest wait between reads when no notification arrives (the polling fallback). */
  readonly pollIntervalMs: number;
}

export const DEFAULT_SUBSCRIPTION_TUNING: PostgresSubscriptionTuning = { batchSize: 500, pollIntervalMs: 500 };

// After a wake-up, how soon to look again for an event held back by an older transaction (any transaction in
// the cluster holds the xmin horizon, and its commit sends no notification).
const SETTLING_RETRY_MS = [2, 5, 10, 20, 50, 100, 200, 400, 500, 500, 500, 500, 500, 500, 500, 500];

class PostgresAllSubscription implements AllSubscription {
  private closed = false;
  private cancelWait?: () => void;
  private iterator?: AsyncGenerator<SubscriptionMessage>;

  constructor(
    private readonly pool: Pool,
    private readonly signal: AppendSignal,
    private readonly tuning: PostgresSubscriptionTuning,
    private after: Position,
  ) {}

  async close(): Promise<void> {
    this.closed = true;
    this.cancelWait?.();
  }

  /** One delivery sequence per subscription, however many times it is iterated. */
  [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    this.iterator ??= this.messages();
    return this.iterator;
  }

  private async *messages(): AsyncGenerator<SubscriptionMessage> {
    let caughtUp = false;
    let woken = false;
    let quickRetry = 0;
    while (!this.closed) {
      const seen = this.signal.generation;
      let events;
      try {
        events = await readSettledEvents(this.pool, this.after, this.tuning.batchSize);
      } catch (error) {
        if (!(error instanceof EventStoreUnavailableError)) throw error;
        await this.pause(this.tuning.pollIntervalMs, seen);
        continue;
      }
      for (const event of events) {
        if (this.closed) return;
        yield { kind: 'event', event };
        this.after = event.position;
      }
      if (events.length === this.tuning.batchSize) continue;
      if (!caughtUp) {
        caughtUp = true;
        yield { kind: 'caught-up' };
      }
      // Woken but nothing visible yet: the append's transaction is still settling, so look again soon.
      if (woken && events.length === 0 && quickRetry < SETTLING_RETRY_MS.length) {
        await this.pause(Math.min(SETTLING_RETRY_MS[quickRetry++], this.tuning.pollIntervalMs), seen);
        continue;
      }
      quickRetry = 0;
      woken = await this.pause(this.tuning.pollIntervalMs, seen);
    }
  }

  /** Waits for an append notification or the timeout; true when an append woke us. */
  private async pause(timeoutMs: number, seenGeneration: number): Promise<boolean> {
    if (this.closed) return false;
    const wait = this.signal.wait(timeoutMs, seenGeneration);
    this.cancelWait = wait.cancel;
    const notified = await wait.promise;
    this.cancelWait = undefined;
    return notified && !this.closed;
  }
}

export class PostgresEventSubscriber implements EventSubscriber {
  private readonly open = new Set<AllSubscription>();

  constructor(
    private readonly pool: Pool,
    private readonly signal: AppendSignal,
    private readonly tuning: PostgresSubscriptionTuning = DEFAULT_SUBSCRIPTION_TUNING,
  ) {}

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    const subscription = new PostgresAllSubscription(this.pool, this.signal, this.tuning, options.after ?? START);
    this.open.add(subscription);
    return subscription;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open].map((subscription) => subscription.close()));
    this.open.clear();
  }
}
