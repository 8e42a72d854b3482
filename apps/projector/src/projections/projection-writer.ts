import { Position, RecordedEvent } from '@flipside/event-store';
import { DataSource } from 'typeorm';
import { CheckpointMovedError, ProjectionVersionChangedError, projectionCheckpoints } from './projection-checkpoints';
import { Projection, UnappliableEventError } from './projection';

/** Where a writer puts rows: the live tables, or a rebuild's new ones. */
export interface ProjectionTarget {
  /** The checkpoint row that moves with the rows. */
  readonly checkpointName: string;
  /** Set for the transaction, so the projection's unqualified table names resolve to the target's tables. */
  readonly searchPath: string;
}

export interface WrittenBatch {
  readonly last: Position;
  readonly applied: number;
  readonly ignored: number;
  readonly seconds: number;
}

/** Errors worth retrying with the same batch: the database is unreachable or asked us to try again. */
export function isTransientFailure(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  if (typeof code === 'string' && /^(08|53|57P|40001|40P01)/.test(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|ECONNREFUSED|ECONNRESET|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    message,
  );
}

function isControlFlow(error: unknown): boolean {
  return error instanceof CheckpointMovedError || error instanceof ProjectionVersionChangedError || isTransientFailure(error);
}

/**
 * Applies a batch and moves the checkpoint in one transaction (exactly-once effect). When a batch fails for a
 * reason that is not transient, its events are applied again one per transaction, so everything before the
 * culprit is kept and the error names the one event that cannot be applied.
 */
export class ProjectionWriter {
  constructor(
    private readonly projection: Projection,
    private readonly dataSource: DataSource,
    private readonly target: ProjectionTarget,
  ) {}

  async write(events: readonly RecordedEvent[], expected: Position, onWritten?: (batch: WrittenBatch) => void): Promise<Position> {
    try {
      const written = await this.commit(events, expected);
      onWritten?.(written);
      return written.last;
    } catch (error) {
      if (isControlFlow(error) || events.length === 1) throw this.named(error, events);
    }
    let at = expected;
    for (const event of events) {
      try {
        const written = await this.commit([event], at);
        onWritten?.(written);
        at = written.last;
      } catch (error) {
        throw this.named(error, [event]);
      }
    }
    return at;
  }

  private named(error: unknown, events: readonly RecordedEvent[]): unknown {
    if (isControlFlow(error) || error instanceof UnappliableEventError || events.length !== 1) return error;
    return new UnappliableEventError(events[0], (error as Error).message);
  }

  private async commit(events: readonly RecordedEvent[], expected: Position): Promise<WrittenBatch> {
    const started = performance.now();
    const relevant = events.filter((event) => this.projection.eventTypes.has(event.type));
    const last = events[events.length - 1].position;
    const { checkpointName, searchPath } = this.target;
    await this.dataSource.transaction(async (db) => {
      await projectionCheckpoints.lock(db, checkpointName, expected, this.projection.version, searchPath);
      if (relevant.length > 0) await this.projection.apply(relevant, db);
      await projectionCheckpoints.advance(db, checkpointName, last);
    });
    return { last, applied: relevant.length, ignored: events.length - relevant.length, seconds: (performance.now() - started) / 1000 };
  }
}
