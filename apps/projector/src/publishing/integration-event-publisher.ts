import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { EventStore, Position, serializePosition } from '@flipside/event-store';
import {
  CheckpointMovedError,
  ensureCheckpointTable,
  PostgresCheckpoints,
  ProcessorLease,
} from '../checkpoints';
import { EventBatch, EventBatches } from './event-batches';
import { KafkaDelivery } from './kafka/kafka-delivery';
import { PublishingSettings } from './publishing.settings';
import { PublishingStatus } from './publishing-status';
import { sleep } from './sleep';

/** Idle this long, the publisher asks the broker whether it is still there, so health stays true. */
const IDLE_PROBE_MS = 10_000;

/**
 * Publishes the store's events to Kafka as integration events, in log order, at least once.
 * Its own checkpointed subscription, independent of the read models: a slow or absent broker holds back
 * nothing else. One batch at a time: read up to N events, send them in one producer.send, wait for the broker's
 * acknowledgement (acks = all), then compare-and-set the checkpoint to the batch's last event. The next batch
 * is read while the current one is in flight, but is sent only after it. A failed send is retried, same
 * events in the same order, until the broker takes them; nothing after them is sent before.
 */
export class IntegrationEventPublisher {
  private readonly logger = new Logger(IntegrationEventPublisher.name);
  private readonly stopping = new AbortController();
  private readonly lease: ProcessorLease;
  private running?: Promise<void>;
  private lastBrokerExchange = 0;
  private consecutiveFailures = 0;

  constructor(
    private readonly settings: PublishingSettings,
    private readonly store: EventStore,
    readonly status: PublishingStatus,
  ) {
    this.lease = new ProcessorLease({
      connectionString: settings.databaseUrl,
      name: `flipside.publisher:${settings.checkpointName}`,
      retryMs: settings.standbyRetryMs,
    });
  }

  /** Starts in the background and returns at once; `stop` ends it. */
  start(): void {
    if (this.running) return;
    const brokers = this.settings.brokers;
    if (!brokers) {
      this.logger.warn(
        `Publishing integration events to Kafka is OFF: KAFKA_BROKERS is not set. The checkpoint ` +
          `"${this.settings.checkpointName}" stays where it is; once KAFKA_BROKERS is set, publishing catches up from it.`,
      );
      this.running = this.showCheckpointWhileDisabled();
      return;
    }
    this.logger.log(`Publishing integration events to topic ${this.settings.topic} on ${brokers.join(',')}`);
    this.running = this.run(new KafkaDelivery({ ...this.settings, brokers }));
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
    this.status.stopped();
  }

  private async run(delivery: KafkaDelivery): Promise<void> {
    const stop = this.stopping.signal;
    const probe = setInterval(() => void this.probeWhileIdle(delivery), IDLE_PROBE_MS);
    try {
      while (!stop.aborted) {
        try {
          await this.publishWhileLeaseHeld(delivery);
        } catch (error) {
          if (stop.aborted) break;
          const expected = error instanceof CheckpointMovedError;
          this.logger[expected ? 'warn' : 'error'](`Publishing stopped: ${describe(error)}; starting over`);
          this.status.failed(error, { brokerDown: false });
          await sleep(this.settings.retryMaxMs, stop);
        }
      }
    } finally {
      clearInterval(probe);
      await delivery.close();
    }
  }

  /** Takes the lease (waiting while another instance has it), then publishes until the lease or the process ends. */
  private async publishWhileLeaseHeld(delivery: KafkaDelivery): Promise<void> {
    const stop = this.stopping.signal;
    this.status.standingBy();
    const lease = await this.lease.acquire(stop);
    if (!lease) return;
    const abort = AbortSignal.any([stop, lease.lost]);
    try {
      await ensureCheckpointTable(lease.connection);
      // Written through the lease's own connection: once the lease is lost, so is the ability to write.
      const checkpoints = new PostgresCheckpoints(lease.connection);
      const name = this.settings.checkpointName;
      let checkpoint = await checkpoints.load(name);
      this.status.leaseTaken(serializePosition(checkpoint));
      this.logger.log(`Publishing from ${describePosition(checkpoint)}`);

      const subscription = this.store.subscribeToAll({ after: checkpoint });
      const closeSubscription = () => void subscription.close();
      abort.addEventListener('abort', closeSubscription, { once: true });
      const batches = new EventBatches(
        subscription,
        { maxEvents: this.settings.batchSize, maxBytes: this.settings.maxBatchBytes, lingerMs: this.settings.lingerMs },
        () => this.status.reachedLiveEvents(),
      );
      let reading = batches.next();
      // Batch k's checkpoint is written while batch k+1 is on its way to the broker: never before k was
      // acknowledged, always before k+1's checkpoint, so the checkpoint only ever moves over acknowledged events.
      let recording: Promise<void> = Promise.resolve();
      try {
        while (!abort.aborted) {
          const batch = await reading;
          if (!batch) break;
          this.status.read(batch.events);
          reading = batches.next();
          // A batch abandoned because the lease was lost is read again, from the checkpoint, by whoever has it.
          reading.catch(() => undefined);
          this.status.sending(batch.firstRecordedAt);
          const acknowledged = await this.deliver(delivery, batch, abort);
          // Stopping after an acknowledgement still records it (fewer repeats after a restart); a lost lease does not.
          if (!acknowledged || lease.lost.aborted) break;
          await recording;
          const from = checkpoint;
          checkpoint = batch.last;
          recording = checkpoints.compareAndSet(name, from, batch.last).then(() =>
            this.status.acknowledged({
              events: batch.events,
              published: batch.messages.length,
              skipped: batch.skipped.length,
              checkpoint: serializePosition(batch.last),
            }),
          );
          // Awaited before the next checkpoint or on the way out; until then a failure must not go unhandled.
          recording.catch(() => undefined);
        }
        await recording;
      } finally {
        abort.removeEventListener('abort', closeSubscription);
        await subscription.close();
      }
      if (lease.lost.aborted && !stop.aborted) throw new Error(`The publishing lease was lost: ${describe(lease.lost.reason)}`);
    } finally {
      this.status.leaseReleased();
      await lease.release();
    }
  }

  /** Sends one batch until the broker acknowledges it (true), or until `abort` fires first (false). */
  private async deliver(delivery: KafkaDelivery, batch: EventBatch, abort: AbortSignal): Promise<boolean> {
    for (const skipped of batch.skipped) this.logger.warn(`Skipping event ${skipped.id}: ${skipped.reason}`);
    if (batch.messages.length === 0) return true;
    while (!abort.aborted) {
      try {
        await delivery.send(batch.messages);
        this.lastBrokerExchange = Date.now();
        if (this.consecutiveFailures > 0) {
          this.logger.log(`The broker is reachable again after ${this.consecutiveFailures} failed attempt(s); publishing resumes`);
        }
        this.consecutiveFailures = 0;
        return true;
      } catch (error) {
        this.consecutiveFailures++;
        this.status.failed(error, { brokerDown: true });
        const wait = Math.min(
          this.settings.retryInitialMs * 2 ** Math.min(this.consecutiveFailures - 1, 10),
          this.settings.retryMaxMs,
        );
        // Once, then every minute or so: an outage should not flood the log.
        if (this.consecutiveFailures === 1 || this.consecutiveFailures % 12 === 0) {
          this.logger.warn(
            `Kafka did not acknowledge ${batch.messages.length} event(s) (attempt ${this.consecutiveFailures}): ` +
              `${describe(error)}. Retrying the same events in ${wait} ms; nothing later is sent before them`,
          );
        }
        await delivery.reset();
        await sleep(wait, abort);
      }
    }
    return false;
  }

  /** Only while nothing is on its way: a batch in flight reports the broker's state itself. */
  private async probeWhileIdle(delivery: KafkaDelivery): Promise<void> {
    const { leaseHeld, pendingEvents } = this.status.snapshot();
    if (!leaseHeld || pendingEvents > 0 || Date.now() - this.lastBrokerExchange < IDLE_PROBE_MS) return;
    this.lastBrokerExchange = Date.now();
    try {
      await delivery.probe();
      this.status.brokerReachable();
    } catch (error) {
      this.status.failed(error, { brokerDown: true });
      await delivery.reset();
    }
  }

  /** Reads the stored checkpoint for health, without taking the lease or moving anything. */
  private async showCheckpointWhileDisabled(): Promise<void> {
    this.status.disabled(null);
    const client = new Client({ connectionString: this.settings.databaseUrl });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await ensureCheckpointTable(client);
      const checkpoint = await new PostgresCheckpoints(client).load(this.settings.checkpointName);
      this.status.disabled(serializePosition(checkpoint));
    } catch (error) {
      this.logger.warn(`Cannot read the publishing checkpoint: ${describe(error)}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

function describePosition(position: Position): string {
  return position.commit < 0n ? 'the beginning of the log' : `position ${serializePosition(position)}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
