import { RecordedEvent } from '../events';
import { Position } from '../position';

export type SubscriptionMessage =
  | { readonly kind: 'event'; readonly event: RecordedEvent }
  /** Everything stored when the subscription started has been delivered; from now on events arrive live. */
  | { readonly kind: 'caught-up' };

export interface SubscribeToAllOptions {
  /** Deliver events strictly after this position (a stored checkpoint); default the start of the log. */
  readonly after?: Position;
}

/**
 * A catch-up subscription: iterate it with `for await`; each message is handled before the next is read,
 * so handlers are serialised and see events in global order. Iterating again continues where the last
 * iteration stopped (one delivery sequence per subscription).
 */
export interface AllSubscription extends AsyncIterable<SubscriptionMessage> {
  /** Stops delivery; iteration ends after the message in hand. Safe to call more than once. */
  close(): Promise<void>;
}

export interface EventSubscriber {
  subscribeToAll(options?: SubscribeToAllOptions): AllSubscription;
}
