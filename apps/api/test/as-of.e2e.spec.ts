import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { comparePositions, parsePosition, Position } from '@flipside/event-store';
import { ApiHarness, examples, runningPair, startApi } from './support/api-harness';
import { catchUpReadModels } from './support/read-models';

const DAY_MS = 86_400_000;
const AS_OF_POSITION = 'x-as-of-position';

/** Every timer stays real: only the clock moves, so the API's "today" is another day while it keeps running. */
const ONLY_THE_CLOCK = [
  'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback',
  'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout',
] as const;

/** A timestamp strictly between what was recorded before and what will be recorded after (millisecond clocks). */
async function momentBetween(): Promise<string> {
  await sleep(5);
  const moment = new Date().toISOString();
  await sleep(5);
  return moment;
}

describe('State as of any moment: the program overview and a pair rebuilt from the events up to T', () => {
  let api: ApiHarness | undefined;
  let admin: Record<string, string>;
  /** Some EventStoreDB versions (and the double) give events read by stream no position: a time cut cannot name its last event. */
  let streamReadsHavePositions: boolean;
  const as = (roles: ('admin' | 'analyst' | 'auditor' | 'participant')[], sub = 'someone', org?: string) => ({
    Authorization: `Bearer ${api!.token({ roles, sub, ...(org ? { org } : {}) })}`,
  });
  const post = (path: string, body: object = {}) => api!.http().post(path).set(admin).send(body);
  const get = (path: string, headers: Record<string, string> = admin) => api!.http().get(path).set(headers);
  const asOf = (path: string, moment: string, headers: Record<string, string> = admin) =>
    api!.http().get(path).query({ asOf: moment }).set(headers);

  /** Program A holds every event type; the moments and positions are taken between its commands. */
  const a = {} as {
    programId: string;
    pairId: string;
    endedPairId: string;
    menteeId: string;
    menteePersonId: string;
    beforeCreation: string;
    createdAt: string;
    launchPosition: string;
    beforeSession: string;
    sessionPosition: string;
    openPosition: string;
    lastPosition: string;
  };

  beforeAll(async () => {
    api = await startApi();
    if (!api) return;
    admin = as(['admin'], 'admin-1');
    a.beforeCreation = await momentBetween();
    const program = await post('/v1/programs', examples.program()).expect(201);
    a.programId = program.body.id;
    a.createdAt = await momentBetween();
    const base = `/v1/programs/${a.programId}`;
    const enrol = async (body: object) => (await post(`${base}/participants`, body).expect(201)).body.id as string;
    const mentor = await enrol(examples.mentor());
    const secondMentor = await enrol(examples.mentor({ displayName: 'Ana Lima' }));
    const mentee = examples.mentee();
    a.menteeId = await enrol(mentee);
    a.menteePersonId = mentee.personId;
    const secondMentee = await enrol(examples.mentee({ displayName: 'Ruth Okafor' }));
    const leaving = await enrol(examples.mentee({ displayName: 'Tom Berg' }));
    await post(`${base}/participants/${mentor}/trainings`, { module: 'Reverse mentoring essentials', completedOn: examples.session().heldOn }).expect(200);
    a.launchPosition = (await post(`${base}/launch`).expect(200)).body.position;
    a.pairId = (await post(`${base}/pairs`, { mentorId: mentor, menteeId: a.menteeId }).expect(201)).body.id;
    a.endedPairId = (await post(`${base}/pairs`, { mentorId: secondMentor, menteeId: secondMentee, pairedBy: 'algorithm', matchScore: 0.75 }).expect(201)).body.id;
    const pair = `${base}/pairs/${a.pairId}`;
    // Ids chosen so that the detail's order (objectives by id, feedback by id, latest first) is not the order of recording.
    const kept = (await post(`${pair}/objectives`, examples.objective({ id: idStarting('f') })).expect(201)).body.id;
    const dropped = (await post(`${pair}/objectives`, examples.objective({ id: idStarting('0'), title: 'Record a short video' })).expect(201)).body.id;
    await post(`${pair}/objectives/${kept}/progress`, { level: 4, note: 'First post drafted' }).expect(200);
    a.beforeSession = await momentBetween();
    const session = await post(`${pair}/sessions`, examples.session()).expect(201);
    a.sessionPosition = session.body.position;
    await post(`${pair}/feedback`, { id: idStarting('0'), sessionId: session.body.id, fromRole: 'mentee', givenBy: a.menteeId, rating: 4, comment: 'ADMIN-ONLY-COMMENT', fit: 'good' }).expect(201);
    await post(`${pair}/feedback`, { id: idStarting('f'), fromRole: 'mentor', givenBy: mentor, rating: 5, fit: 'good' }).expect(201);
    await post(`${pair}/objectives/${kept}/achieve`, { finalLevel: 6 }).expect(200);
    await post(`${pair}/objectives/${dropped}/drop`, { reason: 'Covered by the first objective' }).expect(200);
    await post(`${base}/pairs/${a.endedPairId}/end`, { reason: 'rematched' }).expect(200);
    a.openPosition = (await post(`${base}/participants/${leaving}/withdraw`, { reason: 'Moved to another team' }).expect(200)).body.position;
    streamReadsHavePositions = (await api.store.readStream(`program-${a.programId}`))[0].position.commit >= 0n;
  });
  afterAll(async () => {
    jest.useRealTimers();
    await api?.close();
  });

  const overview = () => `/v1/programs/${a.programId}`;
  const pairPath = (pairId = a.pairId) => `/v1/programs/${a.programId}/pairs/${pairId}`;

  /** asOf=now and the live answer (read models caught up) agree field for field, for the program and its pairs. */
  async function expectNowEqualsLive(lastPosition: string) {
    await catchUpReadModels(api!);
    const now = await momentBetween();
    for (const path of [overview(), pairPath(), pairPath(a.endedPairId)]) {
      const live = await get(path).expect(200);
      const replayed = await asOf(path, now).expect(200);
      expect({ path, body: replayed.body }).toEqual({ path, body: live.body });
      expect(replayed.headers[AS_OF_POSITION]).toBe(streamReadsHavePositions ? lastPosition : undefined);
      expect(replayed.headers['content-type']).toMatch(/^application\/json/);
      expect(live.headers[AS_OF_POSITION]).toBeUndefined();
    }
  }

  it('answers asOf=now exactly as the live read models do, while the program runs and once it is closed', async () => {
    if (!api) return;
    await expectNowEqualsLive(a.openPosition);
    const live = (await get(overview()).expect(200)).body;
    // The comparison above is only worth something if the program really holds every figure.
    expect(live).toMatchObject({
      status: 'active',
      participants: { mentors: 2, mentees: 2, withdrawn: 1, unpairedMentees: 1 },
      pairs: { active: 1, ended: 1, health: { onTrack: 1, needsCheckIn: 0, stalled: 0 } },
      matchRate: 0.667,
      sessions: { held: 1, minutes: 45 },
      objectives: { set: 2, achieved: 1, dropped: 1, averageKnowledgeGain: 4 },
      ratings: { byMentors: { average: 5, count: 1 }, byMentees: { average: 4, count: 1 } },
      trainingCompletionRate: 0.25,
    });
    const pair = (await get(pairPath()).expect(200)).body;
    expect(pair).toMatchObject({ health: 'on-track', sessions: 1, achievedObjectives: 1, droppedObjectives: 1, averageRating: 4.5 });
    expect(pair.objectives.map((objective: { currentLevel: number }) => objective.currentLevel)).toEqual([2, 6]);
    expect(pair.recentFeedback.map((feedback: { fromRole: string }) => feedback.fromRole)).toEqual(['mentor', 'mentee']);

    a.lastPosition = (await post(`${overview()}/close`, { outcome: 'Every leader posts monthly' }).expect(200)).body.position;
    await expectNowEqualsLive(a.lastPosition);
    expect((await asOf(overview(), new Date().toISOString()).expect(200)).body).toMatchObject({ status: 'closed', pairs: { active: 0, ended: 2 } });
  });

  it('shows the earlier state as of an earlier timestamp: before the session, no session', async () => {
    if (!api) return;
    const program = await asOf(overview(), a.beforeSession).expect(200);
    expect(program.body).toMatchObject({
      status: 'active',
      participants: { mentors: 2, mentees: 3, withdrawn: 0 },
      pairs: { active: 2, ended: 0, health: { onTrack: 2, needsCheckIn: 0, stalled: 0 } },
      sessions: { held: 0, minutes: 0 },
      objectives: { set: 2, achieved: 0, dropped: 0, averageKnowledgeGain: null },
      ratings: { byMentors: { average: null, count: 0 }, byMentees: { average: null, count: 0 } },
    });
    const pair = await asOf(pairPath(), a.beforeSession).expect(200);
    expect(pair.body).toMatchObject({ status: 'active', sessions: 0, lastSessionOn: null, recentSessions: [], recentFeedback: [] });
    const objectives = pair.body.objectives.map((objective: { status: string; currentLevel: number }) => `${objective.status} ${objective.currentLevel}`);
    expect(objectives.sort()).toEqual(['open 2', 'open 4']);
    if (streamReadsHavePositions) expect(comparePositions(at(pair.headers[AS_OF_POSITION]), at(a.sessionPosition))).toBeLessThan(0);
    else expect(pair.headers[AS_OF_POSITION]).toBeUndefined();
  });

  it('shows the earlier state as of an earlier position: before the pairing, no pair (404)', async () => {
    if (!api) return;
    const program = await asOf(overview(), a.launchPosition).expect(200);
    expect(program.headers[AS_OF_POSITION]).toBe(a.launchPosition);
    expect(program.body).toMatchObject({ status: 'active', pairs: { active: 0, ended: 0 }, participants: { unpairedMentees: 3 }, matchRate: 0 });
    const pair = await asOf(pairPath(), a.launchPosition).expect(404);
    expect(pair.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(pair.body.rule).toBe('pair-not-found');
    const session = await asOf(pairPath(), a.sessionPosition).expect(200);
    expect(session.headers[AS_OF_POSITION]).toBe(a.sessionPosition);
    expect(session.body).toMatchObject({ sessions: 1, recentFeedback: [] });
  });

  it('answers 404 as of a moment before the program existed', async () => {
    if (!api) return;
    for (const moment of [a.beforeCreation, '2001-01-01T00:00:00Z', '-1/-1']) {
      const response = await asOf(overview(), moment).expect(404);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.body.rule).toBe('program-not-found');
      await asOf(pairPath(), moment).expect(404);
    }
    const created = await asOf(overview(), a.createdAt).expect(200);
    expect(created.body).toMatchObject({ status: 'draft', participants: { mentors: 0, mentees: 0 } });
  });

  it('refuses a malformed or future asOf with 400 problem+json naming asOf, whatever the program', async () => {
    if (!api) return;
    const malformed = ['yesterday', '', '2025-06-30', '2025-02-30T10:00:00Z', '2025-06-30T25:00:00Z', '2025-06-30T10:00:00', '12/', '1/2/3', 'now'];
    const future = new Date(Date.now() + DAY_MS).toISOString();
    for (const moment of [...malformed, future]) {
      for (const path of [overview(), pairPath(), '/v1/programs/6f1c2a9e-3b4d-4c8e-9a7f-2d5e8b1c0a34']) {
        const response = await asOf(path, moment);
        expect({ moment, path, status: response.status }).toEqual({ moment, path, status: 400 });
        expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(response.body.errors).toEqual([{ field: 'asOf', message: expect.any(String) }]);
      }
    }
    const twice = await get(`${overview()}?asOf=${a.launchPosition}&asOf=${a.sessionPosition}`).expect(400);
    expect(twice.body.errors).toEqual([{ field: 'asOf', message: expect.any(String) }]);
  });

  it('accepts RFC 3339 offsets and fractions, and the same roles as the live routes', async () => {
    if (!api) return;
    // The same moment written two hours east of UTC, and with microseconds.
    const east = new Date(Date.parse(a.beforeSession) + 2 * 3_600_000).toISOString().replace('Z', '999+02:00');
    expect((await asOf(overview(), east).expect(200)).body.sessions.held).toBe(0);
    expect((await asOf(overview(), a.beforeSession.replace('T', 't').replace('Z', 'z')).expect(200)).body.sessions.held).toBe(0);
    // The offset counts: the same digits two hours east of UTC are two hours earlier, before the program existed.
    await asOf(overview(), a.beforeSession.replace('Z', '+02:00')).expect(404);

    for (const roles of [['analyst'], ['auditor']] as const) {
      await asOf(overview(), a.sessionPosition, as([...roles])).expect(200);
      const pair = await asOf(pairPath(), a.sessionPosition, as([...roles])).expect(200);
      expect(pair.text).not.toContain('CONFIDENTIAL-MARKER');
    }
    const mentee = as(['participant'], a.menteePersonId);
    await asOf(overview(), a.sessionPosition, mentee).expect(200);
    await asOf(pairPath(), a.sessionPosition, mentee).expect(200);
    await asOf(pairPath(a.endedPairId), a.sessionPosition, mentee).expect(404);
    await asOf(overview(), a.sessionPosition, as(['participant'], 'not-enrolled')).expect(404);
    // Before the mentee enrolled, the program was not theirs to see.
    await asOf(overview(), a.createdAt, mentee).expect(404);
  });

  it('never shows another organization anything, nor confidential notes or admin-only comments to others', async () => {
    if (!api) return;
    const now = new Date().toISOString();
    const stranger = as(['admin'], 'admin-2', 'another-org');
    for (const path of [overview(), pairPath()]) {
      for (const moment of [now, a.sessionPosition, a.beforeCreation]) {
        const response = await asOf(path, moment, stranger).expect(404);
        expect(response.body.rule).toBe('program-not-found');
      }
    }
    const forAdmin = await asOf(pairPath(), now).expect(200);
    expect(forAdmin.text).toContain('ADMIN-ONLY-COMMENT');
    expect(forAdmin.text).not.toContain('CONFIDENTIAL-MARKER');
    const forAnalyst = await asOf(pairPath(), now, as(['analyst'])).expect(200);
    expect(forAnalyst.text).not.toContain('ADMIN-ONLY-COMMENT');
    expect(forAnalyst.text).not.toContain('CONFIDENTIAL-MARKER');
    await api.http().get(overview()).query({ asOf: now }).expect(401);
  });

  // Last: it moves the clock of this process (the API's "today") 60 days ahead.
  it("judges health on T's date: a pair stalled today was on track at T", async () => {
    if (!api) return;
    const { programId, pairId } = await runningPair(api, api.token({ sub: 'admin-1' }));
    await catchUpReadModels(api);
    const pairedAt = await momentBetween();
    jest.useFakeTimers({ now: Date.now() + 60 * DAY_MS, advanceTimers: true, doNotFake: [...ONLY_THE_CLOCK] });
    const later = { Authorization: `Bearer ${api.token({ sub: 'admin-1' })}` };
    const program = `/v1/programs/${programId}`;
    const live = await get(program, later).expect(200);
    expect(live.body.pairs.health).toEqual({ onTrack: 0, needsCheckIn: 0, stalled: 1 });
    const then = await asOf(program, pairedAt, later).expect(200);
    expect(then.body.pairs.health).toEqual({ onTrack: 1, needsCheckIn: 0, stalled: 0 });
    expect((await asOf(`${program}/pairs/${pairId}`, pairedAt, later).expect(200)).body.health).toBe('on-track');
    expect((await get(`${program}/pairs/${pairId}`, later).expect(200)).body.health).toBe('stalled');
    const now = await asOf(program, new Date().toISOString(), later).expect(200);
    expect(now.body).toEqual(live.body);
    jest.useRealTimers();
  });
});

const at = (text: string) => parsePosition(text) as Position;
const idStarting = (hex: string) => hex + randomUUID().slice(1);
