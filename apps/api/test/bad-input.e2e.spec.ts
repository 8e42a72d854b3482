import { randomUUID } from 'node:crypto';
import { AnsweredRequest, ApiHarness, examples, expectRefused, runningPair, startApi } from './support/api-harness';

/** Every class of bad input gets a problem+json answer naming the problem, and the store stays as it was. */
describe('Bad input', () => {
  let api: ApiHarness | undefined;
  let auth: Record<string, string>;
  let pair: Awaited<ReturnType<typeof runningPair>>;

  beforeAll(async () => {
    api = await startApi();
    if (!api) return;
    auth = { Authorization: `Bearer ${api.token()}` };
    pair = await runningPair(api);
  });
  afterAll(async () => {
    await api?.close();
  });

  const expectProblem = (send: () => Promise<AnsweredRequest>, status: number, detail: RegExp) =>
    api ? expectRefused(api, send, status, detail) : Promise.resolve(undefined);

  it('400 with one entry per invalid field', async () => {
    const body = await expectProblem(
      () =>
        api!
          .http()
          .post('/v1/programs')
          .set(auth)
          .send(examples.program({ name: '', cadence: { sessionEveryDays: 0, minSessionMinutes: 30 }, focusAreas: ['golf'] })),
      400,
      /name/,
    );
    const fields = (body?.errors as { field: string }[]).map((error) => error.field).sort();
    expect([...new Set(fields)]).toEqual(['cadence.sessionEveryDays', 'focusAreas', 'name']);
  });

  it('400 for a field the API does not know', async () => {
    const body = await expectProblem(
      () => api!.http().post('/v1/programs').set(auth).send(examples.program({ budget: 1000 })),
      400,
      /budget/,
    );
    expect(body?.errors).toEqual([{ field: 'budget', message: expect.stringMatching(/should not exist/) }]);
  });

  it('400 for a body that is not valid JSON', async () => {
    await expectProblem(
      () => api!.http().post('/v1/programs').set(auth).set('Content-Type', 'application/json').send('{"name": '),
      400,
      /JSON|Unexpected|position/i,
    );
  });

  it('400 for a path id that is not a UUID, and for a malformed If-Match', async () => {
    await expectProblem(() => api!.http().post('/v1/programs/not-a-uuid/launch').set(auth), 400, /programId must be a UUID/);
    await expectProblem(
      () => api!.http().post(`/v1/programs/${pair.programId}/close`).set(auth).set('If-Match', 'three').send({ outcome: 'x' }),
      400,
      /If-Match/,
    );
  });

  it('400 for a value the domain refuses (target level not above baseline)', async () => {
    await expectProblem(
      () =>
        api!
          .http()
          .post(`/v1/programs/${pair.programId}/pairs/${pair.pairId}/objectives`)
          .set(auth)
          .send(examples.objective({ baselineLevel: 6, targetLevel: 4 })),
      400,
      /target/i,
    );
  });

  it('404 for an unknown program, pair, participant and objective', async () => {
    await expectProblem(() => api!.http().post(`/v1/programs/${randomUUID()}/launch`).set(auth), 404, /Program .* not found/);
    await expectProblem(
      () => api!.http().post(`/v1/programs/${pair.programId}/pairs/${randomUUID()}/sessions`).set(auth).send(examples.session()),
      404,
      /pair/i,
    );
    await expectProblem(
      () =>
        api!.http().post(`/v1/programs/${pair.programId}/participants/${randomUUID()}/withdraw`).set(auth).send({ reason: 'moved' }),
      404,
      /participant/i,
    );
    await expectProblem(
      () =>
        api!
          .http()
          .post(`/v1/programs/${pair.programId}/pairs/${pair.pairId}/objectives/${randomUUID()}/achieve`)
          .set(auth)
          .send({ finalLevel: 5 }),
      404,
      /objective/i,
    );
  });

  it('409 for a broken rule, in words, with the rule code', async () => {
    const body = await expectProblem(
      () => api!.http().post(`/v1/programs/${pair.programId}/launch`).set(auth),
      409,
      /draft|launched/i,
    );
    expect(body?.rule).toEqual(expect.any(String));
  });

  it('409 when a reverse-mentoring pair would have a more senior mentor, naming both levels', async () => {
    const program = await api!.http().post('/v1/programs').set(auth).send(examples.program()).expect(201);
    const id = program.body.id;
    const mentor = await api!.http().post(`/v1/programs/${id}/participants`).set(auth).send(examples.mentor({ seniority: 8 })).expect(201);
    const mentee = await api!.http().post(`/v1/programs/${id}/participants`).set(auth).send(examples.mentee({ seniority: 3 })).expect(201);
    await api!.http().post(`/v1/programs/${id}/launch`).set(auth).expect(200);
    const body = await expectProblem(
      () => api!.http().post(`/v1/programs/${id}/pairs`).set(auth).send({ mentorId: mentor.body.id, menteeId: mentee.body.id }),
      409,
      /less senior.*8.*3/,
    );
    expect(body?.rule).toBe('mentor-less-senior-than-mentee');
  });

  it('413 for a body over 64 KiB', async () => {
    await expectProblem(
      () => api!.http().post('/v1/programs').set(auth).send(examples.program({ description: 'x'.repeat(70 * 1024) })),
      413,
      /64 KiB/,
    );
  });

  it('415 for a body that is not JSON', async () => {
    await expectProblem(
      () => api!.http().post('/v1/programs').set(auth).set('Content-Type', 'text/plain').send('name=Pilot'),
      415,
      /application\/json/,
    );
  });

  it('404 problem for a route that does not exist', async () => {
    await expectProblem(() => api!.http().post('/v1/nothing-here').set(auth).send({}), 404, /No route/);
  });
});
