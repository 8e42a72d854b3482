import { Position, START, parsePosition, serializePosition } from '@flipside/event-store';
import { Queryable } from './queryable';

/** The checkpoint is not where this writer last left it: another instance has been writing it. */
export class CheckpointMovedError extends Error {
  constructor(
    readonly checkpoint: string,
    readonly expected: Position,
  ) {
    super(
      `Checkpoint "${checkpoint}" is no longer at ${serializePosition(expected)}: another instance moved it, so this one stops writing it`,
    );
    this.name = 'CheckpointMovedError';
  }
}

/**
 * Positions in the global log that processors have finished with, one row per processor in
 * projector.checkpoints. Writes are compare-and-set, so a writer that lost its turn cannot move a checkpoint
 * backwards or forwards behind the back of the one that took over.
 */
export class PostgresCheckpoints {
  constructor(private readonly db: Queryable) {}

  /** The stored position; a processor seen for the first time starts at the beginning of the log. */
  async load(name: string): Promise<Position> {
    await this.db.query(
      'INSERT INTO projector.checkpoints (name, position) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
      [name, serializePosition(START)],
    );
    const { rows } = await this.db.query<{ position: string }>(
      'SELECT position FROM projector.checkpoints WHERE name = $1',
      [name],
    );
    const position = parsePosition(rows[0].position);
    if (!position) throw new Error(`Checkpoint "${name}" holds "${rows[0].position}", which is not a log position`);
    return position;
  }

  /** Stores `next` only if the checkpoint is still at `expected`; throws CheckpointMovedError otherwise. */
  async compareAndSet(name: string, expected: Position, next: Position): Promise<void> {
    const { rowCount } = await this.db.query(
      `UPDATE projector.checkpoints SET position = $3, updated_at = now()
        WHERE name = $1 AND position = $2`,
      [name, serializePosition(expected), serializePosition(next)],
    );
    if (rowCount !== 1) throw new CheckpointMovedError(name, expected);
  }
}
