import { Position, START, parsePosition, serializePosition } from '@flipside/event-store';
import { CheckpointMoved, ProcessorVersionChanged } from './errors';
import { Queryable } from './processor';

/** The one checkpoint table of every processor (created by the read-model migrations, which the projector runs first). */
export const CHECKPOINT_TABLE = 'projector.checkpoints';

export interface StoredCheckpoint {
  readonly position: Position;
  /** The processor version that wrote it; null for processors without one. */
  readonly version: number | null;
}

/**
 * Positions in the global log that processors have finished with: one row per processor in projector.checkpoints
 * (name, position, version, updated_at), always read and written through the caller's connection or transaction.
 * Moves are compare-and-set, so a writer that lost its turn can move a checkpoint neither back nor forward.
 */
export const checkpointStore = {
  async read(db: Queryable, name: string): Promise<StoredCheckpoint | undefined> {
    const { rows } = await db.query<{ position: string; version: number | null }>(`SELECT position, version FROM ${CHECKPOINT_TABLE} WHERE name = $1`, [name]);
    return rows[0] ? { position: toPosition(name, rows[0].position), version: rows[0].version } : undefined;
  },

  /** Creates the checkpoint at the start of the log (with `version`), unless it exists; answers what is stored. */
  async ensure(db: Queryable, name: string, version: number | null): Promise<StoredCheckpoint> {
    await db.query(`INSERT INTO ${CHECKPOINT_TABLE} (name, position, version) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`, [
      name,
      serializePosition(START),
      version,
    ]);
    return (await checkpointStore.read(db, name))!;
  },

  /**
   * Moves the checkpoint from `expected` to `next` if it is still at `expected` with `version`, and keeps its row
   * locked for the rest of the transaction: two instances' batches, or a batch and a rebuild's switch, are
   * serialised here. Throws CheckpointMoved or ProcessorVersionChanged otherwise.
   */
  async compareAndSet(db: Queryable, name: string, expected: Position, next: Position, version: number | null): Promise<void> {
    const { rowCount } = await db.query(
      `UPDATE ${CHECKPOINT_TABLE} SET position = $3, updated_at = now()
        WHERE name = $1 AND position = $2 AND version IS NOT DISTINCT FROM $4::int`,
      [name, serializePosition(expected), serializePosition(next), version],
    );
    if (rowCount === 1) return;
    const stored = await checkpointStore.read(db, name);
    if (stored && stored.version !== version) throw new ProcessorVersionChanged(name, stored.version, version);
    throw new CheckpointMoved(name, expected, stored && serializePosition(stored.position));
  },

  /** Sets position and version, whatever they were (a rebuild's switch, a new version adopted). */
  async set(db: Queryable, name: string, version: number | null, to: Position): Promise<void> {
    await db.query(
      `INSERT INTO ${CHECKPOINT_TABLE} (name, position, version) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, position = EXCLUDED.position, updated_at = now()`,
      [name, serializePosition(to), version],
    );
  },

  /** Locks the row for the rest of the transaction (a rebuild's switch waits for the batch in flight). */
  async lock(db: Queryable, name: string): Promise<StoredCheckpoint | undefined> {
    const { rows } = await db.query<{ position: string; version: number | null }>(
      `SELECT position, version FROM ${CHECKPOINT_TABLE} WHERE name = $1 FOR UPDATE`,
      [name],
    );
    return rows[0] ? { position: toPosition(name, rows[0].position), version: rows[0].version } : undefined;
  },

  async remove(db: Queryable, name: string): Promise<void> {
    await db.query(`DELETE FROM ${CHECKPOINT_TABLE} WHERE name = $1`, [name]);
  },
};

function toPosition(name: string, text: string): Position {
  const position = parsePosition(text);
  if (!position) throw new Error(`Checkpoint "${name}" holds "${text}", which is not a log position`);
  return position;
}
