import { ApiHarness, examples, expectRefused, runningPair, startApi } from './support/api-harness';

/** The defaults for the examples' cadence (a session every 14 days). */
const DEFAULTS = {
  firstSessionWithinDays: 14,
  checkInAfterDays: 14,
  stalledAfterDays: 28,
  autoEndAfterDays: 90,
  warnDaysBefore: 7,
  feedbackDueDays: 3,
  closeProgramAtEnd: true,
};

describe("A program's engagement policy (PUT and GET /v1/programs/{programId}/engagement-policy)", () => {
  let api: ApiHarness | undefined;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  const auth = (token = api!.token()) => ({ Authorization: `Bearer ${token}` });
  const policyPath = (programId: string) => `/v1/programs/${programId}/engagement-policy`;
  const put = (programId: string, body: unknown, token?: string) => api!.http().put(policyPath(programId)).set(auth(token)).send(body as object);
  const get = (programId: string, token?: string) => api!.http().get(policyPath(programId)).set(auth(token));
  async function newProgram(overrides: Record<string, unknown> = {}): Promise<string> {
    const created = await api!.http().post('/v1/programs').set(auth()).send(examples.program(overrides)).expect(201);
    return created.body.id as string;
  }
  const policyEvents = async (programId: string) =>
    (await api!.store.readStream(`program-${programId}`)).filter((event) => event.type === 'EngagementPolicySet');

  it('answers the defaults for the cadence on a new program, which records no policy', async () => {
    if (!api) return;
    const programId = await newProgram({ cadence: { sessionEveryDays: 10, minSessionMinutes: 30 } });
    const response = await get(programId).expect(200);
    expect(response.body).toEqual({ programId, policy: { ...DEFAULTS, checkInAfterDays: 10, stalledAfterDays: 20 } });
    expect(await policyEvents(programId)).toEqual([]);
    // Analysts and auditors read it too.
    await get(programId, api.token({ roles: ['analyst'] })).expect(200);
    await get(programId, api.token({ roles: ['auditor'] })).expect(200);
  });

  it('replaces the whole policy with a PUT: figures left out take their defaults; answers the policy in force', async () => {
    if (!api) return;
    const programId = await newProgram();
    const first = await put(programId, { autoEndAfterDays: null, feedbackDueDays: 5, closeProgramAtEnd: false }).expect(200);
    expect(first.headers.etag).toBe('"1"');
    expect(first.body).toEqual({
      id: programId,
      revision: '1',
      position: expect.stringMatching(/^\d+\/\d+$/),
      policy: { ...DEFAULTS, autoEndAfterDays: null, feedbackDueDays: 5, closeProgramAtEnd: false },
    });
    expect((await get(programId).expect(200)).body.policy).toEqual(first.body.policy);

    // A PUT, not a patch: what the second one leaves out goes back to its default.
    const second = await put(programId, { warnDaysBefore: 3 }).expect(200);
    expect(second.body).toMatchObject({ revision: '2', policy: { ...DEFAULTS, warnDaysBefore: 3 } });
    const events = await policyEvents(programId);
    expect(events.map((event) => event.data)).toEqual([
      { programId, policy: first.body.policy, setOn: expect.any(String) },
      { programId, policy: { ...DEFAULTS, warnDaysBefore: 3 }, setOn: expect.any(String) },
    ]);
    expect(events[0].metadata).toMatchObject({ command: 'SetEngagementPolicy', actor: { id: 'admin-1', roles: ['admin'] } });
  });

  it('records nothing when the policy sent is the one in force', async () => {
    if (!api) return;
    const programId = await newProgram();
    await put(programId, { checkInAfterDays: 20, stalledAfterDays: 40 }).expect(200);
    const before = (await api.allEvents()).length;
    const again = await put(programId, { checkInAfterDays: 20, stalledAfterDays: 40 }).expect(200);
    expect(again.body).toMatchObject({ revision: '1', policy: { checkInAfterDays: 20, stalledAfterDays: 40 } });
    expect((await api.allEvents()).length).toBe(before);
  });

  it('is set on a running program too, and honours If-Match', async () => {
    if (!api) return;
    const { programId } = await runningPair(api);
    await api.http().put(policyPath(programId)).set(auth()).set('If-Match', '"0"').send({ firstSessionWithinDays: 7 }).expect(412);
    const accepted = await api.http().put(policyPath(programId)).set(auth()).set('If-Match', '"4"').send({ firstSessionWithinDays: 7 }).expect(200);
    expect(accepted.body.policy).toEqual({ ...DEFAULTS, firstSessionWithinDays: 7 });
  });

  it('is safe to retry with an Idempotency-Key: replayed, and refused (422) with a different body', async () => {
    if (!api) return;
    const programId = await newProgram();
    const first = await put(programId, { feedbackDueDays: 4 }).set('Idempotency-Key', 'policy-1').expect(200);
    await put(programId, { feedbackDueDays: 9 }).expect(200);
    const retry = await put(programId, { feedbackDueDays: 4 }).set('Idempotency-Key', 'policy-1').expect(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    await expectRefused(api, () => put(programId, { feedbackDueDays: 5 }).set('Idempotency-Key', 'policy-1'), 422, /./);
    expect((await get(programId).expect(200)).body.policy.feedbackDueDays).toBe(9);
  });

  it('refuses bad input with 400 problem+json naming the field, and records nothing', async () => {
    if (!api) return;
    const programId = await newProgram();
    const cases: Array<[unknown, string]> = [
      [{ firstSessionWithinDays: 0 }, 'firstSessionWithinDays'],
      [{ checkInAfterDays: 366 }, 'checkInAfterDays'],
      [{ stalledAfterDays: 14.5 }, 'stalledAfterDays'],
      [{ autoEndAfterDays: 3651 }, 'autoEndAfterDays'],
      [{ autoEndAfterDays: '90' }, 'autoEndAfterDays'],
      [{ warnDaysBefore: -1 }, 'warnDaysBefore'],
      [{ feedbackDueDays: null }, 'feedbackDueDays'],
      [{ closeProgramAtEnd: 'yes' }, 'closeProgramAtEnd'],
      [{ mood: 'relaxed' }, 'mood'],
      // Relations, checked by the domain on the policy as completed (the other figure a default here).
      [{ stalledAfterDays: 10 }, 'stalledAfterDays'],
      [{ checkInAfterDays: 30 }, 'stalledAfterDays'],
      [{ autoEndAfterDays: 7 }, 'autoEndAfterDays'],
    ];
    for (const [body, field] of cases) {
      const problem = await expectRefused(api, () => put(programId, body), 400, /./);
      expect({ body, errors: problem.errors }).toEqual({ body, errors: expect.arrayContaining([expect.objectContaining({ field })]) });
    }
    await expectRefused(api, () => api!.http().put(policyPath(programId)).set(auth()).set('Content-Type', 'application/json').send('{"checkIn'), 400, /./);
    await expectRefused(api, () => api!.http().put(policyPath('not-a-uuid')).set(auth()).send({}), 400, /./);
    expect(await policyEvents(programId)).toEqual([]);
  });

  it('is for admins only (403), of the program\'s organization (404 elsewhere)', async () => {
    if (!api) return;
    const programId = await newProgram();
    for (const role of ['participant', 'analyst', 'auditor'] as const) {
      await expectRefused(api, () => put(programId, { feedbackDueDays: 5 }, api!.token({ roles: [role] })), 403, /./);
    }
    await expectRefused(api, () => get(programId, api!.token({ roles: ['participant'] })), 403, /./);
    const otherOrganization = api.token({ org: 'org-elsewhere' });
    await expectRefused(api, () => put(programId, { feedbackDueDays: 5 }, otherOrganization), 404, /not found/);
    await expectRefused(api, () => get(programId, otherOrganization), 404, /not found/);
    await expectRefused(api, () => get('6f1c2a9e-3b4d-4c8e-9a7f-2d5e8b1c0a34'), 404, /not found/);
  });

  it('refuses a closed program with 409 program-closed, and still answers its policy', async () => {
    if (!api) return;
    const programId = await newProgram();
    await put(programId, { feedbackDueDays: 5 }).expect(200);
    await api.http().post(`/v1/programs/${programId}/close`).set(auth()).send({ outcome: 'Done.' }).expect(200);
    const problem = await expectRefused(api, () => put(programId, { feedbackDueDays: 6 }), 409, /closed/);
    expect(problem).toMatchObject({ rule: 'program-closed' });
    expect((await get(programId).expect(200)).body.policy).toEqual({ ...DEFAULTS, feedbackDueDays: 5 });
  });

  it('takes a policy at creation: ProgramCreated then EngagementPolicySet, in one append', async () => {
    if (!api) return;
    const created = await api
      .http()
      .post('/v1/programs')
      .set(auth())
      .send(examples.program({ engagementPolicy: { autoEndAfterDays: 45, warnDaysBefore: 5 } }))
      .expect(201);
    const programId = created.body.id as string;
    expect(created.body.revision).toBe('1');
    const events = await api.store.readStream(`program-${programId}`);
    expect(events.map((event) => event.type)).toEqual(['ProgramCreated', 'EngagementPolicySet']);
    expect((await get(programId).expect(200)).body.policy).toEqual({ ...DEFAULTS, autoEndAfterDays: 45, warnDaysBefore: 5 });
  });

  it('refuses a bad policy at creation, naming the field under engagementPolicy, and creates nothing', async () => {
    if (!api) return;
    const cases: Array<[unknown, string]> = [
      [{ feedbackDueDays: 0 }, 'engagementPolicy.feedbackDueDays'],
      [{ stalledAfterDays: 14 }, 'engagementPolicy.stalledAfterDays'],
      [[], 'engagementPolicy'],
      [null, 'engagementPolicy'],
    ];
    for (const [engagementPolicy, field] of cases) {
      const problem = await expectRefused(
        api,
        () => api!.http().post('/v1/programs').set(auth()).send(examples.program({ engagementPolicy })),
        400,
        /./,
      );
      expect({ engagementPolicy, errors: problem.errors }).toEqual({
        engagementPolicy,
        errors: expect.arrayContaining([expect.objectContaining({ field: expect.stringMatching(new RegExp(`^${field.replace('.', '\\.')}`)) })]),
      });
    }
  });
});
