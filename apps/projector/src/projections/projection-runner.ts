import { Logger } from '@nestjs/common';
import { EventStore, Position, serializePosition } from '@flipside/event-store';
import { READ_MODELS_SCHEMA } from '@flipside/read-models';
import { setTimeout as delay } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { ProcessorLease } from '../checkpoints/processor-lease';
import { rebuildProjection } from '../rebuild/rebuild-projection';
import { SubscriptionBatches } from '../subscribing/subscription-batches';
import { Projection, UnappliableEventError } from './projection';
import { CheckpointMovedError, ProjectionVersionChangedError, projectionCheckpoints } from './projection-checkpoints';
import { ProjectionStatus } from './projection-status';
import { isTransientFailure, ProjectionWriter } from './projection-writer';

export interface ProjectionRunnerSettings {
  readonly maxBatchEvents: number;
  readonly liveLingerMs: number;
  /** How often a standby instance tries to take the projection over. */
  readonly leaseRetryMs: number;
}

export const DEFAULT_RUNNER_SETTINGS: ProjectionRunnerSettings = { maxBatchEvents: 1000, liveLingerMs: 2, leaseRetryMs: 1000 };

export interface ProjectionRunnerDependencies {
  readonly store: EventStore;
  readonly dataSource: DataSource;
  readonly databaseUrl: string;
}

type Outcome = 'stopped' | 'resubscribe' | 'retry' | 'halted' | 'superseded';

/**
 * Keeps one projection up to date for as long as the process runs: waits for its lease (one active instance
 * per projection), rebuilds it when the code's version differs from the tables', then follows the log from the
 * checkpoint, one transaction per batch.
 */
export class ProjectionRunner {
  private readonly logger: Logger;
  private readonly writer: ProjectionWriter;

  constructor(
    private readonly projection: Projection,
    private readonly deps: ProjectionRunnerDependencies,
    readonly status: ProjectionStatus,
    private readonly settings: ProjectionRunnerSettings = DEFAULT_RUNNER_SETTINGS,
  ) {
    this.logger = new Logger(`Projection ${projection.name}`);
    this.writer = new ProjectionWriter(projection, deps.dataSource, { checkpointName: projection.name, searchPath: READ_MODELS_SCHEMA });
  }

  async run(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      const lease = await new ProcessorLease({
        connectionString: this.deps.databaseUrl,
        name: `flipside.projection.${this.projection.name}`,
        retryMs: this.settings.leaseRetryMs,
      }).acquire(stop, () => {
        this.status.state = 'standby';
      });
      if (!lease) break;
      this.status.leaseHeld = true;
      const held = AbortSignal.any([stop, lease.lost]);
      try {
        const outcome = await this.whileHeld(held);
        if (outcome === 'halted' || outcome === 'superseded') {
          // Keep the lease: a standby instance would stop on the same event (or run the wrong version).
          await new Promise<void>((resolve) => held.addEventListener('abort', () => resolve(), { once: true }));
        }
      } finally {
        this.status.leaseHeld = false;
        await lease.release();
      }
      if (!stop.aborted) this.logger.warn('Lost the projection lease (its connection ended); taking it again');
    }
    this.status.state = 'stopped';
  }

  private async whileHeld(held: AbortSignal): Promise<Outcome> {
    for (;;) {
      if (held.aborted) return 'stopped';
      let outcome: Outcome;
      try {
        await this.rebuildIfVersionChanged(held);
        outcome = held.aborted ? 'stopped' : await this.follow(held);
      } catch (error) {
        outcome = this.outcomeOf(error);
      }
      if (outcome === 'retry') await retryPause(held);
      else if (outcome !== 'resubscribe') return outcome;
    }
  }

  private async rebuildIfVersionChanged(held: AbortSignal): Promise<void> {
    const stored = await this.deps.dataSource.transaction((db) =>
      projectionCheckpoints.ensure(db, this.projection.name, this.projection.version),
    );
    if (stored.version === this.projection.version) return;
    this.logger.log(`Tables were built by version ${stored.version}; rebuilding for version ${this.projection.version}`);
    this.status.state = 'rebuilding';
    await rebuildProjection(this.projection, this.deps, { stop: held });
  }

  /** Applies batches from the stored checkpoint until stopped; throws what interrupts it. */
  private async follow(held: AbortSignal): Promise<Outcome> {
    const stored = await this.deps.dataSource.transaction((db) => projectionCheckpoints.read(db, this.projection.name));
    if (!stored) return 'resubscribe';
    if (stored.version !== this.projection.version) throw new ProjectionVersionChangedError(this.projection.name, stored.version, this.projection.version);
    let at: Position = stored.position;
    this.status.checkpoint = serializePosition(at);
    this.status.state = 'catching-up';
    const subscription = this.deps.store.subscribeToAll({ after: at });
    const close = () => void subscription.close();
    held.addEventListener('abort', close);
    try {
      const batches = new SubscriptionBatches(subscription, { maxEvents: this.settings.maxBatchEvents, lingerMs: this.settings.liveLingerMs }, () => {
        if (this.status.state === 'catching-up') this.logger.log(`Caught up at ${serializePosition(at)}; following live`);
        this.status.state = 'live';
      });
      for (;;) {
        const events = (await batches.next())?.events;
        if (!events) return 'stopped';
        const lastRecordedAt = events[events.length - 1].recordedAt;
        at = await this.writer.write(events, at, (written) =>
          this.status.batchApplied({ ...written, checkpoint: serializePosition(written.last), lastRecordedAt }),
        );
      }
    } finally {
      held.removeEventListener('abort', close);
      await subscription.close();
    }
  }

  private outcomeOf(error: unknown): Outcome {
    if (error instanceof CheckpointMovedError) {
      this.logger.log(`${error.message}; reading it again`);
      return 'resubscribe';
    }
    if (error instanceof ProjectionVersionChangedError) {
      this.logger.error(error.message);
      this.status.failed(error);
      this.status.state = 'halted';
      return 'superseded';
    }
    if (isTransientFailure(error)) {
      this.status.failed(error);
      this.status.state = 'retrying';
      this.logger.warn(`PostgreSQL is unavailable (${(error as Error).message}); retrying the same events shortly`);
      return 'retry';
    }
    this.status.failed(error);
    this.status.state = 'halted';
    if (error instanceof UnappliableEventError) {
      this.status.haltedOn = {
        eventId: error.event.id,
        type: error.event.type,
        position: serializePosition(error.event.position),
        reason: error.reason,
      };
      this.logger.error(
        `Projection "${this.projection.name}" stopped: ${error.message}. Nothing after this event is applied to it until the event or the projection is fixed; the other projections go on.`,
      );
    } else {
      this.logger.error(`Projection "${this.projection.name}" stopped: ${(error as Error)?.stack ?? String(error)}`);
    }
    return 'halted';
  }
}

/** Waits a little before trying again after PostgreSQL was unreachable. */
export const retryPause = (signal: AbortSignal) => delay(1000, undefined, { signal }).catch(() => undefined);
