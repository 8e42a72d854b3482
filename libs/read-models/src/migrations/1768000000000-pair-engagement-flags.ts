import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The engagement automation's marks on a pair's dashboard line: its open flags (`[{flag, since}]`, in the order
 * raised) and the automatic end it announced (`ending_on`). Existing rows start with none; the dashboard
 * projection's version changes with this (3), so it is rebuilt from the log at the next start and every pair
 * flagged or warned before the upgrade shows it.
 */
export class PairEngagementFlags1768000000000 implements MigrationInterface {
  name = 'PairEngagementFlags1768000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE read_models.pairs ADD COLUMN open_flags jsonb NOT NULL DEFAULT '[]'::jsonb, ADD COLUMN ending_on text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE read_models.pairs DROP COLUMN ending_on, DROP COLUMN open_flags`);
  }
}
