import { MigrationInterface, QueryRunner } from 'typeorm';

/** Earlier projectors created projector.checkpoints themselves under this lock; the migration takes it too. */
const PROJECTOR_SCHEMA_LOCK = 'flipside.projector.schema';

/**
 * One checkpoint store for every processor of the projector's engine: projector.checkpoints (name, position,
 * updated_at, version). The read models' checkpoints (read_models.projection_checkpoints, with their versions)
 * move into it, rows and positions as they are, so a deployed projector resumes where it was: no rebuild, no
 * event published twice (the Kafka publisher's and the audit anchors' rows were there already and stay).
 * read_models.projection_checkpoints stays as a view of the one table, for readers of the old name (the API's
 * read-your-writes, a projector of the previous version during a rolling upgrade).
 */
export class OneCheckpointStore1767000000000 implements MigrationInterface {
  name = 'OneCheckpointStore1767000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [PROJECTOR_SCHEMA_LOCK]);
    await db.query('CREATE SCHEMA IF NOT EXISTS projector');
    // Absent on a database where no publisher or anchor processor ever ran.
    await db.query(`
      CREATE TABLE IF NOT EXISTS projector.checkpoints (
        name       text PRIMARY KEY,
        position   text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The processor version that wrote the checkpoint (read models: rebuilt when the code's differs); null: none.
    await db.query('ALTER TABLE projector.checkpoints ADD COLUMN IF NOT EXISTS version int');
    await db.query(`
      INSERT INTO projector.checkpoints (name, position, updated_at, version)
      SELECT name, position, updated_at, version FROM read_models.projection_checkpoints
      ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = EXCLUDED.updated_at, version = EXCLUDED.version`);
    await db.query('DROP TABLE read_models.projection_checkpoints');
    await db.query(`
      CREATE VIEW read_models.projection_checkpoints AS
      SELECT name, version, position, updated_at FROM projector.checkpoints`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP VIEW read_models.projection_checkpoints');
    await db.query(`
      CREATE TABLE read_models.projection_checkpoints (
        name       text PRIMARY KEY,
        version    int NOT NULL,
        position   text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      INSERT INTO read_models.projection_checkpoints (name, version, position, updated_at)
      SELECT name, version, position, updated_at FROM projector.checkpoints WHERE version IS NOT NULL`);
    await db.query('DELETE FROM projector.checkpoints WHERE version IS NOT NULL');
    await db.query('ALTER TABLE projector.checkpoints DROP COLUMN version');
  }
}
