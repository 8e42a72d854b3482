import { Logger } from '@nestjs/common';
import { ProcessorSession } from '../engine/processor';
import { pause } from '../engine/processor-engine';
import { KafkaDelivery } from '../kafka/kafka-delivery';
import { Anchor, anchorLedger } from './anchor-ledger';
import { toAnchorMessage } from './anchor-message';
import { AnchorStatus } from './anchor-status';

/** Anchors in one producer.send: a few, each well under the broker's record limit. */
const ANCHORS_PER_SEND = 10;

export interface OutboxRetry {
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
}

/**
 * Relays audit.anchors to Kafka while the processor's lease is held (its side loop): the oldest unpublished
 * anchors first, one send, then published_at once the broker acknowledged them. A crash between the two sends
 * them again (consumers de-duplicate on anchorId); nothing is skipped, and no anchor is sent before an older one
 * was acknowledged. Woken when a batch that wrote an anchor commits.
 */
export class AnchorOutbox {
  private readonly logger = new Logger('AuditAnchorOutbox');
  private woken = true;
  private consecutiveFailures = 0;

  constructor(
    private readonly delivery: KafkaDelivery,
    private readonly status: AnchorStatus,
    private readonly retry: OutboxRetry,
  ) {}

  /** A new anchor was committed. */
  wake(): void {
    this.woken = true;
  }

  /** Publishes until the session ends; throws when PostgreSQL fails (the session starts over). */
  async run(session: ProcessorSession): Promise<void> {
    this.woken = true;
    while (!session.held.aborted) {
      while (!this.woken) if ((await session.nextCommit()) === 'stopped') return;
      this.woken = false;
      for (;;) {
        if (session.held.aborted) return;
        const anchors = await anchorLedger.unpublished(session.db, ANCHORS_PER_SEND);
        if (anchors.length === 0) break;
        if (!(await this.deliver(anchors, session.held))) return;
        const at = new Date();
        const ids = anchors.map((anchor) => anchor.anchorId);
        await anchorLedger.markPublished(session.db, ids, at);
        this.status.published(ids, at);
      }
    }
  }

  /** Sends until the broker acknowledges (true), or until `held` aborts first (false). */
  private async deliver(anchors: readonly Anchor[], held: AbortSignal): Promise<boolean> {
    while (!held.aborted) {
      try {
        await this.delivery.send(anchors.map(toAnchorMessage));
        if (this.consecutiveFailures > 0) this.logger.log(`Kafka took the anchors again after ${this.consecutiveFailures} failed attempt(s)`);
        this.consecutiveFailures = 0;
        return true;
      } catch (error) {
        this.consecutiveFailures++;
        this.status.brokerFailed(error);
        const wait = Math.min(this.retry.retryInitialMs * 2 ** Math.min(this.consecutiveFailures - 1, 10), this.retry.retryMaxMs);
        // Once, then every dozen attempts: an outage should not flood the log.
        if (this.consecutiveFailures === 1 || this.consecutiveFailures % 12 === 0) {
          this.logger.warn(
            `Kafka did not acknowledge anchor(s) ${anchors[0].anchorId}-${anchors[anchors.length - 1].anchorId} ` +
              `(attempt ${this.consecutiveFailures}): ${(error as Error)?.message ?? String(error)}. Retrying in ${wait} ms; they stay in audit.anchors`,
          );
        }
        await this.delivery.reset();
        await pause(wait, held);
      }
    }
    return false;
  }
}
