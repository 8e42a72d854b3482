import { Logger } from '@nestjs/common';
import { EventStore, Position, RecordedEvent, serializePosition } from '@flipside/event-store';
import { CheckpointMovedError, ensureCheckpointTable, PostgresCheckpoints, ProcessorLease } from '../checkpoints';
import { KafkaDelivery } from '../publishing/kafka/kafka-delivery';
import { sleep } from '../publishing/sleep';
import { SubscriptionBatches } from '../subscribing/subscription-batches';
import { Anchor, anchorLedger, changedSince, headsIn } from './anchor-ledger';
import { AnchorOutbox } from './anchor-outbox';
import { AnchorSettings } from './anchor-settings';
import { AnchorStatus } from './anchor-status';
import { Exclusive } from './exclusive';

/** Kafka keeps anchors for good: an outside party may start reading them long after they were written. */
const ANCHOR_TOPIC_CONFIG = { 'retention.ms': '-1' };

const DUE = Symbol('an anchor is due');

/** The previous anchor, as far as deciding the next one needs it. */
interface LastAnchor {
  readonly position: string;
  readonly anchoredAt: number;
}

/**
 * Follows the log and keeps audit.stream_heads, one transaction per batch with its checkpoint; in the same
 * transaction, at most every `everySeconds` and only when a head changed, it writes an anchor (the digest over
 * every head as of the checkpoint, and the heads changed since the previous anchor). A relay on the same lease
 * publishes the anchors to Kafka afterwards, oldest first (AnchorOutbox). One instance at a time (lease).
 */
export class AuditAnchorProcessor {
  private readonly logger = new Logger('AuditAnchors');
  private readonly stopping = new AbortController();
  private readonly lease: ProcessorLease;
  private running?: Promise<void>;

  constructor(
    private readonly settings: AnchorSettings,
    private readonly store: EventStore,
    readonly status: AnchorStatus,
    private readonly now: () => number = Date.now,
  ) {
    this.lease = new ProcessorLease({
      connectionString: settings.databaseUrl,
      name: `flipside.audit-anchors:${settings.checkpointName}`,
      retryMs: settings.standbyRetryMs,
    });
  }

  /** Starts in the background and returns at once; `stop` ends it. */
  start(): void {
    if (this.running) return;
    const { brokers, topic, everySeconds } = this.settings;
    if (brokers) {
      this.logger.log(`Anchoring the stream heads at most every ${everySeconds} s; publishing anchors to topic ${topic}`);
    } else {
      this.logger.warn(
        `Publishing audit anchors to Kafka is OFF: KAFKA_BROKERS is not set. Anchors are still written to audit.anchors ` +
          `(at most every ${everySeconds} s) and published, oldest first, once KAFKA_BROKERS is set.`,
      );
    }
    const delivery = brokers
      ? new KafkaDelivery({ brokers, clientId: this.settings.clientId, topic, partitions: 1, replicationFactor: this.settings.replicationFactor, topicConfig: ANCHOR_TOPIC_CONFIG })
      : undefined;
    this.running = this.run(delivery);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
    this.status.stopped();
  }

  private async run(delivery: KafkaDelivery | undefined): Promise<void> {
    const stop = this.stopping.signal;
    try {
      while (!stop.aborted) {
        try {
          await this.anchorWhileLeaseHeld(delivery);
        } catch (error) {
          if (stop.aborted) break;
          const expected = error instanceof CheckpointMovedError;
          this.logger[expected ? 'warn' : 'error'](`Anchoring stopped: ${describe(error)}; starting over from the checkpoint`);
          this.status.failed(error, { brokerDown: false });
          await sleep(this.settings.retryMaxMs, stop);
        }
      }
    } finally {
      await delivery?.close();
    }
  }

  private async anchorWhileLeaseHeld(delivery: KafkaDelivery | undefined): Promise<void> {
    const stop = this.stopping.signal;
    this.status.standingBy();
    const lease = await this.lease.acquire(stop);
    if (!lease) return;
    // The relay failing ends the session too: everything starts over from what is stored.
    const session = new AbortController();
    const held = AbortSignal.any([stop, lease.lost, session.signal]);
    const database = new Exclusive(lease.connection);
    let relaying: Promise<void> | undefined;
    try {
      await ensureCheckpointTable(lease.connection);
      const name = this.settings.checkpointName;
      const stored = await database.run(async (db) => ({
        checkpoint: await new PostgresCheckpoints(db).load(name),
        latest: await anchorLedger.latest(db),
        heads: await anchorLedger.heads(db),
        unpublished: await anchorLedger.unpublishedCount(db),
      }));
      let at: Position = stored.checkpoint;
      let previous: LastAnchor | undefined = stored.latest && { position: stored.latest.position, anchoredAt: Date.parse(stored.latest.anchoredAt) };
      // Streams whose head moved since the previous anchor: what the next one will list.
      const changed = new Set(changedSince(stored.heads, previous?.position).map((head) => head.stream));
      this.status.leaseTaken({ checkpoint: serializePosition(at), lastAnchor: stored.latest, unpublished: stored.unpublished });
      this.logger.log(`Anchoring from ${at.commit < 0n ? 'the beginning of the log' : `position ${serializePosition(at)}`}`);

      const outbox = delivery && new AnchorOutbox(delivery, database, this.status, this.settings);
      relaying = outbox?.run(held).catch((error: unknown) => session.abort(error));

      const subscription = this.store.subscribeToAll({ after: at });
      const closeSubscription = () => void subscription.close();
      held.addEventListener('abort', closeSubscription, { once: true });
      const batches = new SubscriptionBatches(subscription, { maxEvents: this.settings.batchSize, lingerMs: this.settings.lingerMs }, () =>
        this.status.reachedLiveEvents(),
      );
      let reading = batches.next();
      try {
        for (;;) {
          const next = await firstOf(reading, this.dueInMs(previous, changed.size));
          if (held.aborted) break;
          let events: readonly RecordedEvent[] = [];
          if (next !== DUE) {
            if (!next) break;
            events = next.events;
            reading = batches.next();
            // A batch abandoned because the session ended is read again, from the checkpoint, by whoever holds the lease.
            reading.catch(() => undefined);
          }
          const to = events.length > 0 ? events[events.length - 1].position : at;
          const heads = headsIn(events);
          const touched = new Set([...changed, ...heads.keys()]).size;
          const anchoredAt = this.now();
          const anchorNow = touched > 0 && this.dueInMs(previous, touched, anchoredAt) === 0;
          const from = at;
          const anchor: Anchor | undefined = await database.transaction(async (db) => {
            // Locks the checkpoint row and proves it is still ours; heads and anchor commit with it, or nothing does.
            await new PostgresCheckpoints(db).compareAndSet(name, from, to);
            await anchorLedger.recordHeads(db, heads.values());
            return anchorNow ? anchorLedger.anchor(db, to, new Date(anchoredAt), previous?.position) : undefined;
          });
          at = to;
          if (anchor) {
            previous = { position: anchor.position, anchoredAt };
            changed.clear();
            outbox?.wake();
          } else {
            for (const stream of heads.keys()) changed.add(stream);
          }
          this.status.advanced(serializePosition(at), anchor);
        }
      } finally {
        held.removeEventListener('abort', closeSubscription);
        await subscription.close();
      }
      if (session.signal.aborted) throw session.signal.reason;
      if (lease.lost.aborted && !stop.aborted) throw new Error(`The audit anchor lease was lost: ${describe(lease.lost.reason)}`);
    } finally {
      session.abort();
      await relaying;
      this.status.leaseReleased();
      await lease.release();
    }
  }

  /**
   * How long until an anchor is due: never while no head changed, at once before the first anchor or when the
   * changed heads fill an anchor, else `everySeconds` after the previous one.
   */
  private dueInMs(previous: LastAnchor | undefined, changedHeads: number, now = this.now()): number {
    if (changedHeads === 0) return Infinity;
    if (!previous || changedHeads >= this.settings.maxHeadsPerAnchor) return 0;
    return Math.max(0, previous.anchoredAt + this.settings.everySeconds * 1000 - now);
  }
}

/** The next batch, or DUE when `ms` pass first (the read stays pending for the next call). */
async function firstOf<T>(reading: Promise<T>, ms: number): Promise<T | typeof DUE> {
  if (ms === Infinity) return reading;
  let timer: NodeJS.Timeout | undefined;
  const due = new Promise<typeof DUE>((resolve) => (timer = setTimeout(() => resolve(DUE), ms)));
  try {
    return await Promise.race([reading, due]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
