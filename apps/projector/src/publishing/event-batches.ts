import { AllSubscription, Position } from '@flipside/event-store';
import { SubscriptionBatches } from '../subscribing/subscription-batches';
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

type Translated = { readonly message: OutgoingMessage } | { readonly skipped: { readonly id: string; readonly reason: string } };

/** Subscription batches translated to Kafka messages as they are read, so the byte limit weighs the real messages. */
export class EventBatches {
  private readonly batches: SubscriptionBatches<Translated>;

  constructor(subscription: AllSubscription, limits: BatchLimits, onCaughtUp: () => void) {
    this.batches = new SubscriptionBatches<Translated>(
      subscription,
      { maxEvents: limits.maxEvents, lingerMs: limits.lingerMs, maxWeight: limits.maxBytes },
      onCaughtUp,
      (event) => {
        const translation = toIntegrationEvent(event);
        if (!translation.publish) return { item: { skipped: { id: event.id, reason: translation.reason } }, weight: 0 };
        const message = toKafkaMessage(translation.event);
        return { item: { message }, weight: approximateSize(message) };
      },
    );
  }

  /** The next batch; undefined once the subscription has ended (it was closed). */
  async next(): Promise<EventBatch | undefined> {
    const batch = await this.batches.next();
    if (!batch) return undefined;
    const messages: OutgoingMessage[] = [];
    const skipped: EventBatch['skipped'] = [];
    for (const item of batch.items) {
      if ('message' in item) messages.push(item.message);
      else skipped.push(item.skipped);
    }
    return {
      events: batch.events.length,
      messages,
      skipped,
      last: batch.events[batch.events.length - 1].position,
      firstRecordedAt: batch.events[0].recordedAt,
    };
  }
}
