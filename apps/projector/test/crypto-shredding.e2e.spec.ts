import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { sealWith } from '@flipside/audit';
import { EventStore, serializePosition } from '@flipside/event-store';
import { generateMasterKeyText, isEncrypted, KeyVault, MasterKeys, parseMasterKey, PersonalDataCipher } from '@flipside/personal-data';
import { allProjections, openReadModels } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { everyTableAsText } from '@flipside/testing';
import { rebuildReadModel } from '../src/read-models/rebuild-read-model';
import { EncryptedProgram } from './support/encrypted-program';
import { IntegrationContract } from './support/integration-contract';
import { requireKafka, testKafka, TopicReader, uniqueTopic } from './support/kafka-topic';
import { eventually, startProjector } from './support/projector-in-process';
import { eventually as eventuallyTrue, startPublishing, startTestStore, TestStore, testSettings } from './support/publishing-harness';

/** The whole database as one text, each row prefixed with its table. */
const databaseText = async (pool: Pool) =>
  [...(await everyTableAsText(pool))].flatMap(([table, text]) => (text ? text.split('\n').map((row) => `${table}: ${row}`) : [])).join('\n');

describe('Crypto-shredding on the read side of the projector: stored form in, nothing readable after erasure', () => {
  let database: TestStore | undefined;
  let store: EventStore;
  let dataSource: DataSource;
  let pool: Pool;
  let vault: KeyVault;
  let program: EncryptedProgram;

  const checkpoint = (name: string) =>
    dataSource.query(`SELECT position FROM read_models.projection_checkpoints WHERE name = $1`, [name]).then((rows) => rows[0]?.position as string | undefined);
  const figures = async () => ({
    programs: await dataSource.query(`SELECT * FROM read_models.programs WHERE program_id = $1`, [program.programId]),
    pairs: await dataSource.query(`SELECT * FROM read_models.pairs WHERE program_id = $1`, [program.programId]),
    sessions: await dataSource.query(`SELECT * FROM read_models.sessions WHERE program_id = $1`, [program.programId]),
    weeks: await dataSource.query(`SELECT * FROM read_models.program_weeks WHERE program_id = $1 ORDER BY week_start`, [program.programId]),
    spans: await dataSource.query(`SELECT * FROM read_models.pair_spans WHERE program_id = $1`, [program.programId]),
  });

  beforeAll(async () => {
    database = await startTestStore('flipside_shredding');
    if (!database) return;
    store = database.store;
    dataSource = await openReadModels({ databaseUrl: database.databaseUrl, poolSize: 2 });
    pool = new Pool({ connectionString: database.databaseUrl, max: 2 });
    vault = await KeyVault.open(pool, new MasterKeys(parseMasterKey(generateMasterKeyText())));
    program = new EncryptedProgram('shred-org', new PersonalDataCipher(vault), sealWith(randomBytes(32)));
  });
  afterAll(async () => {
    if (!database) return;
    await vault.close();
    await pool.end();
    await dataSource.destroy();
    await database.close();
  });

  it('keeps ciphertext in the read models, and after PersonErased and key destruction a rebuild gives the same figures and nothing readable', async () => {
    if (!database) return;
    const projector = await startProjector(database.selection);
    try {
      const written = serializePosition(await program.appendLife(store));
      await eventually(() => checkpoint('dashboard'), (position) => position === written);
      await eventually(() => checkpoint('program-kpis'), (position) => position === written);

      // The read models hold the stored form: ciphertext that the keys still open, and no plaintext anywhere.
      const [mentee] = await dataSource.query(`SELECT * FROM read_models.participants WHERE participant_id = $1`, [program.mentee.participantId]);
      expect(mentee).toMatchObject({ person_id: program.mentee.personId, erased: false });
      expect(isEncrypted(mentee.display_name) && isEncrypted(mentee.email)).toBe(true);
      expect(await vault.openAll([mentee.display_name, mentee.email])).toEqual([program.mentee.displayName, program.mentee.email]);
      const [pair] = await dataSource.query(`SELECT * FROM read_models.pairs WHERE pair_id = $1`, [program.pairId]);
      expect(pair).toMatchObject({ mentor_person_id: program.mentor.personId, mentee_person_id: program.mentee.personId, mentee_name: mentee.display_name });
      const before = await databaseText(pool);
      for (const text of [...program.menteeTexts, ...program.pairTexts, program.mentor.displayName]) expect(before).not.toContain(text);
      const figuresBefore = await figures();
      expect(figuresBefore.programs[0]).toMatchObject({ mentors: 1, mentees: 1, sessions_held: 1, minutes_mentored: 45, objectives_achieved: 1, mentee_rating_count: 1 });

      await vault.destroyKeysOf('shred-org', program.mentee.personId);
      const erasedAt = serializePosition(await program.appendErasure(store));
      await eventually(() => checkpoint('dashboard'), (position) => position === erasedAt);
      await eventually(() => checkpoint('program-kpis'), (position) => position === erasedAt);
      const [erased] = await dataSource.query(`SELECT * FROM read_models.participants WHERE participant_id = $1`, [program.mentee.participantId]);
      expect(erased.erased).toBe(true);
      expect(await figures()).toEqual(figuresBefore);

      for (const projection of allProjections()) {
        await rebuildReadModel(projection, { store, dataSource, databaseUrl: database.databaseUrl });
      }
      expect(await figures()).toEqual(figuresBefore);

      // What the rows hold under the mentee's and the pair's keys opens to nothing; the mentor's own data still opens.
      const [rebuiltMentee] = await dataSource.query(`SELECT * FROM read_models.participants WHERE participant_id = $1`, [program.mentee.participantId]);
      const [rebuiltMentor] = await dataSource.query(`SELECT * FROM read_models.participants WHERE participant_id = $1`, [program.mentor.participantId]);
      const [session] = await dataSource.query(`SELECT * FROM read_models.sessions WHERE session_id = $1`, [program.sessionId]);
      const [objective] = await dataSource.query(`SELECT * FROM read_models.objectives WHERE objective_id = $1`, [program.objectiveId]);
      const [feedback] = await dataSource.query(`SELECT * FROM read_models.feedback WHERE feedback_id = $1`, [program.feedbackId]);
      expect(rebuiltMentee.erased).toBe(true);
      const shredded = [rebuiltMentee.display_name, rebuiltMentee.email, session.insights, session.action_items[0].description, objective.title, objective.success_criteria, feedback.comment];
      expect(shredded.every(isEncrypted)).toBe(true);
      expect(await vault.openAll(shredded)).toEqual(shredded.map(() => null));
      expect(await vault.openAll([rebuiltMentor.display_name])).toEqual([program.mentor.displayName]);
      const after = await databaseText(pool);
      for (const text of [...program.menteeTexts, ...program.pairTexts]) expect(after).not.toContain(text);
    } finally {
      await projector.close();
    }
  });

  it('publishes person-erased with ids only, and no personal field (encrypted or not) in any record', async () => {
    const brokers = requireKafka();
    if (!database || !brokers) return;
    const topic = uniqueTopic('shredding');
    const reader = new TopicReader(testKafka(brokers), topic);
    const publisher = await startPublishing(testSettings(database, topic, brokers));
    try {
      const stored = await database.allEvents();
      const last = serializePosition(stored[stored.length - 1].position);
      await eventuallyTrue(() => publisher.status().checkpoint === last, 30_000, `the checkpoint reaches ${last}`);
      await reader.start();
      await reader.waitFor((records) => records.length >= stored.length, 30_000, () => `${reader.records.length} of ${stored.length}`);
      const erased = reader.records.filter((record) => record.headers.ce_type === 'dev.flipside.mentorship.person-erased.v1');
      expect(erased).toHaveLength(1);
      expect(erased[0].headers.ce_subject).toBe(`participants/${program.mentee.participantId}`);
      expect(JSON.parse(erased[0].value)).toEqual({
        programId: program.programId,
        participantId: program.mentee.participantId,
        personId: program.mentee.personId,
        erasedOn: '2025-04-02',
      });
      const everything = reader.records.map((record) => `${JSON.stringify(record.headers)} ${record.value}`).join('\n');
      expect(everything).not.toContain('pd1:');
      for (const text of [...program.menteeTexts, ...program.pairTexts, program.mentor.displayName, program.mentor.email]) expect(everything).not.toContain(text);
      (await IntegrationContract.load()).assertKeptBy(reader.records);
    } finally {
      await reader.stop();
      await publisher.close();
    }
  });
});
