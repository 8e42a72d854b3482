/**
 * What one projection is doing, for /health and /metrics.
 *   starting      not yet running
 *   standby       another instance holds this projection; this one takes over when it goes away
 *   rebuilding    filling new tables from the start of the log (the old ones keep answering queries)
 *   catching-up   applying stored events
 *   live          caught up; applying events as they are appended
 *   retrying      PostgreSQL cannot be reached; the same batch is tried again
 *   halted        a known event could not be applied: nothing after it is applied until the cause is fixed
 *   stopped       the process is shutting down
 */
export type ProjectionState = 'starting' | 'standby' | 'rebuilding' | 'catching-up' | 'live' | 'retrying' | 'halted' | 'stopped';

/** Upper bounds (seconds) of the batch duration histogram. */
export const BATCH_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface ProjectionStatusSnapshot {
  readonly name: string;
  readonly version: number;
  readonly state: ProjectionState;
  readonly leaseHeld: boolean;
  readonly checkpoint: string | null;
  /** When the last applied event was stored. */
  readonly checkpointRecordedAt: string | null;
  readonly lagEvents: number;
  readonly lagSeconds: number;
  readonly eventsApplied: number;
  readonly eventsIgnored: number;
  readonly batches: number;
  readonly haltedOn: { readonly eventId: string; readonly type: string; readonly position: string; readonly reason: string } | null;
  readonly lastError: { readonly message: string; readonly at: string } | null;
}

/** Mutable status owned by a projection runner; health and metrics take snapshots. */
export class ProjectionStatus {
  state: ProjectionState = 'starting';
  leaseHeld = false;
  checkpoint: string | null = null;
  checkpointRecordedAt: Date | null = null;
  lagEvents = 0;
  lagSeconds = 0;
  eventsApplied = 0;
  eventsIgnored = 0;
  batches = 0;
  batchSecondsSum = 0;
  readonly batchSecondsBuckets = BATCH_SECONDS_BUCKETS.map(() => 0);
  haltedOn: ProjectionStatusSnapshot['haltedOn'] = null;
  lastError: ProjectionStatusSnapshot['lastError'] = null;

  constructor(
    readonly name: string,
    readonly version: number,
  ) {}

  batchApplied(batch: { applied: number; ignored: number; seconds: number; checkpoint: string; lastRecordedAt: Date }): void {
    this.eventsApplied += batch.applied;
    this.eventsIgnored += batch.ignored;
    this.batches++;
    this.batchSecondsSum += batch.seconds;
    BATCH_SECONDS_BUCKETS.forEach((bound, index) => {
      if (batch.seconds <= bound) this.batchSecondsBuckets[index]++;
    });
    this.checkpoint = batch.checkpoint;
    this.checkpointRecordedAt = batch.lastRecordedAt;
    if (this.state === 'retrying') this.state = 'catching-up';
  }

  failed(error: unknown): void {
    this.lastError = { message: error instanceof Error ? error.message : String(error), at: new Date().toISOString() };
  }

  /** Ready to serve: live with little lag, or standing by for the instance that is. */
  ready(maxLagSeconds: number): boolean {
    if (this.state === 'standby') return true;
    return this.state === 'live' && this.lagSeconds <= maxLagSeconds;
  }

  snapshot(): ProjectionStatusSnapshot {
    return {
      name: this.name,
      version: this.version,
      state: this.state,
      leaseHeld: this.leaseHeld,
      checkpoint: this.checkpoint,
      checkpointRecordedAt: this.checkpointRecordedAt?.toISOString() ?? null,
      lagEvents: this.lagEvents,
      lagSeconds: this.lagSeconds,
      eventsApplied: this.eventsApplied,
      eventsIgnored: this.eventsIgnored,
      batches: this.batches,
      haltedOn: this.haltedOn,
      lastError: this.lastError,
    };
  }
}
