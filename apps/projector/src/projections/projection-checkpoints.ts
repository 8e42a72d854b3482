import { Position, START, parsePosition, serializePosition } from '@flipside/event-store';
import { READ_MODELS_SCHEMA } from '@flipside/read-models';
import { EntityManager } from 'typeorm';

/** Another writer moved the checkpoint (a second instance, or a rebuild's switch): stop and read it again. */
export class CheckpointMovedError extends Error {
  constructor(name: string, expected: Position, actual: string | undefined) {
    super(`Checkpoint "${name}" is at ${actual ?? 'nothing'}, not ${serializePosition(expected)}: another writer moved it`);
    this.name = 'CheckpointMovedError';
  }
}

/** The tables were rebuilt by another version of the projection code: this instance must not write them. */
export class ProjectionVersionChangedError extends Error {
  constructor(name: string, stored: number, running: number) {
    super(`Projection "${name}" is now at version ${stored}; this instance runs version ${running} and stops writing it`);
    this.name = 'ProjectionVersionChangedError';
  }
}

export interface StoredCheckpoint {
  readonly position: Position;
  readonly version: number;
}

const TABLE = 'read_models.projection_checkpoints';

/** Checkpoints in read_models.projection_checkpoints, always read and written inside the caller's transaction. */
export const projectionCheckpoints = {
  async read(db: EntityManager, name: string): Promise<StoredCheckpoint | undefined> {
    const rows: { position: string; version: number }[] = await db.query(`SELECT position, version FROM ${TABLE} WHERE name = $1`, [name]);
    return rows[0] ? { position: toPosition(name, rows[0].position), version: rows[0].version } : undefined;
  },

  /** Creates the checkpoint at the start of the log, unless it exists; answers what is stored. */
  async ensure(db: EntityManager, name: string, version: number): Promise<StoredCheckpoint> {
    await db.query(`INSERT INTO ${TABLE} (name, version, position) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`, [
      name,
      version,
      serializePosition(START),
    ]);
    return (await this.read(db, name))!;
  },

  /**
   * Locks the checkpoint row for the rest of the transaction and checks that it is still where this writer left
   * it: concurrent batches of two instances, or a batch and a rebuild's switch, are serialised here. Unqualified
   * table names then resolve in `searchPath` (the live schema by default).
   */
  async lock(db: EntityManager, name: string, expected: Position, version: number, searchPath?: string): Promise<void> {
    // One round trip: the transaction's search_path (which tables the projection writes) is set in the same statement.
    const rows: { position: string; version: number }[] = await db.query(
      `SELECT position, version, set_config('search_path', $2, true) FROM ${TABLE} WHERE name = $1 FOR UPDATE`,
      [name, searchPath ?? READ_MODELS_SCHEMA],
    );
    const row = rows[0];
    if (row && row.version !== version) throw new ProjectionVersionChangedError(name, row.version, version);
    if (!row || row.position !== serializePosition(expected)) throw new CheckpointMovedError(name, expected, row?.position);
  },

  async advance(db: EntityManager, name: string, to: Position): Promise<void> {
    await db.query(`UPDATE ${TABLE} SET position = $2, updated_at = now() WHERE name = $1`, [name, serializePosition(to)]);
  },

  async set(db: EntityManager, name: string, version: number, to: Position): Promise<void> {
    await db.query(
      `INSERT INTO ${TABLE} (name, version, position) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, position = EXCLUDED.position, updated_at = now()`,
      [name, version, serializePosition(to)],
    );
  },

  async remove(db: EntityManager, name: string): Promise<void> {
    await db.query(`DELETE FROM ${TABLE} WHERE name = $1`, [name]);
  },
};

function toPosition(name: string, text: string): Position {
  const position = parsePosition(text);
  if (!position) throw new Error(`Checkpoint "${name}" holds "${text}", which is not a log position`);
  return position;
}
