import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Crypto-shredding: participants carry the stable person id (a participant token's `sub`) and whether the person
 * was erased; pairs carry both members' person ids (for "my pairs" across programs). Personal fields hold the
 * stored form (ciphertext) and may be null once a person is erased. Existing rows get the person id v1 events
 * upcast to (the participant id); the dashboard projection's version changes with this, so it is rebuilt from the
 * log at the next start and every row is written again in the new form.
 */
export class PersonalDataStoredForm1766000000000 implements MigrationInterface {
  name = 'PersonalDataStoredForm1766000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE read_models.participants ADD COLUMN person_id text`);
    await db.query(`UPDATE read_models.participants SET person_id = participant_id`);
    await db.query(`ALTER TABLE read_models.participants ALTER COLUMN person_id SET NOT NULL`);
    await db.query(`ALTER TABLE read_models.participants ADD COLUMN erased boolean NOT NULL DEFAULT false`);
    await db.query(`ALTER TABLE read_models.participants ALTER COLUMN display_name DROP NOT NULL`);
    await db.query(`ALTER TABLE read_models.participants ALTER COLUMN email DROP NOT NULL`);
    await db.query(`CREATE INDEX participants_by_person ON read_models.participants (person_id, program_id)`);

    await db.query(`ALTER TABLE read_models.pairs ADD COLUMN mentor_person_id text, ADD COLUMN mentee_person_id text`);
    await db.query(`UPDATE read_models.pairs SET mentor_person_id = mentor_id, mentee_person_id = mentee_id`);
    await db.query(`ALTER TABLE read_models.pairs ALTER COLUMN mentor_person_id SET NOT NULL, ALTER COLUMN mentee_person_id SET NOT NULL`);
    await db.query(`ALTER TABLE read_models.pairs ALTER COLUMN mentor_name DROP NOT NULL, ALTER COLUMN mentee_name DROP NOT NULL`);
    await db.query(`CREATE INDEX pairs_by_mentor_person ON read_models.pairs (mentor_person_id)`);
    await db.query(`CREATE INDEX pairs_by_mentee_person ON read_models.pairs (mentee_person_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS read_models.pairs_by_mentee_person`);
    await db.query(`DROP INDEX IF EXISTS read_models.pairs_by_mentor_person`);
    await db.query(`ALTER TABLE read_models.pairs DROP COLUMN mentee_person_id, DROP COLUMN mentor_person_id`);
    await db.query(`DROP INDEX IF EXISTS read_models.participants_by_person`);
    await db.query(`ALTER TABLE read_models.participants DROP COLUMN erased, DROP COLUMN person_id`);
  }
}
