import { ClientBase } from 'pg';

const SCHEMA_LOCK = 'flipside.projector.schema';

/**
 * Creates the projector's checkpoint table when missing. Safe to run from every process at every start:
 * an advisory transaction lock serialises the CREATE ... IF NOT EXISTS statements, which race otherwise.
 * Needs one connection (not a pool): the statements share a transaction.
 */
export async function ensureCheckpointTable(db: ClientBase): Promise<void> {
  await db.query('BEGIN');
  try {
    await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [SCHEMA_LOCK]);
    await db.query('CREATE SCHEMA IF NOT EXISTS projector');
    await db.query(
      `CREATE TABLE IF NOT EXISTS projector.checkpoints (
         name       text PRIMARY KEY,
         position   text NOT NULL,
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
