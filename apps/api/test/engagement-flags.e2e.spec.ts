import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CommandContext, PairCommands, ProgramCommands } from '@flipside/write-path';
import { startProjector } from '../../projector/test/support/projector-in-process';
import { findOpenApiFile } from '../src/openapi/openapi-document';
import { ApiHarness, examples, runningPair, startApi } from './support/api-harness';

process.env.MIN_POSITION_WAIT_MS = '1500';

const daysFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The engagement automation's flags and announced end, recorded through the write path as its system actor (as the
 * automation processor sends them), read back through the query API from the read models a running projector keeps.
 */
describe("A pair's open engagement flags and announced end, through the query API", () => {
  let api: ApiHarness | undefined;
  let projector: Awaited<ReturnType<typeof startProjector>> | undefined;
  let admin: Record<string, string>;
  let organizationId: string;
  /** The position of the last command: queries wait for the projection to reach it. */
  let last = '';
  let ids: Awaited<ReturnType<typeof runningPair>> & { quietPairId: string };
  const at: Record<string, string> = {};

  const get = (path: string, headers: Record<string, string> = admin) => api!.http().get(path).set(headers).set('X-Min-Position', last);
  const pairsOf = async (query = '') => (await get(`/v1/programs/${ids.programId}/pairs${query}`).expect(200)).body.items as Record<string, unknown>[];
  const pairIdsOf = async (query: string) => (await pairsOf(query)).map((pair) => pair.pairId);

  /** What the automation sends a command with: its system actor, in the program's organization, at a moment of its clock. */
  const automation = (now = new Date().toISOString()): CommandContext => ({
    actor: { id: 'system:engagement', roles: ['system'], organizationId },
    correlationId: randomUUID(),
    causationId: randomUUID(),
    now,
  });
  async function flag(pairId: string, flag: 'no-first-session' | 'check-in-due' | 'stalled', since = daysFromToday(0)) {
    const outcome = await api!.app.get(PairCommands).record(ids.programId, pairId, 'FlagPair', { flag, since, lapseStartedOn: since }, automation(), { id: pairId });
    last = outcome.position;
    return outcome;
  }
  async function warn(pairId: string, endsOn: string) {
    const data = { endsOn, lastActiveOn: daysFromToday(0) };
    const outcome = await api!.app.get(PairCommands).record(ids.programId, pairId, 'WarnPairEnding', data, automation(), { id: pairId });
    last = outcome.position;
    return outcome;
  }

  beforeAll(async () => {
    api = await startApi();
    if (!api) return;
    projector = await startProjector(api.config);
    admin = { Authorization: `Bearer ${api.token()}` };
    const pair = await runningPair(api, api.token());
    const [created] = await api.store.readStream(`program-${pair.programId}`);
    organizationId = String(created.data.organizationId);
    // A second pair in the program that the automation leaves alone.
    const enrol = (body: Record<string, unknown>) => api!.http().post(`/v1/programs/${pair.programId}/participants`).set(admin).send(body).expect(201);
    const mentor = await enrol(examples.mentor());
    const mentee = await enrol(examples.mentee());
    const quiet = await api
      .http()
      .post(`/v1/programs/${pair.programId}/pairs`)
      .set(admin)
      .send({ mentorId: mentor.body.id, menteeId: mentee.body.id })
      .expect(201);
    last = quiet.body.position;
    at.beforeFlags = last;
    ids = { ...pair, quietPairId: quiet.body.id };
  });
  afterAll(async () => {
    await projector?.close();
    await api?.close();
  });

  it('answers no open flag and no announced end for a pair the automation has not flagged', async () => {
    if (!api) return;
    expect((await pairsOf()).map((pair) => [pair.pairId, pair.openFlags, pair.endingOn])).toEqual(
      expect.arrayContaining([
        [ids.pairId, [], null],
        [ids.quietPairId, [], null],
      ]),
    );
  });

  it('answers the flags in the order raised, each once, and the announced end, on the list, the detail and "my pairs"', async () => {
    if (!api) return;
    const today = daysFromToday(0);
    await flag(ids.pairId, 'no-first-session');
    at.firstFlag = last;
    await flag(ids.pairId, 'check-in-due');
    // Once per lapse: a second FlagPair of an open flag records nothing.
    const again = await flag(ids.pairId, 'no-first-session');
    expect(again.recordedNow).toBe(false);
    await warn(ids.pairId, daysFromToday(90));
    at.flagged = last;
    const expected = {
      openFlags: [
        { flag: 'no-first-session', since: today },
        { flag: 'check-in-due', since: today },
      ],
      endingOn: daysFromToday(90),
    };
    const flaggedEvents = (await api.store.readStream(`pair-${ids.pairId}`)).filter((event) => event.type === 'PairFlagged');
    expect(flaggedEvents.map((event) => [event.data.flag, (event.metadata as { actor: { id: string } }).actor.id])).toEqual([
      ['no-first-session', 'system:engagement'],
      ['check-in-due', 'system:engagement'],
    ]);

    const listed = (await pairsOf()).find((pair) => pair.pairId === ids.pairId);
    expect(listed).toMatchObject(expected);
    const detail = await get(`/v1/programs/${ids.programId}/pairs/${ids.pairId}`).expect(200);
    expect(detail.body).toMatchObject(expected);
    const mentee = { Authorization: `Bearer ${api.token({ roles: ['participant'], sub: ids.menteePersonId })}` };
    const mine = await get('/v1/me/pairs', mentee).expect(200);
    expect(mine.body.items).toEqual([expect.objectContaining({ pairId: ids.pairId, ...expected })]);
    // The participant's view of its program's pairs too.
    expect((await get(`/v1/programs/${ids.programId}/pairs`, mentee).expect(200)).body.items).toEqual([expect.objectContaining(expected)]);
  });

  it('filters the list with flagged=true (pairs that need attention) and flagged=false, alone and with other filters', async () => {
    if (!api) return;
    expect(await pairIdsOf('?flagged=true')).toEqual([ids.pairId]);
    expect(await pairIdsOf('?flagged=false')).toEqual([ids.quietPairId]);
    expect(await pairIdsOf('?flagged=true&status=active')).toEqual([ids.pairId]);
    expect(await pairIdsOf('?flagged=true&status=ended')).toEqual([]);
    for (const value of ['maybe', 'TRUE', '1', '']) {
      const refused = await get(`/v1/programs/${ids.programId}/pairs?flagged=${value}`).expect(400);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });

  it('answers the flags as of a moment, from the events, as the live answer does', async () => {
    if (!api) return;
    const pairPath = `/v1/programs/${ids.programId}/pairs/${ids.pairId}`;
    const asOf = async (moment: string) => (await api!.http().get(pairPath).query({ asOf: moment }).set(admin).expect(200)).body;
    expect(await asOf(at.beforeFlags)).toMatchObject({ openFlags: [], endingOn: null });
    expect(await asOf(at.firstFlag)).toMatchObject({ openFlags: [{ flag: 'no-first-session', since: daysFromToday(0) }], endingOn: null });
    const live = (await get(pairPath).expect(200)).body;
    const then = await asOf(at.flagged);
    expect({ openFlags: then.openFlags, endingOn: then.endingOn }).toEqual({ openFlags: live.openFlags, endingOn: live.endingOn });
    expect(then.openFlags).toHaveLength(2);
  });

  it('a session held clears every open flag and the announced end; the next lapse flags again', async () => {
    if (!api) return;
    const session = await api.http().post(`/v1/programs/${ids.programId}/pairs/${ids.pairId}/sessions`).set(admin).send(examples.session()).expect(201);
    last = session.body.position;
    expect((await pairsOf()).find((pair) => pair.pairId === ids.pairId)).toMatchObject({ openFlags: [], endingOn: null, sessions: 1 });
    expect(await pairIdsOf('?flagged=true')).toEqual([]);
    expect((await pairIdsOf('?flagged=false')).sort()).toEqual([ids.pairId, ids.quietPairId].sort());

    // As of the flags' moment they still show: the session came later.
    const then = await api.http().get(`/v1/programs/${ids.programId}/pairs/${ids.pairId}`).query({ asOf: at.flagged }).set(admin).expect(200);
    expect(then.body.openFlags).toHaveLength(2);

    await flag(ids.pairId, 'check-in-due');
    expect((await get(`/v1/programs/${ids.programId}/pairs/${ids.pairId}`).expect(200)).body.openFlags).toEqual([
      { flag: 'check-in-due', since: daysFromToday(0) },
    ]);
  });

  it('an end for inactivity clears the flags and the announced end: an ended pair needs no attention', async () => {
    if (!api) return;
    await flag(ids.quietPairId, 'stalled');
    await warn(ids.quietPairId, daysFromToday(90));
    expect(await pairIdsOf('?flagged=true')).toEqual(expect.arrayContaining([ids.quietPairId]));

    // The automation's clock, 91 days on: the default policy ends a pair after 90 days without a session.
    const ended = await api!.app
      .get(ProgramCommands)
      .record('EndInactivePair', { programId: ids.programId, pairId: ids.quietPairId, lastActiveOn: daysFromToday(0) }, automation(new Date(Date.now() + 91 * 86_400_000).toISOString()), {
        id: ids.programId,
      });
    last = ended.position;
    const pair = (await pairsOf()).find((candidate) => candidate.pairId === ids.quietPairId);
    expect(pair).toMatchObject({ status: 'ended', endReason: 'inactive', health: null, openFlags: [], endingOn: null });
    expect(await pairIdsOf('?flagged=true')).not.toContain(ids.quietPairId);
    expect(await pairIdsOf('?flagged=false&status=ended')).toEqual([ids.quietPairId]);
    // The document names every reason a pair ends with, the automation's `inactive` included.
    const document = parse(readFileSync(findOpenApiFile(), 'utf8'));
    expect(document.components.schemas.PairEndReason.enum).toContain(pair!.endReason);
  });
});
