import { AllStreamResolvedEvent, AllStreamSubscription } from '@eventstore/db-client';
import { Position } from '../position';
import {
  AllSubscription,
  EventSubscriber,
  SubscribeToAllOptions,
  SubscriptionMessage,
} from '../subscribing/event-subscriber.port';
import { EventStoreDbConnection } from './connection';
import { isTransient, translateReadError } from './error-mapping';
import { toRecordedEvent } from './event-mapping';
import { toReadPosition } from './position-mapping';
import { ProductStreams } from './product-streams';
import { allPosition } from './reading';

export interface ResubscribeTuning {
  /** Wait before the first attempt after a drop; doubles on every drop in a row. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RESUBSCRIBE: ResubscribeTuning = { firstDelayMs: 100, maxDelayMs: 5000 };

// Received but not yet handed out: above the high mark the client stream is paused (gRPC flow control does the rest).
const INBOX_HIGH_WATER = 512;
const INBOX_LOW_WATER = 128;

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };
const CAUGHT_UP: SubscriptionMessage = { kind: 'caught-up' };

interface Waiter {
  resolve(result: IteratorResult<SubscriptionMessage>): void;
  reject(error: unknown): void;
}

/**
 * One catch-up subscription to $all, kept alive across drops. Every iterator taken from it reads the same
 * sequence. After a drop, whatever was received but not yet handed out is discarded and the next client
 * subscription starts strictly after the last event handed out, so nothing is skipped or handed out twice.
 */
class EventStoreDbAllSubscription implements AllSubscription {
  private readonly inbox: SubscriptionMessage[] = [];
  private readonly waiters: Waiter[] = [];
  private source?: AllStreamSubscription;
  private detachSource?: () => Promise<void>;
  private lastDelivered: Position | undefined;
  private caughtUpDelivered = false;
  private failure?: { readonly error: unknown };
  private closing?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private dropsInARow = 0;
  private readonly forget: () => void;

  constructor(
    private readonly connection: EventStoreDbConnection,
    private readonly products: ProductStreams,
    private readonly tuning: ResubscribeTuning,
    after: Position | undefined,
  ) {
    this.lastDelivered = after;
    this.forget = connection.track({ end: () => this.close() });
  }

  [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    return {
      next: () => this.next(),
      // Leaving a for-await loop early ends the subscription.
      return: async () => {
        await this.close();
        return DONE;
      },
    };
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.inbox.length = 0;
    for (const waiter of this.waiters.splice(0)) waiter.resolve(DONE);
    this.forget();
    await this.detach();
  }

  private next(): Promise<IteratorResult<SubscriptionMessage>> {
    if (this.closing) return Promise.resolve(DONE);
    const message = this.inbox.shift();
    if (message) return Promise.resolve(this.handOut(message));
    if (this.failure) return Promise.reject(this.failure.error);
    // Wait first: attaching can fail at once (a closed store), and the failure goes to the waiters.
    const handedOut = new Promise<IteratorResult<SubscriptionMessage>>((resolve, reject) =>
      this.waiters.push({ resolve, reject }),
    );
    if (!this.source && !this.retryTimer) this.attach();
    return handedOut;
  }

  private handOut(message: SubscriptionMessage): IteratorResult<SubscriptionMessage> {
    if (message.kind === 'event') this.lastDelivered = message.event.position;
    else this.caughtUpDelivered = true;
    if (this.source?.isPaused() && this.inbox.length <= INBOX_LOW_WATER) this.source.resume();
    return { done: false, value: message };
  }

  private receive(message: SubscriptionMessage): void {
    const waiter = this.waiters.shift();
    if (waiter) return waiter.resolve(this.handOut(message));
    this.inbox.push(message);
    if (this.inbox.length >= INBOX_HIGH_WATER) this.source?.pause();
  }

  private attach(): void {
    if (this.closing) return;
    let source: AllStreamSubscription;
    try {
      source = this.connection.current().subscribeToAll({
        fromPosition: toReadPosition(this.lastDelivered),
        filter: this.products.serverFilter(),
      });
    } catch (error) {
      return this.fail(error);
    }
    // The client emits 'caughtUp' when the server's message arrives, possibly while events before it still wait
    // in the stream's buffer; count them so that caught-up is handed out after them.
    let received = 0;
    let caughtUpAfter: number | undefined;
    const caughtUp = (): void => {
      caughtUpAfter = undefined;
      if (!this.caughtUpDelivered && !this.inbox.includes(CAUGHT_UP)) this.receive(CAUGHT_UP);
    };
    const onData = (resolved: AllStreamResolvedEvent): void => {
      received++;
      this.dropsInARow = 0;
      const event = resolved.event;
      try {
        if (event && this.products.includes({ streamName: event.streamId, type: event.type })) {
          this.receive({ kind: 'event', event: toRecordedEvent(event, allPosition(event)) });
        }
      } catch (error) {
        return this.fail(error);
      }
      if (received === caughtUpAfter) caughtUp();
    };
    const onCaughtUp = (): void => {
      this.dropsInARow = 0;
      const buffered = source.readableLength;
      if (buffered === 0) caughtUp();
      else caughtUpAfter = received + buffered;
    };
    const onError = (error: Error): void => this.dropped(source, error);
    const onEnd = (): void => this.dropped(source, undefined);
    source.on('data', onData).on('caughtUp', onCaughtUp).on('error', onError).on('end', onEnd);

    this.source = source;
    this.detachSource = async () => {
      source.off('data', onData).off('caughtUp', onCaughtUp).off('end', onEnd).off('error', onError);
      // The client may still report the cancellation; an 'error' without a listener would crash the process.
      source.on('error', () => undefined);
      await source.unsubscribe().catch(() => undefined);
      source.destroy();
    };
  }

  private async detach(): Promise<void> {
    const detachSource = this.detachSource;
    this.source = undefined;
    this.detachSource = undefined;
    await detachSource?.();
  }

  private dropped(source: AllStreamSubscription, error: unknown): void {
    if (this.source !== source || this.closing) return;
    void this.detach();
    if (error !== undefined && !isTransient(error)) return this.fail(translateReadError(error));
    // Not handed out yet: the next subscription starts after the last event that was.
    this.inbox.length = 0;
    const delay = Math.min(this.tuning.maxDelayMs, this.tuning.firstDelayMs * 2 ** this.dropsInARow++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      // Only subscribe again for someone waiting; otherwise the next call to next() does.
      if (this.waiters.length > 0) this.attach();
    }, delay);
  }

  /** A fault that retrying will not cure: what was received is still handed out, then iteration throws. */
  private fail(error: unknown): void {
    if (this.closing || this.failure) return;
    this.failure = { error };
    void this.detach();
    if (this.inbox.length === 0) for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }
}

export class EventStoreDbSubscriber implements EventSubscriber {
  constructor(
    private readonly connection: EventStoreDbConnection,
    private readonly products: ProductStreams,
    private readonly tuning: ResubscribeTuning = DEFAULT_RESUBSCRIBE,
  ) {}

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    return new EventStoreDbAllSubscription(this.connection, this.products, this.tuning, options.after);
  }
}
