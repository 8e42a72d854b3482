import { AllSubscription, Position, RecordedEvent, SubscriptionMessage } from '@flipside/event-store';
import { toIntegrationEvent } from './integration-events/integration-event';
import { approximateSize, OutgoingMessage, toKafkaMessage } from './integration-events/kafka-message';

/** Consecutive events of the log, ready to send in one producer.send. */
export interface EventBatch {
  /** Every event read, published or skipped. */
  readonly events: number;
  readonly messages: OutgoingMessage[];
  readonly skipped: { readonly id: string; readonly reason: string }[];
  /** The last event's position: the checkpoint once the broker has acknowledged the batch. */
  readonly last: Position;
  readonly firstRecordedAt: Date;
}

export interface BatchLimits {
  readonly maxEvents: number;
  readonly maxBytes: number;
  /** Once a batch holds an event, how long to wait for more before handing it over (live events). */
  readonly lingerMs: number;
}



const LINGER_OVER = Symbol('linger over');

/**
 * Cuts a subscription into batches. A read that is still waiting when a batch is handed over is kept for the
 * next batch, so no message is ever dropped or read twice.
 */
export class EventBatches {
  private readonly iterator: AsyncIterator<SubscriptionMessage>;
  private waiting?: Promise<IteratorResult<SubscriptionMessage>>;
  private ended = false;
  private live = false;

  constructor(
    subscription: AllSubscription,
    private readonly limits: BatchLimits,
    private readonly onCaughtUp: () => void,
  ) {
    this.iterator = subscription[Symbol.asyncIterator]();
  }

  /** The next batch; undefined once the subscription has ended (it was closed). */
  async next(): Promise<EventBatch | undefined> {
    if (this.ended) return undefined;
    const messages: OutgoingMessage[] = [];
    const skipped: { id: string; reason: string }[] = [];
    let events = 0;
    let bytes = 0;
    let first: RecordedEvent | undefined;
    let last: RecordedEvent | undefined;
    let lingerOver: Promise<typeof LINGER_OVER> | undefined;
    let lingerTimer: NodeJS.Timeout | undefined;
    try {
      while (events < this.limits.maxEvents && bytes < this.limits.maxBytes) {
        this.waiting ??= this.iterator.next();
        // While catching up, the next page of the backlog is a query away: waiting for it makes the full batches
        // that make catching up fast. Live, a batch waits at most lingerMs for company.
        const result = lingerOver ? await Promise.race([this.waiting, lingerOver]) : await this.waiting;
        if (result === LINGER_OVER) break;
        this.waiting = undefined;
        if (result.done) {
          this.ended = true;
          break;
        }
        const message = result.value;
        if (message.kind === 'caught-up') {
          this.live = true;
          this.onCaughtUp();
          if (events > 0) break;
          continue;
        }
        const event = message.event;
        first ??= event;
        last = event;
        events++;
        const translation = toIntegrationEvent(event);
        if (translation.publish) {
          const outgoing = toKafkaMessage(translation.event);
          messages.push(outgoing);
          bytes += approximateSize(outgoing);
        } else {
          skipped.push({ id: event.id, reason: translation.reason });
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
    if (!first || !last) return undefined;
    return { events, messages, skipped, last: last.position, firstRecordedAt: first.recordedAt };
  }
}
