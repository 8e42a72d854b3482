import { Position, RecordedEvent } from '@flipside/event-store';
import { DataSource } from 'typeorm';
import { checkpointStore } from './checkpoint-store';
import { describe, isControlFlow, UnappliableEvent } from './errors';
import { BatchTransaction, BatchWork, Queryable } from './processor';

/** The checkpoint row a writer moves: the processor's own, or a rebuild's. */
export interface CheckpointRef {
  readonly name: string;
  readonly version: number | null;
}

/**
 * Commits batches of one checkpoint: one transaction each, in which the checkpoint's compare-and-set (which
 * locks its row: two writers are serialised, the loser throws CheckpointMoved) and the processor's work commit
 * together, or neither does.
 */
export class CheckpointedWriter {
  constructor(
    private readonly dataSource: DataSource,
    readonly checkpoint: CheckpointRef,
  ) {}

  async commit(after: Position, last: Position, work: BatchWork | void): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as Queryable;
    await runner.startTransaction();
    try {
      await checkpointStore.compareAndSet(client, this.checkpoint.name, after, last, this.checkpoint.version);
      if (work) {
        const db: BatchTransaction = { query: (text, values) => client.query(text, values), manager: runner.manager };
        await work(db);
      }
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * Commits `events` one per transaction (after a batch of them failed): everything before the culprit is kept,
   * and the culprit is named (UnappliableEvent). Answers the last position committed; throws what stopped it.
   */
  async oneByOne(
    events: readonly RecordedEvent[],
    after: Position,
    workFor: (event: RecordedEvent, index: number) => Promise<BatchWork | void>,
    onCommitted?: (event: RecordedEvent, seconds: number) => void,
  ): Promise<Position> {
    let at = after;
    for (const [index, event] of events.entries()) {
      const started = performance.now();
      try {
        await this.commit(at, event.position, await workFor(event, index));
      } catch (error) {
        throw named(error, event);
      }
      at = event.position;
      onCommitted?.(event, (performance.now() - started) / 1000);
    }
    return at;
  }
}

/** The error as the engine reports it: control flow as it is, anything else as the event that cannot be applied. */
export function named(error: unknown, event: RecordedEvent): unknown {
  if (isControlFlow(error) || error instanceof UnappliableEvent) return error;
  return new UnappliableEvent(event, describe(error));
}
