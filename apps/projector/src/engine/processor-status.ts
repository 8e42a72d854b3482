/**
 * What one processor is doing, for /health and /metrics.
 *   starting      not yet running
 *   disabled      not run in this process (e.g. KAFKA_BROKERS unset); its checkpoint stays where it is
 *   standby       another instance holds this processor; this one takes over when it goes away
 *   rebuilding    filling new tables from the start of the log (the old ones keep answering queries)
 *   catching-up   handling stored events
 *   live          caught up; handling events as they are appended
 *   retrying      PostgreSQL (or, as the processor reports, Kafka) cannot be reached; the same events are tried again
 *   halted        an event could not be applied (or a newer version took over): nothing after it is applied
 *   stopped       the process is shutting down
 */
export type ProcessorState = 'starting' | 'disabled' | 'standby' | 'rebuilding' | 'catching-up' | 'live' | 'retrying' | 'halted' | 'stopped';

export const PROCESSOR_STATES: readonly ProcessorState[] = ['starting', 'disabled', 'standby', 'rebuilding', 'catching-up', 'live', 'retrying', 'halted', 'stopped'];

/** Upper bounds (seconds) of the batch duration histogram. */
export const BATCH_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface HaltedOn {
  readonly eventId: string;
  readonly type: string;
  readonly position: string;
  readonly reason: string;
}

export interface ProcessorStatusSnapshot {
  readonly name: string;
  readonly version: number | null;
  readonly state: ProcessorState;
  readonly leaseHeld: boolean;
  /** Every event up to this position ("commit/prepare") is handled and committed. */
  readonly checkpoint: string | null;
  /** When the last committed event was stored. */
  readonly checkpointRecordedAt: string | null;
  /** The subscription has delivered everything that was stored when it started. */
  readonly caughtUp: boolean;
  /** Events after the checkpoint (sampled from the store, up to a cap) and the age of the oldest of them. */
  readonly lagEvents: number;
  readonly lagSeconds: number;
  /** Events committed since the process started; `eventsIgnored` of them were of no interest to the processor. */
  readonly eventsApplied: number;
  readonly eventsIgnored: number;
  readonly batches: number;
  readonly haltedOn: HaltedOn | null;
  readonly lastError: { readonly message: string; readonly at: string } | null;
}

/** Mutable status owned by a processor's engine; health, metrics and the lag sampler read it. */
export class ProcessorStatus {
  state: ProcessorState = 'starting';
  leaseHeld = false;
  checkpoint: string | null = null;
  checkpointRecordedAt: Date | null = null;
  caughtUp = false;
  lagEvents = 0;
  lagSeconds = 0;
  eventsApplied = 0;
  eventsIgnored = 0;
  batches = 0;
  batchSecondsSum = 0;
  readonly batchSecondsBuckets = BATCH_SECONDS_BUCKETS.map(() => 0);
  haltedOn: HaltedOn | null = null;
  lastError: ProcessorStatusSnapshot['lastError'] = null;

  constructor(
    readonly name: string,
    readonly version: number | null = null,
    private readonly now: () => number = Date.now,
  ) {}

  batchCommitted(batch: { applied: number; ignored: number; seconds: number; checkpoint: string; lastRecordedAt?: Date }): void {
    this.eventsApplied += batch.applied;
    this.eventsIgnored += batch.ignored;
    this.batches++;
    this.batchSecondsSum += batch.seconds;
    BATCH_SECONDS_BUCKETS.forEach((bound, index) => {
      if (batch.seconds <= bound) this.batchSecondsBuckets[index]++;
    });
    this.checkpoint = batch.checkpoint;
    if (batch.lastRecordedAt) this.checkpointRecordedAt = batch.lastRecordedAt;
    this.recovered();
  }

  /** Back from `retrying` to following the log. */
  recovered(): void {
    if (this.state === 'retrying') this.state = this.caughtUp ? 'live' : 'catching-up';
  }

  failed(error: unknown): void {
    this.lastError = { message: error instanceof Error ? error.message : String(error), at: new Date(this.now()).toISOString() };
  }

  /** Ready to serve: live with little lag, or standing by for the instance that is. */
  ready(maxLagSeconds: number): boolean {
    if (this.state === 'standby') return true;
    return this.state === 'live' && this.lagSeconds <= maxLagSeconds;
  }

  snapshot(): ProcessorStatusSnapshot {
    return {
      name: this.name,
      version: this.version,
      state: this.state,
      leaseHeld: this.leaseHeld,
      checkpoint: this.checkpoint,
      checkpointRecordedAt: this.checkpointRecordedAt?.toISOString() ?? null,
      caughtUp: this.caughtUp,
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
