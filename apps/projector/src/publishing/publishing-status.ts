/**
 * What the publisher is doing, for the projector's /health and /metrics (plain data, JSON-ready).
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

/** Mutable status owned by the publisher; readers take snapshots. */
export class PublishingStatus {
  private state: PublishingState = 'starting';
  private enabled = false;
  private connected = false;
  private leaseHeld = false;
  private checkpoint: string | null = null;
  private caughtUp = false;
  private pendingEvents = 0;
  /** When the first event of each batch sent and not yet checkpointed was stored, oldest first. */
  private readonly unacknowledgedSince: number[] = [];
  private publishedEvents = 0;
  private skippedEvents = 0;
  private failedAttempts = 0;
  private lastPublishedAt: string | null = null;
  private lastError: { message: string; at: string } | null = null;

  constructor(
    readonly topic: string,
    private readonly now: () => number = Date.now,
  ) {}

  snapshot(): PublishingStatusSnapshot {
    return {
      state: this.state,
      enabled: this.enabled,
      topic: this.topic,
      connected: this.connected,
      leaseHeld: this.leaseHeld,
      checkpoint: this.checkpoint,
      caughtUp: this.caughtUp,
      pendingEvents: this.pendingEvents,
      lagSeconds: this.unacknowledgedSince.length === 0 ? 0 : Math.max(0, (this.now() - this.unacknowledgedSince[0]) / 1000),
      publishedEvents: this.publishedEvents,
      skippedEvents: this.skippedEvents,
      failedAttempts: this.failedAttempts,
      lastPublishedAt: this.lastPublishedAt,
      lastError: this.lastError,
    };
  }

  disabled(checkpoint: string | null): void {
    this.state = 'disabled';
    this.enabled = false;
    this.checkpoint = checkpoint;
  }

  standingBy(): void {
    this.enabled = true;
    this.state = 'standby';
    this.leaseHeld = false;
  }

  leaseTaken(checkpoint: string): void {
    this.enabled = true;
    this.leaseHeld = true;
    this.checkpoint = checkpoint;
    this.caughtUp = false;
    this.pendingEvents = 0;
    this.unacknowledgedSince.length = 0;
    if (this.state !== 'retrying') this.state = 'publishing';
  }

  leaseReleased(): void {
    this.leaseHeld = false;
    this.pendingEvents = 0;
    this.unacknowledgedSince.length = 0;
  }

  reachedLiveEvents(): void {
    this.caughtUp = true;
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
    if (this.state === 'retrying' && this.leaseHeld) this.state = 'publishing';
  }

  /** The broker acknowledged a batch and its checkpoint is stored. */
  acknowledged(batch: { events: number; published: number; skipped: number; checkpoint: string }): void {
    this.connected = true;
    this.state = 'publishing';
    this.pendingEvents = Math.max(0, this.pendingEvents - batch.events);
    this.unacknowledgedSince.shift();
    this.publishedEvents += batch.published;
    this.skippedEvents += batch.skipped;
    this.checkpoint = batch.checkpoint;
    if (batch.published > 0) this.lastPublishedAt = new Date(this.now()).toISOString();
  }

  failed(error: unknown, options: { brokerDown: boolean }): void {
    if (options.brokerDown) {
      this.connected = false;
      this.failedAttempts++;
    }
    if (this.state !== 'stopped' && this.state !== 'disabled') this.state = 'retrying';
    this.lastError = { message: error instanceof Error ? error.message : String(error), at: new Date(this.now()).toISOString() };
  }

  stopped(): void {
    this.state = 'stopped';
    this.leaseHeld = false;
  }
}
