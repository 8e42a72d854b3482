import { ApiHarness, examples, runningPair, startApi } from '../../api/test/support/api-harness';
import { deliveryProblems } from './support/delivery-checks';
import { IntegrationContract } from './support/integration-contract';
import { requireKafka, testKafka, TopicReader, uniqueTopic } from './support/kafka-topic';
import { CONFIDENTIAL_NOTE_MARKER, FEEDBACK_COMMENT_MARKER } from './support/mentorship-events';
import { eventually, RunningPublisher, startPublishing, testSettings } from './support/publishing-harness';

describe('a command through the API appears on the topic', () => {
  const brokers = requireKafka();
  const topic = uniqueTopic('api');
  let api: ApiHarness | undefined;
  let publisher: RunningPublisher | undefined;
  let reader: TopicReader | undefined;

  beforeAll(async () => {
    if (!brokers) return;
    api = await startApi();
    if (!api) return;
    const selection = { eventStore: api.config.eventStore, databaseUrl: api.config.databaseUrl, eventStoreUrl: api.config.eventStoreUrl };
    publisher = await startPublishing(testSettings({ selection, databaseUrl: api.config.databaseUrl }, topic, brokers));
  });
  afterAll(async () => {
    await reader?.stop();
    await publisher?.close();
    await api?.close();
  });

  it('with the program as key, CloudEvents headers and the public payload, never the confidential parts', async () => {
    if (!brokers || !api) return;
    const auth = { Authorization: `Bearer ${api.token()}` };
    const { programId, pairId, menteeId } = await runningPair(api);
    const session = await api
      .http()
      .post(`/v1/programs/${programId}/pairs/${pairId}/sessions`)
      .set(auth)
      .send(examples.session({ confidentialNotes: `Worried about the merger ${CONFIDENTIAL_NOTE_MARKER}` }))
      .expect(201);
    await api
      .http()
      .post(`/v1/programs/${programId}/pairs/${pairId}/feedback`)
      .set(auth)
      .send({ sessionId: session.body.id, fromRole: 'mentee', givenBy: menteeId, rating: 4, fit: 'good', comment: `Candid ${FEEDBACK_COMMENT_MARKER}` })
      .expect(201);

    const stored = await api.allEvents();
    reader = new TopicReader(testKafka(brokers), topic);
    await eventually(() => publisher?.status().publishedEvents === stored.length, 30_000, 'every stored event is published');
    await reader.start();
    await reader.waitFor((records) => records.length >= stored.length, 30_000, () => `${reader?.records.length} of ${stored.length}`);

    expect(deliveryProblems(stored, reader.records)).toEqual([]);
    (await IntegrationContract.load()).assertKeptBy(reader.records);
    const sessionHeld = reader.records.find((record) => record.headers.ce_type === 'dev.flipside.mentorship.session-held.v1');
    expect(sessionHeld?.key).toBe(programId);
    expect(sessionHeld?.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: stored.find((event) => event.type === 'SessionHeld')?.id,
      ce_source: expect.stringMatching(new RegExp(`^/organizations/[^/]+/programs/${programId}$`)),
      ce_subject: `pairs/${pairId}/sessions/${session.body.id}`,
      'content-type': 'application/json',
    });
    expect(JSON.parse(sessionHeld?.value ?? '{}')).toEqual({
      programId,
      pairId,
      sessionId: session.body.id,
      heldOn: expect.any(String),
      durationMinutes: 45,
      format: 'video',
      topics: ['LinkedIn posting'],
      actionItemCount: 1,
      loggedOn: expect.any(String),
    });
    expect(reader.records.map((record) => record.headers.ce_type)).toEqual([
      'dev.flipside.mentorship.program-created.v1',
      'dev.flipside.mentorship.participant-enrolled.v1',
      'dev.flipside.mentorship.participant-enrolled.v1',
      'dev.flipside.mentorship.program-launched.v1',
      'dev.flipside.mentorship.paired.v1',
      'dev.flipside.mentorship.session-held.v1',
      'dev.flipside.mentorship.feedback-given.v1',
    ]);
  });
});
