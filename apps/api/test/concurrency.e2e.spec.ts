import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../src/app.factory';
import { ApiHarness, examples, runningPair, startApi } from './support/api-harness';

describe('Concurrent commands', () => {
  let api: ApiHarness | undefined;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('20 parallel pairings for one mentor of capacity 1: exactly one succeeds, the rest 409', async () => {
    if (!api) return;
    const auth = { Authorization: `Bearer ${api.token()}` };
    const program = await api.http().post('/v1/programs').set(auth).send(examples.program()).expect(201);
    const id = program.body.id;
    const mentor = await api.http().post(`/v1/programs/${id}/participants`).set(auth).send(examples.mentor({ capacity: 1 })).expect(201);
    const mentees = await Promise.all(
      Array.from({ length: 20 }, () => api!.http().post(`/v1/programs/${id}/participants`).set(auth).send(examples.mentee()).expect(201)),
    );
    await api.http().post(`/v1/programs/${id}/launch`).set(auth).expect(200);

    const attempts = await Promise.all(
      mentees.map((mentee) =>
        api!.http().post(`/v1/programs/${id}/pairs`).set(auth).send({ mentorId: mentor.body.id, menteeId: mentee.body.id }),
      ),
    );
    const statuses = attempts.map((response) => response.status).sort();
    expect(statuses).toEqual([201, ...Array(19).fill(409)]);
    const paired = (await api.store.readStream(`program-${id}`)).filter((event) => event.type === 'Paired');
    expect(paired).toHaveLength(1);
  });

  it('50 parallel sessions on one pair: all recorded, revisions 0..49 with no gaps', async () => {
    if (!api) return;
    const auth = { Authorization: `Bearer ${api.token()}` };
    const { programId, pairId } = await runningPair(api);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        api!.http().post(`/v1/programs/${programId}/pairs/${pairId}/sessions`).set(auth).send(examples.session()),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(201));
    const revisions = responses.map((response) => Number(response.body.revision)).sort((a, b) => a - b);
    expect(revisions).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const stored = await api.store.readStream(`pair-${pairId}`);
    expect(stored.map((event) => event.revision)).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i)));
  });

  it('two API processes deciding on one stream: conflicts are re-decided on fresh state, none lost', async () => {
    if (!api) return;
    // A second app on the same database has its own in-process queue, so the store's revision check is what protects.
    const { createApp } = await import('../src/app.factory');
    const other = await createApp(api.config, { logger: false });
    try {
      const request = (await import('supertest')).default;
      const auth = { Authorization: `Bearer ${api.token()}` };
      const { programId, pairId } = await runningPair(api);
      const path = `/v1/programs/${programId}/pairs/${pairId}/sessions`;
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? api!.http() : request(other.getHttpServer())).post(path).set(auth).send(examples.session()),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(20).fill(201));
      expect(await api.store.readStream(`pair-${pairId}`)).toHaveLength(20);
    } finally {
      await other.close();
    }
  });

  describe('a process deciding on the state it holds, which another process has since moved on', () => {
    // Each process decides first on the state it last saw; another API process on the same store makes it stale.
    let other: INestApplication;
    beforeAll(async () => {
      if (!api) return;
      other = await createApp(api.config, { logger: false });
    });
    afterAll(() => other?.close());

    it('does not refuse on it: a mentee enrolled through the other process can be paired here', async () => {
      if (!api) return;
      const auth = { Authorization: `Bearer ${api.token()}` };
      const program = await api.http().post('/v1/programs').set(auth).send(examples.program()).expect(201);
      const id = program.body.id;
      const mentor = await api.http().post(`/v1/programs/${id}/participants`).set(auth).send(examples.mentor()).expect(201);
      await api.http().post(`/v1/programs/${id}/launch`).set(auth).expect(200);
      const mentee = await request(other.getHttpServer()).post(`/v1/programs/${id}/participants`).set(auth).send(examples.mentee()).expect(201);

      const paired = await api.http().post(`/v1/programs/${id}/pairs`).set(auth).send({ mentorId: mentor.body.id, menteeId: mentee.body.id });
      expect(paired.status).toBe(201);
      expect((await api.store.readStream(`program-${id}`)).map((event) => event.type)).toEqual([
        'ProgramCreated',
        'ParticipantEnrolled',
        'ProgramLaunched',
        'ParticipantEnrolled',
        'Paired',
      ]);
    });

    it('does not accept on it: progress on an objective achieved through the other process is refused here', async () => {
      if (!api) return;
      const auth = { Authorization: `Bearer ${api.token()}` };
      const { programId, pairId } = await runningPair(api);
      const objectives = `/v1/programs/${programId}/pairs/${pairId}/objectives`;
      const objective = await api.http().post(objectives).set(auth).send(examples.objective()).expect(201);
      await request(other.getHttpServer()).post(`${objectives}/${objective.body.id}/achieve`).set(auth).send({ finalLevel: 8 }).expect(200);

      const progress = await api.http().post(`${objectives}/${objective.body.id}/progress`).set(auth).send({ level: 5 });
      expect(progress.status).toBe(409);
      expect((await api.store.readStream(`pair-${pairId}`)).map((event) => event.type)).toEqual(['ObjectiveSet', 'ObjectiveAchieved']);
    });
  });
});
