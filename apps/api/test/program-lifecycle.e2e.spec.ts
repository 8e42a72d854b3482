import { EVENT_SCHEMA_VERSION } from '@flipside/domain';
import { ApiHarness, examples, runningPair, startApi } from './support/api-harness';

describe('A whole program through the API', () => {
  let api: ApiHarness | undefined;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('creates, enrols, launches, pairs, sets an objective, logs a session and takes feedback', async () => {
    if (!api) return;
    const auth = { Authorization: `Bearer ${api.token()}` };
    const created = await api.http().post('/v1/programs').set(auth).send(examples.program()).expect(201);
    expect(created.headers['content-type']).toMatch(/application\/json/);
    expect(created.headers.location).toBe(`/v1/programs/${created.body.id}`);
    expect(created.headers.etag).toBe('"0"');
    expect(created.body).toEqual({ id: expect.any(String), revision: '0', position: expect.stringMatching(/^\d+\/\d+$/) });

    const { programId, pairId, mentorId, menteeId } = await runningPair(api);
    const objective = await api.http().post(`/v1/programs/${programId}/pairs/${pairId}/objectives`).set(auth).send(examples.objective()).expect(201);
    const session = await api.http().post(`/v1/programs/${programId}/pairs/${pairId}/sessions`).set(auth).send(examples.session()).expect(201);
    await api
      .http()
      .post(`/v1/programs/${programId}/pairs/${pairId}/feedback`)
      .set(auth)
      .send({ sessionId: session.body.id, fromRole: 'mentee', givenBy: menteeId, rating: 5, comment: 'Eye-opening', fit: 'good' })
      .expect(201);
    await api
      .http()
      .post(`/v1/programs/${programId}/pairs/${pairId}/objectives/${objective.body.id}/achieve`)
      .set(auth)
      .send({ finalLevel: 8 })
      .expect(200);

    const pairEvents = await api.store.readStream(`pair-${pairId}`);
    expect(pairEvents.map((event) => event.type)).toEqual(['ObjectiveSet', 'SessionHeld', 'FeedbackGiven', 'ObjectiveAchieved']);
    const programEvents = await api.store.readStream(`program-${programId}`);
    expect(programEvents.map((event) => event.type)).toEqual([
      'ProgramCreated',
      'ParticipantEnrolled',
      'ParticipantEnrolled',
      'ProgramLaunched',
      'Paired',
    ]);
    expect(programEvents[4].data).toMatchObject({ mentorId, menteeId, pairId });
    const metadata = pairEvents[1].metadata;
    expect(metadata).toMatchObject({
      eventId: pairEvents[1].id,
      schemaVersion: EVENT_SCHEMA_VERSION,
      organizationId: expect.stringMatching(/^org-/),
      actor: { id: 'admin-1', roles: ['admin'] },
      correlationId: expect.any(String),
      causationId: expect.any(String),
    });
  });

  it('carries X-Correlation-Id into every event a request records, and echoes it', async () => {
    if (!api) return;
    const auth = { Authorization: `Bearer ${api.token()}` };
    const response = await api.http().post('/v1/programs').set(auth).set('X-Correlation-Id', 'hr-sync:42').send(examples.program()).expect(201);
    expect(response.headers['x-correlation-id']).toBe('hr-sync:42');
    const [created] = await api.store.readStream(`program-${response.body.id}`);
    expect(created.metadata).toMatchObject({ correlationId: 'hr-sync:42' });
    await api.http().post('/v1/programs').set(auth).set('X-Correlation-Id', 'spaces are not allowed').send(examples.program()).expect(400);
  });
});
