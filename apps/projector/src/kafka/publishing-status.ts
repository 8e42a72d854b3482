import { ProcessorState, ProcessorStatusSnapshot } from '../engine/processor-status';

/**
 * What the publisher is doing, as /health's `publishing` section shows it (the engine's figures in the words
 * dashboards read before the engine, and the publisher's own):
 *   disabled   KAFKA_BROKERS is not set: nothing is published and the checkpoint does not move
 *   standby    another instance holds the lease; this one takes over when it goes away
 *   publishing this instance holds the lease and the broker acknowledges what it sends
 *   retrying   the broker (or PostgreSQL) cannot be reached: the same events are retried, in order
 *   stopped    the process is shutting down
 */
export type PublishingState = 'starting' | 'disabled' | 'standby' | 'publishing' | 'retrying' | 'stopped';

export interface PublishingStatusSnapshot {
  readonly state: PublishingState;
  readonly enabled: boolean;
  readonly topic: string;
  /** True while the last exchange with the broker succeeded. */
  readonly connected: boolean;
  readonly leaseHeld: boolean;
  /** The stored checkpoint ("commit/prepare"): every event up to it has been acknowledged by the broker. */
  readonly checkpoint: string | null;
  /** The subscription has delivered everything that was stored when it started. */
  readonly caughtUp: boolean;
  /** Events read from the store and not yet acknowledged by the broker. */
  readonly pendingEvents: number;
  /** Age of the oldest event not yet acknowledged, in seconds; 0 when nothing waits. */
  readonly lagSeconds: number;
  /** Events the broker acknowledged since this process started. */
  readonly publishedEvents: number;
  /** Events passed over since this process started (unknown types or versions); the checkpoint moves past them. */
  readonly skippedEvents: number;
  /** Sends that failed and were retried, since this process started. */
  readonly failedAttempts: number;
  readonly lastPublishedAt: string | null;
  readonly lastError: { readonly message: string; readonly at: string } | null;
}

/** The publisher's own figures, which the engine does not know; /health adds them to its entry. */
export interface PublisherFigures {
  readonly topic: string;
  readonly connected: boolean;
  readonly pendingEvents: number;
  readonly unacknowledgedSeconds: number;
  readonly publishedEvents: number;
  readonly skippedEvents: number;
  readonly failedAttempts: number;
  readonly lastPublishedAt: string | null;
}

const PUBLISHING_STATE: Record<ProcessorState, PublishingState> = {
  starting: 'starting',
  disabled: 'disabled',
  standby: 'standby',
  rebuilding: 'publishing',
  'catching-up': 'publishing',
  live: 'publishing',
  retrying: 'retrying',
  halted: 'retrying',
  stopped: 'stopped',
};

/** Mutable figures owned by the publisher; readers take snapshots. */
export class PublishingStatus {
  private connected = false;
  private pendingEvents = 0;
  /** When the first event of each batch sent and not yet checkpointed was stored, oldest first. */
  private readonly unacknowledgedSince: number[] = [];
  private publishedEvents = 0;
  private skippedEvents = 0;
  private failedAttempts = 0;
  private lastPublishedAt: string | null = null;

  constructor(
    readonly topic: string,
    private readonly now: () => number = Date.now,
  ) {}

  figures(): PublisherFigures {
    return {
      topic: this.topic,
      connected: this.connected,
      pendingEvents: this.pendingEvents,
      unacknowledgedSeconds: this.unacknowledgedSince.length === 0 ? 0 : Math.max(0, (this.now() - this.unacknowledgedSince[0]) / 1000),
      publishedEvents: this.publishedEvents,
      skippedEvents: this.skippedEvents,
      failedAttempts: this.failedAttempts,
      lastPublishedAt: this.lastPublishedAt,
    };
  }

  /** The `publishing` section of /health: the engine's figures for the publisher, and its own. */
  snapshot(engine: ProcessorStatusSnapshot): PublishingStatusSnapshot {
    const own = this.figures();
    return {
      state: PUBLISHING_STATE[engine.state],
      enabled: engine.state !== 'disabled',
      topic: this.topic,
      connected: own.connected,
      leaseHeld: engine.leaseHeld,
      checkpoint: engine.checkpoint,
      caughtUp: engine.caughtUp,
      pendingEvents: own.pendingEvents,
      lagSeconds: own.unacknowledgedSeconds,
      publishedEvents: own.publishedEvents,
      skippedEvents: own.skippedEvents,
      failedAttempts: own.failedAttempts,
      lastPublishedAt: own.lastPublishedAt,
      lastError: engine.lastError,
    };
  }

  /** A session starts from the stored checkpoint: nothing of the last one is on its way any more. */
  sessionStarted(): void {
    this.pendingEvents = 0;
    this.unacknowledgedSince.length = 0;
  }

  read(events: number): void {
    this.pendingEvents += events;
  }

  /** A batch is on its way to the broker; `recordedAt` is when its first event was stored. */
  sending(recordedAt: Date): void {
    this.unacknowledgedSince.push(recordedAt.getTime());
  }

  brokerReachable(): void {
    this.connected = true;
  }

  brokerUnreachable(): void {
    this.connected = false;
    this.failedAttempts++;
  }

  /** The broker acknowledged a batch and its checkpoint is stored. */
  acknowledged(batch: { events: number; published: number; skipped: number }): void {
    this.connected = true;
    this.pendingEvents = Math.max(0, this.pendingEvents - batch.events);
    this.unacknowledgedSince.shift();
    this.publishedEvents += batch.published;
    this.skippedEvents += batch.skipped;
    if (batch.published > 0) this.lastPublishedAt = new Date(this.now()).toISOString();
  }
}
