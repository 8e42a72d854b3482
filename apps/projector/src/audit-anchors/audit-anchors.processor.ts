import { Logger } from '@nestjs/common';
import { describePosition } from '../engine/errors';
import { Batch, BatchWork, Batching, Processor, ProcessorSession, Queryable } from '../engine/processor';
import { ProcessorFactory } from '../engine/processor-host';
import { ProcessorStatusSnapshot } from '../engine/processor-status';
import { family } from '../kafka/kafka-publisher';
import { KafkaDelivery } from '../kafka/kafka-delivery';
import { Anchor, anchorLedger, changedSince, headsIn } from './anchor-ledger';
import { AnchorOutbox } from './anchor-outbox';
import { AnchorSettings } from './anchor-settings';
import { AnchorStatus } from './anchor-status';

/** Kafka keeps anchors for good: an outside party may start reading them long after they were written. */
const ANCHOR_TOPIC_CONFIG = { 'retention.ms': '-1' };

/** The previous anchor, as far as deciding the next one needs it. */
interface LastAnchor {
  readonly position: string;
  readonly anchoredAt: number;
}

/**
 * Keeps audit.stream_heads in each batch's transaction with its checkpoint; in the same transaction, at most every
 * `everySeconds` and only when a head changed, it writes an anchor (the digest over every head as of the
 * checkpoint, and the heads changed since the previous anchor). When an anchor falls due and no event comes, the
 * engine calls it with an empty batch (`dueInMs`). Its side loop, the relay (AnchorOutbox), publishes the anchors
 * to Kafka afterwards, oldest first.
 */
export class AuditAnchors implements Processor {
  readonly name: string;
  // The lease the processor held before the engine: a deployed predecessor and this one never run together.
  readonly leaseName: string;
  readonly leaseRetryMs: number;
  readonly batching: Batching;
  readonly status: AnchorStatus;
  readonly healthSection = { key: 'auditAnchors', body: (engine: ProcessorStatusSnapshot) => this.status.snapshot(engine) };
  private readonly logger = new Logger('AuditAnchors');
  private readonly delivery?: KafkaDelivery;
  private readonly outbox?: AnchorOutbox;
  /** The previous anchor, and the streams whose head moved since it: what the next anchor will list. */
  private previous?: LastAnchor;
  private readonly changed = new Set<string>();
  /** The anchor the transaction in flight wrote. */
  private written?: Anchor;

  constructor(
    private readonly settings: AnchorSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.name = settings.checkpointName;
    this.leaseName = `flipside.audit-anchors:${settings.checkpointName}`;
    this.leaseRetryMs = settings.standbyRetryMs;
    this.batching = { maxEvents: settings.batchSize, lingerMs: settings.lingerMs };
    const { brokers, topic, everySeconds } = settings;
    this.status = new AnchorStatus(everySeconds, topic, brokers !== undefined);
    if (brokers) {
      this.logger.log(`Anchoring the stream heads at most every ${everySeconds} s; publishing anchors to topic ${topic}`);
      this.delivery = new KafkaDelivery({ brokers, clientId: settings.clientId, topic, partitions: 1, replicationFactor: settings.replicationFactor, topicConfig: ANCHOR_TOPIC_CONFIG });
      this.outbox = new AnchorOutbox(this.delivery, this.status, settings);
    } else {
      this.logger.warn(
        `Publishing audit anchors to Kafka is OFF: KAFKA_BROKERS is not set. Anchors are still written to audit.anchors ` +
          `(at most every ${everySeconds} s) and published, oldest first, once KAFKA_BROKERS is set.`,
      );
    }
  }

  async setUp(db: Queryable, session: ProcessorSession): Promise<void> {
    const latest = await anchorLedger.latest(db);
    const heads = await anchorLedger.heads(db);
    const unpublished = await anchorLedger.unpublishedCount(db);
    this.previous = latest && { position: latest.position, anchoredAt: Date.parse(latest.anchoredAt) };
    this.changed.clear();
    for (const head of changedSince(heads, this.previous?.position)) this.changed.add(head.stream);
    this.written = undefined;
    this.status.sessionStarted({ lastAnchor: latest, unpublished });
    session.onCommitted(() => {
      const anchor = this.written;
      this.written = undefined;
      if (!anchor) return;
      this.status.anchored(anchor);
      this.outbox?.wake();
    });
    this.logger.log(`Anchoring from ${describePosition(session.from)}`);
  }

  dueInMs(): number {
    return this.dueIn(this.changed.size);
  }

  /** Heads (and perhaps an anchor) in the batch's transaction; memory follows the transaction (setUp reloads it if it fails). */
  async handle(batch: Batch): Promise<BatchWork> {
    const heads = headsIn(batch.events);
    return async (db) => {
      const touched = new Set([...this.changed, ...heads.keys()]).size;
      const anchoredAt = this.now();
      const anchorNow = touched > 0 && this.dueIn(touched, anchoredAt) === 0;
      await anchorLedger.recordHeads(db, heads.values());
      const anchor = anchorNow ? await anchorLedger.anchor(db, batch.last, new Date(anchoredAt), this.previous?.position) : undefined;
      if (anchor) {
        this.previous = { position: anchor.position, anchoredAt };
        this.changed.clear();
        this.written = anchor;
      } else {
        for (const stream of heads.keys()) this.changed.add(stream);
      }
    };
  }

  /** The relay: publishes anchors while the lease is held (nothing without KAFKA_BROKERS; they wait in audit.anchors). */
  async whileLeaseHeld(session: ProcessorSession): Promise<void> {
    await this.outbox?.run(session);
  }

  health(): Record<string, unknown> {
    return { ...this.status.figures() };
  }

  metrics(engine: ProcessorStatusSnapshot): readonly string[] {
    const anchors = this.status.figures();
    const lines = [
      ...family('flipside_audit_anchors_written_total', 'counter', 'Audit anchors written since the process started.', anchors.anchorsWritten),
      ...family('flipside_audit_anchors_published_total', 'counter', 'Audit anchors acknowledged by Kafka since the process started.', anchors.anchorsPublished),
      ...family('flipside_audit_unpublished_anchors', 'gauge', 'Audit anchors written and not yet acknowledged by Kafka.', anchors.unpublishedAnchors),
      ...family(
        'flipside_audit_anchor_processor_anchoring',
        'gauge',
        'One while this instance holds the lease and anchors.',
        this.status.snapshot(engine).state === 'anchoring' ? 1 : 0,
      ),
    ];
    const last = anchors.lastAnchor;
    if (last) {
      const [commit, prepare] = last.position.split('/');
      lines.push(
        ...family('flipside_audit_last_anchor_id', 'gauge', 'Id of the latest audit anchor.', last.anchorId),
        '# HELP flipside_audit_last_anchor_position Log position of the last event the latest anchor includes (commit and prepare parts).',
        '# TYPE flipside_audit_last_anchor_position gauge',
        `flipside_audit_last_anchor_position{part="commit"} ${commit}`,
        `flipside_audit_last_anchor_position{part="prepare"} ${prepare}`,
        ...family('flipside_audit_last_anchor_streams', 'gauge', 'Streams with a head in the latest anchor.', last.streams),
        ...family('flipside_audit_last_anchor_timestamp_seconds', 'gauge', 'When the latest anchor was written (Unix time).', (Date.parse(last.anchoredAt) / 1000).toFixed(3)),
      );
    }
    return lines;
  }

  async close(): Promise<void> {
    await this.delivery?.close();
  }

  /**
   * How long until an anchor is due: never while no head changed, at once before the first anchor or when the
   * changed heads fill an anchor, else `everySeconds` after the previous one.
   */
  private dueIn(changedHeads: number, now = this.now()): number {
    if (changedHeads === 0) return Infinity;
    if (!this.previous || changedHeads >= this.settings.maxHeadsPerAnchor) return 0;
    return Math.max(0, this.previous.anchoredAt + this.settings.everySeconds * 1000 - now);
  }
}

/** The audit anchors, for the projector's processor list. */
export const auditAnchors =
  (settings: AnchorSettings): ProcessorFactory =>
  () =>
    new AuditAnchors(settings);
