import { Position, comparePositions, parsePosition } from '@flipside/event-store';
import { allProjections } from '@flipside/read-models';
import { rebuildReadModel } from '../../projector/src/read-models/rebuild-read-model';
import { startProjector } from '../../projector/test/support/projector-in-process';
import { READ_MODELS } from '../src/read-your-writes/read-models.provider';
import { ApiHarness, examples, runningPair, startApi } from './support/api-harness';

process.env.MIN_POSITION_WAIT_MS = '1500';

const at = (text: string) => parsePosition(text) as Position;

describe('Queries through the API, on read models kept by a running projector', () => {
  let api: ApiHarness | undefined;
  let projector: Awaited<ReturnType<typeof startProjector>> | undefined;
  let admin: Record<string, string>;
  let last = '';
  let ids: Awaited<ReturnType<typeof runningPair>> & { sessionId: string; objectiveId: string };

  const get = (path: string, headers: Record<string, string> = admin) => api!.http().get(path).set(headers).set('X-Min-Position', last);
  const as = (roles: ('admin' | 'analyst' | 'auditor' | 'participant')[], sub = 'someone', org?: string) => ({
    Authorization: `Bearer ${api!.token({ roles, sub, ...(org ? { org } : {}) })}`,
  });

  beforeAll(async () => {
    api = await startApi();
    if (!api) return;
    projector = await startProjector(api.config);
    admin = as(['admin'], 'admin-1');
    const pair = await runningPair(api, api.token());
    const base = `/v1/programs/${pair.programId}/pairs/${pair.pairId}`;
    const objective = await api.http().post(`${base}/objectives`).set(admin).send(examples.objective()).expect(201);
    const session = await api.http().post(`${base}/sessions`).set(admin).send(examples.session()).expect(201);
    await api
      .http()
      .post(`${base}/feedback`)
      .set(admin)
      .send({ sessionId: session.body.id, fromRole: 'mentee', givenBy: pair.menteeId, rating: 4, comment: 'ADMIN-ONLY-COMMENT', fit: 'good' })
      .expect(201);
    const achieved = await api.http().post(`${base}/objectives/${objective.body.id}/achieve`).set(admin).send({ finalLevel: 6 }).expect(200);
    last = achieved.body.position;
    ids = { ...pair, sessionId: session.body.id, objectiveId: objective.body.id };
  });
  afterAll(async () => {
    await projector?.close();
    await api?.close();
  });

  it('answers the program overview once the projection has reached the command position (X-Min-Position)', async () => {
    if (!api) return;
    const response = await get(`/v1/programs/${ids.programId}`).expect(200);
    expect(comparePositions(at(response.headers['x-projection-position']), at(last))).toBeGreaterThanOrEqual(0);
    expect(response.body).toMatchObject({
      programId: ids.programId,
      status: 'active',
      cadence: { sessionEveryDays: 14, minSessionMinutes: 30 },
      participants: { mentors: 1, mentees: 1, withdrawn: 0, unpairedMentees: 0 },
      pairs: { active: 1, ended: 0, health: { onTrack: 1, needsCheckIn: 0, stalled: 0 } },
      matchRate: 1,
      sessions: { held: 1, minutes: 45 },
      objectives: { set: 1, achieved: 1, dropped: 0, averageKnowledgeGain: 4 },
      ratings: { byMentors: { average: null, count: 0 }, byMentees: { average: 4, count: 1 } },
      trainingCompletionRate: 0,
    });
  });

  it('lists programs with a status filter and an opaque cursor', async () => {
    if (!api) return;
    const second = await api.http().post('/v1/programs').set(admin).send(examples.program({ name: 'Second' })).expect(201);
    last = second.body.position;
    const first = await get('/v1/programs?limit=1').expect(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await get(`/v1/programs?limit=1&cursor=${first.body.nextCursor}`).expect(200);
    expect([first.body.items[0].programId, next.body.items[0].programId].sort()).toEqual([ids.programId, second.body.id].sort());
    expect(next.body.nextCursor).toBeNull();
    const drafts = await get('/v1/programs?status=draft').expect(200);
    expect(drafts.body.items.map((program: { programId: string }) => program.programId)).toEqual([second.body.id]);
  });

  it('refuses bad filters, limits and cursors with 400 problem+json', async () => {
    if (!api) return;
    for (const query of ['status=open', 'limit=101', 'limit=0', 'limit=ten', 'cursor=bm9wZQ', 'colour=red']) {
      const response = await get(`/v1/programs?${query}`).expect(400);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    await get(`/v1/programs/${ids.programId}/pairs?health=fine`).expect(400);
    await get(`/v1/programs/${ids.programId}/participants?unpaired=maybe`).expect(400);
    await get(`/v1/programs/${ids.programId}/sessions?from=2025-02-30`).expect(400);
    await get(`/v1/programs/${ids.programId}/kpis?from=2025-03-10&to=2025-03-01`).expect(400);
    await get('/v1/programs/not-a-uuid').expect(400);
    await api.http().get('/v1/programs').set(admin).set('X-Min-Position', 'yesterday').expect(400);
  });

  it('lists participants, pairs by health, sessions without confidential notes, and weekly KPIs', async () => {
    if (!api) return;
    const mentees = await get(`/v1/programs/${ids.programId}/participants?role=mentee`).expect(200);
    expect(mentees.body.items).toEqual([expect.objectContaining({ participantId: ids.menteeId, role: 'mentee', activePairs: 1, status: 'enrolled' })]);
    expect((await get(`/v1/programs/${ids.programId}/participants?unpaired=true`).expect(200)).body.items).toEqual([]);

    const onTrack = await get(`/v1/programs/${ids.programId}/pairs?health=on-track`).expect(200);
    expect(onTrack.body.items).toEqual([
      expect.objectContaining({ pairId: ids.pairId, health: 'on-track', sessions: 1, minutes: 45, achievedObjectives: 1, averageRating: 4, fitConcern: false }),
    ]);
    expect(onTrack.body.items[0].nextSessionDue).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/));
    expect((await get(`/v1/programs/${ids.programId}/pairs?health=stalled`).expect(200)).body.items).toEqual([]);

    const sessions = await get(`/v1/programs/${ids.programId}/sessions`).expect(200);
    expect(sessions.body.items).toEqual([expect.objectContaining({ sessionId: ids.sessionId, durationMinutes: 45, format: 'video' })]);
    expect(sessions.text).not.toContain('CONFIDENTIAL-MARKER');

    const kpis = await get(`/v1/programs/${ids.programId}/kpis`).expect(200);
    const thisWeek = kpis.body.weeks[kpis.body.weeks.length - 1];
    expect(thisWeek).toMatchObject({ sessions: 1, minutes: 45, activePairs: 1, averageRating: 4, objectivesAchieved: 1 });
  });

  it('applies the access rules: comments for admins, participants see their own pairs, other organizations get 404', async () => {
    if (!api) return;
    const pairPath = `/v1/programs/${ids.programId}/pairs/${ids.pairId}`;
    const forAdmin = await get(pairPath).expect(200);
    expect(forAdmin.body.recentFeedback[0].comment).toBe('ADMIN-ONLY-COMMENT');
    expect(forAdmin.body.objectives[0]).toMatchObject({ status: 'achieved', baselineLevel: 2, currentLevel: 6, targetLevel: 7 });
    expect(forAdmin.text).not.toContain('CONFIDENTIAL-MARKER');
    const forAnalyst = await get(pairPath, as(['analyst'])).expect(200);
    expect(forAnalyst.text).not.toContain('ADMIN-ONLY-COMMENT');
    await get(pairPath, as(['auditor'])).expect(200);

    const mentee = as(['participant'], ids.menteePersonId);
    const own = await get(pairPath, mentee).expect(200);
    expect(own.text).not.toContain('ADMIN-ONLY-COMMENT');
    await get(`/v1/programs/${ids.programId}`, mentee).expect(200);
    expect((await get('/v1/me/pairs', mentee).expect(200)).body.items.map((pair: { pairId: string }) => pair.pairId)).toEqual([ids.pairId]);
    await get(`/v1/programs/${ids.programId}/participants`, mentee).expect(403);

    const stranger = as(['participant'], 'not-enrolled');
    await get(`/v1/programs/${ids.programId}`, stranger).expect(404);
    await get(pairPath, stranger).expect(404);
    await get(`/v1/programs/${ids.programId}`, as(['admin'], 'admin-2', 'another-org')).expect(404);
    await api.http().get(`/v1/programs/${ids.programId}`).expect(401);
  });

  it('answers 503 with Retry-After when the read models do not reach X-Min-Position in time', async () => {
    if (!api) return;
    const response = await api.http().get(`/v1/programs/${ids.programId}`).set(admin).set('X-Min-Position', '99999999999/99999999999').expect(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.headers['x-projection-position']).toEqual(expect.stringMatching(/^\d+\/\d+$/));
  });

  it('keeps answering while a projection is rebuilt and switched', async () => {
    if (!api) return;
    const dataSource = api.app.get(READ_MODELS);
    let stop = false;
    const failures: string[] = [];
    let answered = 0;
    const reader = (async () => {
      while (!stop) {
        const response = await api!.http().get(`/v1/programs/${ids.programId}/pairs`).set(admin);
        answered++;
        if (response.status !== 200 || response.body.items.length !== 1) failures.push(`${response.status} ${response.text}`);
      }
    })();
    for (const projection of allProjections()) {
      await rebuildReadModel(projection, { store: api.store, dataSource, databaseUrl: api.config.databaseUrl });
    }
    stop = true;
    await reader;
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(0);
    const after = await get(`/v1/programs/${ids.programId}`).expect(200);
    expect(after.body.sessions).toEqual({ held: 1, minutes: 45 });
  });
});
