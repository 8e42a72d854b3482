import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { serializePosition } from '@flipside/event-store';
import { everyTableAsText } from '@flipside/testing';
import { toIntegrationEvent } from '../src/kafka/integration-events/integration-event';
import { ApiHarness, examples, startApi } from '../../api/test/support/api-harness';
import { requireKafka, testKafka, TopicReader, uniqueTopic } from './support/kafka-topic';
import { startProjector } from './support/projector-in-process';
import { CapturedLog, eventually, RunningPublisher, startPublishing, testSettings } from './support/publishing-harness';

/**
 * The test, by value: a person's name, e-mail and free text go in through the API; after their erasure a
 * search of every PostgreSQL table, the stored events (PostgreSQL or the EventStoreDB double), the Kafka topic and
 * every log line of the API and the projector finds none of them, while the figures stay.
 */
async function databaseTables(databaseUrl: string): Promise<Map<string, string>> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    return await everyTableAsText(pool);
  } finally {
    await pool.end();
  }
}

describe('after an erasure, nothing of the person is found anywhere', () => {
  const brokers = requireKafka();
  const topic = uniqueTopic('erasure');
  const apiLog = new CapturedLog();
  const projectorLog = new CapturedLog();
  let api: ApiHarness | undefined;
  let projector: Awaited<ReturnType<typeof startProjector>> | undefined;
  let publisher: RunningPublisher | undefined;
  let reader: TopicReader | undefined;

  beforeAll(async () => {
    if (!brokers) return;
    api = await startApi({}, { logger: apiLog });
    if (!api) return;
    const selection = { eventStore: api.config.eventStore, databaseUrl: api.config.databaseUrl, eventStoreUrl: api.config.eventStoreUrl };
    projector = await startProjector(selection);
    publisher = await startPublishing(testSettings({ selection, databaseUrl: api.config.databaseUrl }, topic, brokers), projectorLog);
  });
  afterAll(async () => {
    await reader?.stop();
    await publisher?.close();
    await projector?.close();
    await api?.close();
  });

  it('in any PostgreSQL table, the stored events, the Kafka topic or a log line', async () => {
    if (!brokers || !api) return;
    const mark = randomUUID().slice(0, 8);
    const secret = {
      name: `Zelda Quuxworth ${mark}`,
      email: `zelda.quuxworth.${mark}@erasure.test`,
      insights: `Zelda learned to love short video ${mark}`,
      objective: `Zelda posts weekly ${mark}`,
      comment: `Zelda was wonderfully candid ${mark}`,
      action: `Zelda drafts a reel ${mark}`,
      notes: `Zelda worries about the reorg ${mark}`,
    };
    const admin = { Authorization: `Bearer ${api.token()}` };
    const key = () => ({ 'Idempotency-Key': randomUUID() });
    const person = `zelda-${mark}`;
    const own = await api.http().post('/v1/programs').set(admin).send(examples.program()).expect(201);
    const mentee = await api.http().post(`/v1/programs/${own.body.id}/participants`).set(admin).set(key())
      .send(examples.mentee({ personId: person, displayName: secret.name, email: secret.email })).expect(201);
    const menteeId = mentee.body.id as string;
    // A refusal that names her data in its request is stored for replay: its body must hold none of it.
    await api.http().post(`/v1/programs/${own.body.id}/participants`).set(admin).set(key())
      .send(examples.mentor({ personId: `${person}-twin`, displayName: secret.name, email: secret.email })).expect(409);
    const mentor = await api.http().post(`/v1/programs/${own.body.id}/participants`).set(admin).set(key())
      .send(examples.mentor({ personId: `mentor-${mark}` })).expect(201);
    await api.http().post(`/v1/programs/${own.body.id}/launch`).set(admin).expect(200);
    const paired = await api.http().post(`/v1/programs/${own.body.id}/pairs`).set(admin).set(key())
      .send({ mentorId: mentor.body.id, menteeId, rationale: `Because ${secret.name} asked` }).expect(201);
    const base = `/v1/programs/${own.body.id}/pairs/${paired.body.id}`;
    await api.http().post(`${base}/objectives`).set(admin).set(key()).send(examples.objective({ title: secret.objective })).expect(201);
    const session = await api.http().post(`${base}/sessions`).set(admin).set(key())
      .send(examples.session({ insights: secret.insights, confidentialNotes: secret.notes, actionItems: [{ description: secret.action, owner: 'mentee', dueOn: examples.session().heldOn }] }))
      .expect(201);
    const zelda = { Authorization: `Bearer ${api.token({ sub: person, roles: ['participant'] })}` };
    await api.http().post(`${base}/feedback`).set(zelda).set(key())
      .send({ sessionId: session.body.id, fromRole: 'mentee', givenBy: menteeId, rating: 5, fit: 'good', comment: secret.comment }).expect(201);
    // Bad input carrying her name is refused without echoing it (and logged without it).
    await api.http().post(`${base}/sessions`).set(admin).send({ ...examples.session({ insights: secret.insights }), durationMinutes: -1 }).expect(400);

    // Before: the data is there, readable to those allowed, so the search below is not vacuous.
    const held = await api.http().get(`/v1/people/${person}/personal-data`).set(admin).expect(200);
    expect(JSON.stringify(held.body)).toContain(secret.name);
    const notes = await api.http().get(`${base}/sessions/${session.body.id}/confidential-notes`).set(zelda).expect(200);
    expect(notes.body.confidentialNotes).toBe(secret.notes);

    const erased = await api.http().post(`/v1/people/${person}/erasure`).set(admin).set(key()).expect(200);
    expect(erased.body.keysDestroyed).toBe(2);

    const stored = await api.allEvents();
    // Every stored event with a public form (the pair stream's PairClosed fence has none) is published.
    const publishable = stored.filter((event) => toIntegrationEvent(event).publish).length;
    const last = serializePosition(stored[stored.length - 1].position);
    await eventually(
      () => publisher?.status().checkpoint === last && publisher?.status().publishedEvents === publishable,
      30_000,
      'every stored event is published',
    );
    await eventually(
      async () => {
        const answer = await api!.http().get(`/v1/programs/${own.body.id}/participants`).set(admin);
        return answer.body.items?.some((item: { personId: string; erased: boolean }) => item.personId === person && item.erased);
      },
      30_000,
      'the read models show her erased',
    );
    reader = new TopicReader(testKafka(brokers), topic);
    await reader.start();
    await reader.waitFor((records) => records.length >= publishable, 30_000, () => `${reader?.records.length} of ${publishable}`);
    expect(reader.records.map((record) => record.headers.ce_type)).toContain('dev.flipside.mentorship.person-erased.v1');

    const places = new Map<string, string>([
      ...(await databaseTables(api.config.databaseUrl)),
      ['stored events', JSON.stringify(stored.map(({ type, data, metadata }) => ({ type, data, metadata })))],
      ['Kafka topic', JSON.stringify(reader.records.map(({ key: recordKey, value, headers }) => ({ recordKey, value, headers })))],
      ['API log', apiLog.lines.map((line) => line.message).join('\n')],
      ['projector log', projectorLog.lines.map((line) => line.message).join('\n')],
    ]);
    expect(places.size).toBeGreaterThan(10);
    const found = [...places].flatMap(([place, text]) => Object.entries(secret).filter(([, value]) => text.includes(value)).map(([what]) => `${what} in ${place}`));
    expect(found).toEqual([]);

    // Every figure stays; the other member keeps their name.
    const detail = (await api.http().get(base).set(admin).expect(200)).body;
    expect(detail).toMatchObject({ sessions: 1, minutes: 45, mentee: { displayName: null, erased: true }, mentor: { displayName: 'Kavya Rao', erased: false } });
    const after = await api.http().get(`${base}/sessions/${session.body.id}/confidential-notes`).set(zelda).expect(200);
    expect(after.body).toMatchObject({ confidentialNotes: null, erased: true });
  });
});
