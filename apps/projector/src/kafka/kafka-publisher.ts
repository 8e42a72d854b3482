import { Logger } from '@nestjs/common';
import { RecordedEvent } from '@flipside/event-store';
import { describe, describePosition } from '../engine/errors';
import { Batch, Batching, Processor, ProcessorSession, Queryable } from '../engine/processor';
import { pause } from '../engine/processor-engine';
import { ProcessorFactory } from '../engine/processor-host';
import { ProcessorStatusSnapshot } from '../engine/processor-status';
import { toIntegrationEvent } from './integration-events/integration-event';
import { approximateSize, OutgoingMessage, toKafkaMessage } from './integration-events/kafka-message';
import { KafkaDelivery } from './kafka-delivery';
import { PublishingSettings } from './publishing.settings';
import { PublishingStatus } from './publishing-status';

/** Idle this long, the publisher asks the broker whether it is still there, so health stays true. */
const IDLE_PROBE_MS = 10_000;

/** An event as the publisher takes it into a batch: its Kafka message, or why it is not published. */
export type Translated =
  | { readonly message: OutgoingMessage }
  | { readonly skipped: { readonly id: string; readonly reason: string; readonly byDesign: boolean } };

/** Each event translated as it joins a batch, so the byte limit weighs the real messages. */
export function translated(event: RecordedEvent): { item: Translated; weight: number } {
  const translation = toIntegrationEvent(event);
  if (!translation.publish) return { item: { skipped: { id: event.id, reason: translation.reason, byDesign: translation.byDesign === true } }, weight: 0 };
  const message = toKafkaMessage(translation.event);
  return { item: { message }, weight: approximateSize(message) };
}

/**
 * Publishes the store's events to Kafka as integration events, in log order, at least once. Its own checkpoint
 * and lease under the engine, independent of the read models: a slow or absent broker holds back nothing else.
 * Each batch (up to N events or the byte limit) goes out in one producer.send, and `handle` returns once the
 * broker acknowledged it (acks = all); the engine then compare-and-sets the checkpoint to the batch's last event
 * while the next batch is on its way (pipelining: the checkpoint only ever moves over acknowledged events). A
 * failed send is retried, same events in the same order, until the broker takes them; nothing after them is sent
 * before. While idle, the side loop probes the broker now and then, so health says whether it is there.
 */
export class KafkaPublisher implements Processor<Translated> {
  readonly name: string;
  // The lease the publisher held before the engine: a deployed predecessor and this one never run together.
  readonly leaseName: string;
  readonly leaseRetryMs: number;
  readonly disabled?: string;
  readonly batching: Batching<Translated>;
  readonly status: PublishingStatus;
  readonly healthSection = { key: 'publishing', body: (engine: ProcessorStatusSnapshot) => this.status.snapshot(engine) };
  private readonly logger = new Logger('IntegrationEventPublisher');
  private readonly delivery?: KafkaDelivery;
  /** Batches handed to the broker and not yet checkpointed, oldest first. */
  private readonly inFlight: { events: number; published: number; skipped: number }[] = [];
  private lastBrokerExchange = 0;
  private consecutiveFailures = 0;

  constructor(private readonly settings: PublishingSettings) {
    this.name = settings.checkpointName;
    this.leaseName = `flipside.publisher:${settings.checkpointName}`;
    this.leaseRetryMs = settings.standbyRetryMs;
    this.status = new PublishingStatus(settings.topic);
    this.batching = { maxEvents: settings.batchSize, maxWeight: settings.maxBatchBytes, lingerMs: settings.lingerMs, take: translated };
    const brokers = settings.brokers;
    if (!brokers) {
      this.disabled =
        `Publishing integration events to Kafka is OFF: KAFKA_BROKERS is not set. The checkpoint ` +
        `"${settings.checkpointName}" stays where it is; once KAFKA_BROKERS is set, publishing catches up from it.`;
      return;
    }
    this.logger.log(`Publishing integration events to topic ${settings.topic} on ${brokers.join(',')}`);
    this.delivery = new KafkaDelivery({ ...settings, brokers });
  }

  async setUp(_db: Queryable, session: ProcessorSession): Promise<void> {
    this.inFlight.length = 0;
    this.status.sessionStarted();
    session.onCommitted(() => {
      const acknowledged = this.inFlight.shift();
      if (acknowledged) this.status.acknowledged(acknowledged);
    });
    this.logger.log(`Publishing from ${describePosition(session.from)}`);
  }

  /** Sends the batch until the broker acknowledges it; throws when the session ends first (nothing is checkpointed). */
  async handle(batch: Batch<Translated>, session: ProcessorSession): Promise<void> {
    const messages: OutgoingMessage[] = [];
    let skipped = 0;
    for (const item of batch.items) {
      if ('message' in item) messages.push(item.message);
      else {
        skipped++;
        // Every pair's end writes a fence that is never published: only an unknown type or version is worth a warning.
        if (item.skipped.byDesign) this.logger.debug(`Not publishing event ${item.skipped.id}: ${item.skipped.reason}`);
        else this.logger.warn(`Skipping event ${item.skipped.id}: ${item.skipped.reason}`);
      }
    }
    this.status.read(batch.events.length);
    this.status.sending(batch.events[0].recordedAt);
    this.inFlight.push({ events: batch.events.length, published: messages.length, skipped });
    if (messages.length > 0) await this.deliver(messages, session);
  }

  private async deliver(messages: readonly OutgoingMessage[], session: ProcessorSession): Promise<void> {
    const delivery = this.delivery!;
    while (!session.held.aborted) {
      try {
        await delivery.send(messages);
        this.lastBrokerExchange = Date.now();
        if (this.consecutiveFailures > 0) {
          this.logger.log(`The broker is reachable again after ${this.consecutiveFailures} failed attempt(s); publishing resumes`);
        }
        this.consecutiveFailures = 0;
        this.status.brokerReachable();
        session.recovered();
        return;
      } catch (error) {
        this.consecutiveFailures++;
        this.status.brokerUnreachable();
        session.retrying(error);
        const wait = Math.min(this.settings.retryInitialMs * 2 ** Math.min(this.consecutiveFailures - 1, 10), this.settings.retryMaxMs);
        // Once, then every minute or so: an outage should not flood the log.
        if (this.consecutiveFailures === 1 || this.consecutiveFailures % 12 === 0) {
          this.logger.warn(
            `Kafka did not acknowledge ${messages.length} event(s) (attempt ${this.consecutiveFailures}): ` +
              `${describe(error)}. Retrying the same events in ${wait} ms; nothing later is sent before them`,
          );
        }
        await delivery.reset();
        await pause(wait, session.held);
      }
    }
    throw new Error('The session ended before Kafka acknowledged the batch');
  }

  /** Only while nothing is on its way: a batch in flight reports the broker's state itself. */
  async whileLeaseHeld(session: ProcessorSession): Promise<void> {
    const delivery = this.delivery!;
    while (!session.held.aborted) {
      await pause(IDLE_PROBE_MS, session.held);
      if (session.held.aborted || this.status.figures().pendingEvents > 0 || Date.now() - this.lastBrokerExchange < IDLE_PROBE_MS) continue;
      this.lastBrokerExchange = Date.now();
      try {
        await delivery.probe();
        this.status.brokerReachable();
        session.recovered();
      } catch (error) {
        this.status.brokerUnreachable();
        session.retrying(error);
        await delivery.reset();
      }
    }
  }

  health(): Record<string, unknown> {
    return { ...this.status.figures() };
  }

  metrics(): readonly string[] {
    const figures = this.status.figures();
    return [
      ...family('flipside_publishing_events_published_total', 'counter', 'Integration events acknowledged by Kafka.', figures.publishedEvents),
      ...family('flipside_publishing_events_skipped_total', 'counter', 'Events not published: unknown types or versions, and types never published (the pair fence).', figures.skippedEvents),
      ...family('flipside_publishing_failed_attempts_total', 'counter', 'Sends to Kafka that failed and were retried.', figures.failedAttempts),
      ...family('flipside_publishing_pending_events', 'gauge', 'Events read and not yet acknowledged by Kafka.', figures.pendingEvents),
      ...family('flipside_publishing_lag_seconds', 'gauge', 'Age of the oldest event not yet acknowledged by Kafka.', figures.unacknowledgedSeconds.toFixed(3)),
      ...family('flipside_publishing_connected', 'gauge', 'One while the last exchange with Kafka succeeded.', figures.connected ? 1 : 0),
    ];
  }

  async close(): Promise<void> {
    await this.delivery?.close();
  }
}

/** One metric family of a single sample, in Prometheus text format. */
export function family(name: string, type: 'counter' | 'gauge', help: string, value: number | string, labels = ''): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name}${labels} ${value}`];
}

/** The Kafka publisher, for the projector's processor list. */
export const kafkaPublishing =
  (settings: PublishingSettings): ProcessorFactory =>
  () =>
    new KafkaPublisher(settings);
