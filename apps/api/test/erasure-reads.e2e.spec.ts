import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Seal } from '@flipside/audit';
import { serializePosition } from '@flipside/event-store';
import { KeyVault, PersonalDataCipher } from '@flipside/personal-data';
import { EncryptedProgram } from '../../projector/test/support/encrypted-program';
import { startProjector } from '../../projector/test/support/projector-in-process';
import { verifyExport } from '../src/audit/program-history/export-verifier';
import { READ_MODELS } from '../src/read-your-writes/read-models.provider';
import { SEAL } from '../src/streams/seal-key.provider';
import { runAuditCli } from './support/audit-cli';
import { Pool } from 'pg';
import { everyTableAsText } from '@flipside/testing';
import { ApiHarness, examples, runningPair, startApi } from './support/api-harness';

process.env.MIN_POSITION_WAIT_MS = '5000';

const ORG = 'erasure-org';

describe('Reading after an erasure: views, as-of, history and exports open personal data at the edge, or show it erased', () => {
  let api: ApiHarness | undefined;
  let projector: Awaited<ReturnType<typeof startProjector>> | undefined;
  let program: EncryptedProgram;
  let last = '';
  let dir: string;
  const before: Record<string, unknown> = {};

  const as = (roles: ('admin' | 'analyst' | 'auditor' | 'participant')[], sub = 'erasure-admin') => ({
    Authorization: `Bearer ${api!.token({ roles, sub, org: ORG })}`,
  });
  const get = (path: string, headers = as(['admin'])) => api!.http().get(path).set(headers).set('X-Min-Position', last);
  const programPath = () => `/v1/programs/${program.programId}`;
  const pairPath = () => `${programPath()}/pairs/${program.pairId}`;
  const nowAsOf = () => encodeURIComponent(new Date().toISOString());
  const readModelsText = async () => {
    const dataSource = api!.app.get(READ_MODELS);
    const parts: string[] = [];
    for (const table of ['programs', 'participants', 'pairs', 'sessions', 'objectives', 'feedback', 'program_weeks', 'pair_spans', 'projection_checkpoints']) {
      const rows: { row: string }[] = await dataSource.query(`SELECT t::text AS row FROM read_models.${table} t`);
      parts.push(...rows.map((row) => row.row));
    }
    return parts.join('\n');
  };
  const exportLines = async () =>
    (await api!.http().get(`${programPath()}/history`).set(as(['auditor'])).set('Accept', 'application/x-ndjson').expect(200)).text.trimEnd().split('\n');

  beforeAll(async () => {
    api = await startApi();
    if (!api) return;
    dir = mkdtempSync(join(tmpdir(), 'flipside-erasure-'));
    projector = await startProjector(api.config);
    program = new EncryptedProgram(ORG, api.app.get(PersonalDataCipher), api.app.get<Seal>(SEAL));
    last = serializePosition(await program.appendLife(api.store));
    before.overview = (await get(programPath()).expect(200)).body;
    before.pair = (await get(pairPath()).expect(200)).body;
    before.participants = (await get(`${programPath()}/participants`).expect(200)).body;
    before.sessions = (await get(`${programPath()}/sessions`).expect(200)).body;
    before.kpis = (await get(`${programPath()}/kpis?from=2025-03-01&to=2025-04-30`).expect(200)).body;
    before.history = (await get(`${programPath()}/history?limit=500`, as(['auditor'])).expect(200)).body;
    before.asOfOverview = (await get(`${programPath()}?asOf=${nowAsOf()}`).expect(200)).body;
    before.asOfPair = (await get(`${pairPath()}?asOf=${nowAsOf()}`).expect(200)).body;
    await api.app.get(KeyVault).destroyKeysOf(ORG, program.mentee.personId);
    last = serializePosition(await program.appendErasure(api.store));
  });
  afterAll(async () => {
    await projector?.close();
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('before the erasure, views open every personal field, while the read models hold only ciphertext', async () => {
    if (!api) return;
    const participants = before.participants as { items: Record<string, unknown>[] };
    expect(participants.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ participantId: program.mentee.participantId, personId: program.mentee.personId, displayName: program.mentee.displayName, email: program.mentee.email, erased: false }),
        expect.objectContaining({ participantId: program.mentor.participantId, personId: program.mentor.personId, displayName: program.mentor.displayName, erased: false }),
      ]),
    );
    const [insight, , action, title, criteria, comment] = program.pairTexts;
    expect(before.pair).toMatchObject({
      mentor: { participantId: program.mentor.participantId, personId: program.mentor.personId, displayName: program.mentor.displayName, erased: false },
      mentee: { displayName: program.mentee.displayName, erased: false },
      objectives: [{ title, successCriteria: criteria }],
      recentSessions: [{ insights: insight, actionItems: [{ description: action, owner: 'mentee', dueOn: '2025-04-01' }] }],
      recentFeedback: [{ comment, rating: 4 }],
    });
    expect(before.asOfPair).toEqual(before.pair);
    expect(before.asOfOverview).toEqual(before.overview);
    const stored = await readModelsText();
    expect(stored).toContain('pd1:');
    for (const text of [...program.menteeTexts, ...program.pairTexts, program.mentor.displayName, program.mentor.email]) expect(stored).not.toContain(text);
  });

  it('shows the erased person as erased everywhere the live views show them, and keeps every figure', async () => {
    if (!api) return;
    const participants = (await get(`${programPath()}/participants`).expect(200)).body.items;
    expect(participants.find((p: { participantId: string }) => p.participantId === program.mentee.participantId)).toMatchObject({
      personId: program.mentee.personId,
      displayName: null,
      email: null,
      erased: true,
      activePairs: 1,
    });
    expect(participants.find((p: { participantId: string }) => p.participantId === program.mentor.participantId)).toMatchObject({
      displayName: program.mentor.displayName,
      email: program.mentor.email,
      erased: false,
    });
    const pair = (await get(pairPath()).expect(200)).body;
    expect(pair).toMatchObject({
      mentor: { displayName: program.mentor.displayName, erased: false },
      mentee: { participantId: program.mentee.participantId, displayName: null, erased: true },
      // The pair's shared text was under the pair's key, which the erasure destroyed too.
      objectives: [{ title: null, successCriteria: null, currentLevel: 6, status: 'achieved' }],
      recentSessions: [{ insights: null, actionItems: [{ description: null, owner: 'mentee', dueOn: '2025-04-01' }], durationMinutes: 45 }],
      recentFeedback: [{ comment: null, rating: 4 }],
    });
    const figuresOf = ({ mentor: _m, mentee: _e, objectives: _o, recentSessions: _s, recentFeedback: _f, ...rest }: Record<string, unknown>) => rest;
    expect(figuresOf(pair)).toEqual(figuresOf(before.pair as Record<string, unknown>));
    expect((await get(programPath()).expect(200)).body).toEqual(before.overview);
    expect((await get(`${programPath()}/kpis?from=2025-03-01&to=2025-04-30`).expect(200)).body).toEqual(before.kpis);
    const sessions = (await get(`${programPath()}/sessions`).expect(200)).body.items;
    expect(sessions).toEqual([expect.objectContaining({ sessionId: program.sessionId, durationMinutes: 45, insights: null })]);
    const listed = (await get(`${programPath()}/pairs`).expect(200)).body.items;
    expect(listed).toEqual([expect.objectContaining({ pairId: program.pairId, mentee: expect.objectContaining({ displayName: null, erased: true }), sessions: 1, minutes: 45 })]);
    const stored = await readModelsText();
    for (const text of [...program.menteeTexts, ...program.pairTexts]) expect(stored).not.toContain(text);
  });

  it('answers asOf=now field for field as the live views do, erased persons included', async () => {
    if (!api) return;
    for (const path of [programPath(), pairPath()]) {
      const live = (await get(path).expect(200)).body;
      const replayed = (await get(`${path}?asOf=${nowAsOf()}`).expect(200)).body;
      expect({ path, body: replayed }).toEqual({ path, body: live });
    }
  });

  it('finds a participant by person: /v1/me/pairs, pair detail and program visibility match the token sub against person ids', async () => {
    if (!api) return;
    const mentor = as(['participant'], program.mentor.personId);
    const mine = (await get('/v1/me/pairs', mentor).expect(200)).body.items;
    expect(mine.map((pair: { pairId: string }) => pair.pairId)).toEqual([program.pairId]);
    await get(programPath(), mentor).expect(200);
    await get(pairPath(), mentor).expect(200);
    await get(`${programPath()}?asOf=${nowAsOf()}`, mentor).expect(200);
    expect((await get(`${programPath()}/pairs`, mentor).expect(200)).body.items).toHaveLength(1);
    // The participant id is not the person: a token naming it sees nothing.
    const byParticipantId = as(['participant'], program.mentor.participantId);
    expect((await get('/v1/me/pairs', byParticipantId).expect(200)).body.items).toEqual([]);
    await get(programPath(), byParticipantId).expect(404);
    await get(pairPath(), byParticipantId).expect(404);
  });

  it('opens personal fields in history pages, null with erased: true where a key is gone; confidential fields stay sealed', async () => {
    if (!api) return;
    const beforeItems = (before.history as { items: { type: string; data: Record<string, unknown>; erased?: boolean }[] }).items;
    const enrolment = (items: typeof beforeItems, participantId: string) =>
      items.find((item) => item.type === 'ParticipantEnrolled' && item.data.participantId === participantId)!;
    expect(enrolment(beforeItems, program.mentee.participantId)).toMatchObject({ data: { displayName: program.mentee.displayName, email: program.mentee.email } });
    expect(enrolment(beforeItems, program.mentee.participantId).erased).toBeUndefined();

    const items = (await get(`${programPath()}/history?limit=500`, as(['auditor'])).expect(200)).body.items as typeof beforeItems;
    expect(enrolment(items, program.mentee.participantId)).toMatchObject({ erased: true, data: { displayName: null, email: null, role: 'mentee', department: 'Marketing' } });
    const mentor = enrolment(items, program.mentor.participantId);
    expect(mentor).toMatchObject({ data: { displayName: program.mentor.displayName, email: program.mentor.email } });
    expect(mentor.erased).toBeUndefined();
    const session = items.find((item) => item.type === 'SessionHeld')!;
    expect(session).toMatchObject({ erased: true, data: { insights: null, durationMinutes: 45, confidentialNotes: { sealed: expect.any(String) } } });
    const beforeSession = beforeItems.find((item) => item.type === 'SessionHeld')!;
    // The seal is over the stored value: the same before and after the erasure.
    expect(session.data.confidentialNotes).toEqual(beforeSession.data.confidentialNotes);
    expect(items.find((item) => item.type === 'ProgramCreated')!.erased).toBeUndefined();
    const text = JSON.stringify(items);
    for (const secret of [...program.menteeTexts, ...program.pairTexts]) expect(text).not.toContain(secret);
  });

  it('exports the chain’s form (ciphertext, seals) with erased lines marked, verifies offline, and holds no plaintext', async () => {
    if (!api) return;
    const lines = await exportLines();
    const text = lines.join('\n');
    for (const secret of [...program.menteeTexts, ...program.pairTexts, program.mentor.displayName, program.mentor.email]) expect(text).not.toContain(secret);
    const events = lines.slice(0, -1).map((line) => JSON.parse(line));
    const erasedTypes = events.filter((event) => event.erased === true).map((event) => event.type).sort();
    expect(erasedTypes).toEqual(['FeedbackGiven', 'ObjectiveSet', 'ParticipantEnrolled', 'SessionHeld']);
    expect(events.find((event) => event.type === 'ParticipantEnrolled' && event.data.participantId === program.mentor.participantId).erased).toBeUndefined();
    expect(await verifyExport(async function* () {
      yield* lines;
    })).toMatchObject({ verified: true, events: events.length, unchainedEvents: 0 });

    const file = join(dir, 'route.ndjson');
    writeFileSync(file, text + '\n');
    const verified = await runAuditCli(['verify', file, '--json']);
    expect(verified.code).toBe(0);
    // A line whose erased flag is anything but true is malformed.
    const forged = [...lines];
    forged[0] = JSON.stringify({ ...JSON.parse(forged[0]), erased: 'yes' });
    expect(await verifyExport(async function* () {
      yield* forged;
    })).toMatchObject({ verified: false, failure: { reason: 'malformed-line' } });
  });

  it('exports the same from the command line, without the master key: erased lines from data_keys.destroyed_at', async () => {
    if (!api) return;
    const out = join(dir, 'cli.ndjson');
    const env = { DATABASE_URL: api.config.databaseUrl, EVENT_STORE: api.config.eventStore, EVENTSTORE_URL: api.config.eventStoreUrl ?? '', FLIPSIDE_MASTER_KEY: '' };
    expect(await runAuditCli(['export', '--program', program.programId, '--out', out], env)).toMatchObject({ code: 0 });
    const withoutTime = (line: string) => {
      const { exportedAt: _exportedAt, ...rest } = JSON.parse(line);
      return rest;
    };
    const fromCli = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(fromCli.map(withoutTime)).toEqual((await exportLines()).map(withoutTime));
    expect((await runAuditCli(['verify', out])).code).toBe(0);
  });

  it('through the API end to end: after POST /v1/people/{personId}/erasure nothing of the person is readable in views, history, export or any table', async () => {
    if (!api) return;
    const admin = as(['admin']);
    const pair = await runningPair(api, api.token({ roles: ['admin'], sub: 'erasure-admin', org: ORG }));
    const base = `/v1/programs/${pair.programId}/pairs/${pair.pairId}`;
    const insight = `INSIGHT-END-TO-END-${pair.pairId}`;
    await api.http().post(`${base}/objectives`).set(admin).send(examples.objective()).expect(201);
    const session = await api.http().post(`${base}/sessions`).set(admin).send(examples.session({ insights: insight })).expect(201);
    last = session.body.position;
    const participantsPath = `/v1/programs/${pair.programId}/participants`;
    const menteeBefore = (await get(participantsPath).expect(200)).body.items.find((p: { participantId: string }) => p.participantId === pair.menteeId);
    expect(menteeBefore).toMatchObject({ personId: pair.menteePersonId, displayName: 'Jack Miller', erased: false });
    const secrets = ['Jack Miller', menteeBefore.email as string, insight];

    await api.http().post(`/v1/people/${pair.menteePersonId}/erasure`).set(admin).send({}).expect(200);
    const deadline = Date.now() + 15_000;
    let mentee: Record<string, unknown> | undefined;
    do {
      mentee = (await get(participantsPath).expect(200)).body.items.find((p: { participantId: string }) => p.participantId === pair.menteeId);
      if (mentee?.erased === true && mentee.displayName === null) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } while (Date.now() < deadline);
    expect(mentee).toMatchObject({ personId: pair.menteePersonId, displayName: null, email: null, erased: true });
    const detail = (await get(`/v1/programs/${pair.programId}/pairs/${pair.pairId}`).expect(200)).body;
    expect(detail).toMatchObject({ mentee: { displayName: null, erased: true }, mentor: { displayName: 'Kavya Rao', erased: false }, sessions: 1, minutes: 45 });
    expect(detail.recentSessions[0]).toMatchObject({ insights: null, durationMinutes: 45 });
    const history = (await get(`/v1/programs/${pair.programId}/history?limit=500`, as(['auditor'])).expect(200)).body.items;
    expect(history.find((item: { type: string; data: { participantId?: string } }) => item.type === 'ParticipantEnrolled' && item.data.participantId === pair.menteeId))
      .toMatchObject({ erased: true, data: { displayName: null, email: null } });
    expect(history.some((item: { type: string }) => item.type === 'PersonErased')).toBe(true);
    const lines = (await api.http().get(`/v1/programs/${pair.programId}/history`).set(as(['auditor'])).set('Accept', 'application/x-ndjson').expect(200)).text.trimEnd().split('\n');
    expect(await verifyExport(async function* () {
      yield* lines;
    })).toMatchObject({ verified: true, unchainedEvents: 0 });

    const pool = new Pool({ connectionString: api.config.databaseUrl, max: 1 });
    try {
      for (const [table, text] of await everyTableAsText(pool)) {
        for (const secret of secrets) expect({ table, found: text.includes(secret) }).toEqual({ table, found: false });
      }
    } finally {
      await pool.end();
    }
    for (const answer of [JSON.stringify(history), lines.join('\n'), JSON.stringify(detail)]) for (const secret of secrets) expect(answer).not.toContain(secret);
  });
});
