import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import request from 'supertest';
import { ChainedEvent, GENESIS_HASH, Seal, linkHash, loadSealKey, sealData, sealWith, verifyStream } from '@flipside/audit';
import { EventToAppend, RecordedEvent } from '@flipside/event-store';
import { DoubleLog, LoggedEvent } from '@flipside/event-store/testing/eventstoredb-double/double-log';
import { DataSource } from 'typeorm';
import { allProjections } from '@flipside/read-models';
import { rebuildReadModel } from '../../projector/src/read-models/rebuild-read-model';
import { createApp } from '../src/app.factory';
import { READ_MODELS } from '../src/read-your-writes/read-models.provider';
import { ApiHarness, examples, runningPair, startApi, testEventStore } from './support/api-harness';
import { catchUpReadModels } from './support/read-models';

const EVERY_EVENT_TYPE = [
  'ProgramCreated', 'ParticipantEnrolled', 'TrainingCompleted', 'ProgramLaunched', 'Paired', 'ObjectiveSet',
  'ObjectiveProgressRecorded', 'ObjectiveAchieved', 'ObjectiveDropped', 'SessionHeld', 'FeedbackGiven',
  'ParticipantWithdrawn', 'PairEnded', 'ProgramClosed', 'PairClosed',
];

/** The use cases that decide each event type (closing a program ends its running pairs; each end fences its pair first). */
const COMMANDS_OF: Record<string, string | string[]> = {
  ProgramCreated: 'CreateProgram', ParticipantEnrolled: 'EnrolParticipant', TrainingCompleted: 'RecordTraining',
  ProgramLaunched: 'LaunchProgram', Paired: 'PairParticipants', ObjectiveSet: 'SetObjective',
  ObjectiveProgressRecorded: 'RecordObjectiveProgress', ObjectiveAchieved: 'AchieveObjective', ObjectiveDropped: 'DropObjective',
  SessionHeld: 'LogSession', FeedbackGiven: 'GiveFeedback', ParticipantWithdrawn: 'WithdrawParticipant', PairEnded: ['EndPair', 'CloseProgram'],
  ProgramClosed: 'CloseProgram', PairClosed: ['EndPair', 'CloseProgram', 'WithdrawParticipant'],
};

const today = () => new Date().toISOString().slice(0, 10);

/** A stored stream as the verifier sees it: confidential fields sealed with the store's key. */
const chainOf = (events: readonly RecordedEvent[], seal: Seal): ChainedEvent[] =>
  events.map((event) => ({ ...event, data: sealData(event.type, event.id, event.data, seal) }));

interface BuiltProgram {
  programId: string;
  /** Ended at the end of the script. */
  endedPairId: string;
  /** Still running: commands on it keep working. */
  runningPairId: string;
  mentorIds: string[];
  menteeIds: string[];
  /** Position of the last command, as commands answer it. */
  position: string;
}

/** A program with every event type but ProgramClosed (unless `close`), recorded through the API. */
async function programWithEveryEvent(api: ApiHarness, token: string, { close = false } = {}): Promise<BuiltProgram> {
  const auth = { Authorization: `Bearer ${token}` };
  let position = '';
  const post = async (path: string, body: object = {}) => {
    const response = await api.http().post(`/v1/programs${path}`).set(auth).send(body);
    if (response.status !== 200 && response.status !== 201) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    position = response.body.position;
    return response.body.id as string;
  };
  const programId = await post('', examples.program());
  const p = `/${programId}`;
  const mentorIds = [await post(`${p}/participants`, examples.mentor()), await post(`${p}/participants`, examples.mentor())];
  const menteeIds = [
    await post(`${p}/participants`, examples.mentee()),
    await post(`${p}/participants`, examples.mentee()),
    await post(`${p}/participants`, examples.mentee()),
  ];
  await post(`${p}/participants/${mentorIds[0]}/trainings`, { module: 'Reverse mentoring 101', completedOn: today() });
  await post(`${p}/launch`);
  const endedPairId = await post(`${p}/pairs`, { mentorId: mentorIds[0], menteeId: menteeIds[0] });
  const runningPairId = await post(`${p}/pairs`, { mentorId: mentorIds[1], menteeId: menteeIds[1] });
  const pair = `${p}/pairs/${endedPairId}`;
  const achieved = await post(`${pair}/objectives`, examples.objective());
  await post(`${pair}/objectives/${achieved}/progress`, { level: 4 });
  await post(`${pair}/objectives/${achieved}/achieve`, { finalLevel: 7 });
  const dropped = await post(`${pair}/objectives`, examples.objective({ title: 'Record a short video' }));
  await post(`${pair}/objectives/${dropped}/drop`, { reason: 'Out of scope this quarter' });
  await post(`${pair}/sessions`, examples.session());
  await post(`${pair}/sessions`, examples.session({ durationMinutes: 60, topics: ['AI tools'] }));
  await post(`${pair}/feedback`, { fromRole: 'mentee', givenBy: menteeIds[0], rating: 5, fit: 'good', comment: 'Very useful' });
  await post(`${p}/pairs/${runningPairId}/sessions`, examples.session({ topics: ['Short video'] }));
  await post(`${p}/pairs/${runningPairId}/sessions`, examples.session({ topics: ['Newsletters'] }));
  await post(`${p}/participants/${menteeIds[2]}/withdraw`, { reason: 'Moved to another division' });
  await post(`${pair}/end`, { reason: 'completed' });
  if (close) await post(`${p}/close`, { outcome: 'Every executive posts monthly' });
  return { programId, endedPairId, runningPairId, mentorIds, menteeIds, position };
}

/** How a test changes stored events behind the API's back: directly in PostgreSQL, or in the double's log. */
interface Tampering {
  changeData(stream: string, revision: bigint, patch: Record<string, unknown>): Promise<void>;
  changeMetadata(stream: string, revision: bigint, patch: Record<string, unknown>): Promise<void>;
  remove(stream: string, revision: bigint): Promise<void>;
  /** Exchanges the stream revisions of two events: each keeps its content and its place in the log. */
  swap(stream: string, a: bigint, b: bigint): Promise<void>;
  /** Replaces data and metadata of events, revision by revision. */
  rewrite(stream: string, events: readonly { revision: bigint; data: object; metadata: object }[]): Promise<void>;
}

function tamperingInPostgres(pool: Pool): Tampering {
  const update = async (sql: string, params: unknown[]) => {
    const { rowCount } = await pool.query(sql, params);
    if (rowCount !== 1) throw new Error(`Tampering changed ${rowCount} rows: ${sql}`);
  };
  return {
    changeData: (stream, revision, patch) =>
      update('UPDATE event_store.events SET data = data || $3::jsonb WHERE stream_name = $1 AND stream_revision = $2', [stream, revision, patch]),
    changeMetadata: (stream, revision, patch) =>
      update('UPDATE event_store.events SET metadata = metadata || $3::jsonb WHERE stream_name = $1 AND stream_revision = $2', [
        stream,
        revision,
        patch,
      ]),
    remove: (stream, revision) => update('DELETE FROM event_store.events WHERE stream_name = $1 AND stream_revision = $2', [stream, revision]),
    async swap(stream, a, b) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const move = 'UPDATE event_store.events SET stream_revision = $3 WHERE stream_name = $1 AND stream_revision = $2';
        await client.query(move, [stream, a, -1]);
        await client.query(move, [stream, b, a]);
        await client.query(move, [stream, -1, b]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    },
    async rewrite(stream, events) {
      for (const event of events) {
        await update('UPDATE event_store.events SET data = $3, metadata = $4 WHERE stream_name = $1 AND stream_revision = $2', [
          stream,
          event.revision,
          event.data,
          event.metadata,
        ]);
      }
    },
  };
}

function tamperingInTheDouble(log: DoubleLog): Tampering {
  const json = (bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  const bytes = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
  const at = (revision: bigint) => (event: LoggedEvent) => event.revision === revision;
  const edit = (stream: string, revision: bigint, change: (event: LoggedEvent) => LoggedEvent) =>
    log.tamperForTest(stream, (events) => {
      if (!events.some(at(revision))) throw new Error(`${stream} has no revision ${revision}`);
      return events.map((event) => (event.revision === revision ? change(event) : event));
    });
  return {
    changeData: async (stream, revision, patch) => edit(stream, revision, (event) => ({ ...event, data: bytes({ ...json(event.data), ...patch }) })),
    changeMetadata: async (stream, revision, patch) =>
      edit(stream, revision, (event) => ({ ...event, customMetadata: bytes({ ...json(event.customMetadata), ...patch }) })),
    remove: async (stream, revision) => log.tamperForTest(stream, (events) => events.filter((event) => event.revision !== revision)),
    swap: async (stream, a, b) =>
      log.tamperForTest(stream, (events) =>
        events.map((event) => (event.revision === a ? { ...event, revision: b } : event.revision === b ? { ...event, revision: a } : event)),
      ),
    async rewrite(stream, rewritten) {
      for (const event of rewritten) {
        edit(stream, event.revision, (stored) => ({ ...stored, data: bytes(event.data), customMetadata: bytes(event.metadata) }));
      }
    },
  };
}

describe('Tamper evidence', () => {
  let api: ApiHarness | undefined;
  let pool: Pool;
  let seal: Seal;
  let auth: { Authorization: string };
  let organization: string;

  beforeAll(async () => {
    api = await startApi();
    if (!api) return;
    pool = new Pool({ connectionString: api.config.databaseUrl, max: 2 });
    seal = sealWith(await loadSealKey(pool));
    organization = `org-${randomUUID()}`;
    auth = { Authorization: `Bearer ${api.token({ org: organization })}` };
  });
  afterAll(async () => {
    await pool?.end();
    await api?.close();
  });

  const stored = (stream: string) => api!.store.readStream(stream);
  const integrity = (programId: string, headers = auth) => api!.http().get(`/v1/programs/${programId}/integrity`).set(headers);
  const revisionOf = async (stream: string, type: string, nth = 0) => (await stored(stream)).filter((event) => event.type === type)[nth].revision;

  describe('the write path chains every event it appends', () => {
    it('records the deciding use case and a hash that verifies, on every stream, for every event type', async () => {
      if (!api) return;
      const program = await programWithEveryEvent(api, api.token({ org: organization }), { close: true });
      const streams = [`program-${program.programId}`, `pair-${program.endedPairId}`, `pair-${program.runningPairId}`];
      const types = new Set<string>();
      for (const stream of streams) {
        const events = await stored(stream);
        for (const event of events) {
          types.add(event.type);
          expect([COMMANDS_OF[event.type]].flat()).toContain(event.metadata.command);
          expect(event.metadata.hash).toMatch(/^[0-9a-f]{64}$/);
        }
        expect(verifyStream(stream, chainOf(events, seal))).toEqual({
          stream,
          events: events.length,
          unchainedEvents: 0,
          head: events[events.length - 1].metadata.hash,
          headRevision: String(events.length - 1),
        });
      }
      expect([...types].sort()).toEqual([...EVERY_EVENT_TYPE].sort());
    });

    it('seals confidential notes in the chain: the hash covers their seal, so the stored text alone does not verify', async () => {
      if (!api) return;
      const { programId, pairId } = await runningPair(api, api.token({ org: organization }));
      const session = await api
        .http()
        .post(`/v1/programs/${programId}/pairs/${pairId}/sessions`)
        .set(auth)
        .send(examples.session())
        .expect(201);
      const [event] = await stored(`pair-${pairId}`);
      expect(session.body.revision).toBe('0');
      // Stored encrypted under the pair's key; the chain seals that stored form.
      expect(event.data.confidentialNotes).toMatch(/^pd1:/);
      expect(verifyStream(event.streamName, chainOf([event], seal)).failure).toBeUndefined();
      expect(verifyStream(event.streamName, [event]).failure).toMatchObject({ revision: '0', reason: 'hash-mismatch' });
    });

    it('keeps one valid chain when two API processes append to one stream at once', async () => {
      if (!api) return;
      const other: INestApplication = await createApp(api.config, { logger: false });
      try {
        const { programId, pairId } = await runningPair(api, api.token({ org: organization }));
        const path = `/v1/programs/${programId}/pairs/${pairId}/sessions`;
        const responses = await Promise.all(
          Array.from({ length: 16 }, (_, i) => (i % 2 ? api!.http() : request(other.getHttpServer())).post(path).set(auth).send(examples.session())),
        );
        expect(responses.map((response) => response.status)).toEqual(Array(16).fill(201));
        const events = await stored(`pair-${pairId}`);
        expect(events).toHaveLength(16);
        expect(verifyStream(`pair-${pairId}`, chainOf(events, seal))).toMatchObject({ events: 16, unchainedEvents: 0 });
        expect(verifyStream(`pair-${pairId}`, chainOf(events, seal)).failure).toBeUndefined();
      } finally {
        await other.close();
      }
    });

    it('continues a stream begun before hashing with a chain from genesis: the old events are an unchained prefix', async () => {
      if (!api) return;
      // The events of a program written before hashing existed: copied from a fresh one, without hash or command.
      const template = await api.http().post('/v1/programs').set(auth).send(examples.program()).expect(201);
      for (const participant of [examples.mentor(), examples.mentee()]) {
        await api.http().post(`/v1/programs/${template.body.id}/participants`).set(auth).send(participant).expect(201);
      }
      const programId = randomUUID();
      const old: EventToAppend[] = (await stored(`program-${template.body.id}`)).map((event) => {
        const { hash: _hash, command: _command, ...metadata } = event.metadata;
        const id = randomUUID();
        const participant = event.data.participantId ? { participantId: randomUUID() } : {};
        return { id, type: event.type, data: { ...event.data, ...participant, programId }, metadata: { ...metadata, eventId: id } };
      });
      await api.store.append(`program-${programId}`, old, 'no_stream');

      const launched = await api.http().post(`/v1/programs/${programId}/launch`).set(auth).expect(200);
      expect(launched.body.revision).toBe('3');
      const events = await stored(`program-${programId}`);
      const verified = verifyStream(`program-${programId}`, chainOf(events, seal));
      expect(verified).toEqual({
        stream: `program-${programId}`,
        events: 4,
        unchainedEvents: 3,
        head: events[3].metadata.hash,
        headRevision: '3',
      });
      expect(events[3].metadata.hash).toBe(
        linkHash({ ...events[3], previousHash: GENESIS_HASH, data: sealData(events[3].type, events[3].id, events[3].data, seal) }),
      );
      const answer = await integrity(programId).expect(200);
      expect(answer.body).toMatchObject({ verified: true, streams: 1, events: 4, unchainedEvents: 3 });
    });
  });

  describe('GET /v1/programs/{programId}/integrity', () => {
    it('verifies every stream of an untouched program: counts, heads, no failure, no anchor yet', async () => {
      if (!api) return;
      const program = await programWithEveryEvent(api, api.token({ org: organization }), { close: true });
      const streams = [`program-${program.programId}`, `pair-${program.endedPairId}`, `pair-${program.runningPairId}`];
      const heads: Record<string, string> = {};
      let events = 0;
      for (const stream of streams) {
        const stored = await api.store.readStream(stream);
        heads[stream] = String(stored[stored.length - 1].metadata.hash);
        events += stored.length;
      }
      const answer = await integrity(program.programId).expect(200);
      expect(answer.body).toEqual({ verified: true, streams: 3, events, unchainedEvents: 0, heads, anchor: null });
      expect(JSON.stringify(answer.body)).not.toContain('CONFIDENTIAL-MARKER');
      const auditor = await integrity(program.programId, { Authorization: `Bearer ${api.token({ org: organization, roles: ['auditor'] })}` });
      expect(auditor.status).toBe(200);
      expect(auditor.body).toEqual(answer.body);
    });

    it('is for auditors and admins of the program organization only', async () => {
      if (!api) return;
      const { programId } = await runningPair(api, api.token({ org: organization }));
      const as = (roles: ('admin' | 'auditor' | 'analyst' | 'participant')[], org = organization) => ({
        Authorization: `Bearer ${api!.token({ org, roles })}`,
      });
      expect((await integrity(programId, as(['analyst']))).status).toBe(403);
      expect((await integrity(programId, as(['participant']))).status).toBe(403);
      const elsewhere = await integrity(programId, as(['auditor'], `org-${randomUUID()}`));
      expect(elsewhere.status).toBe(404);
      expect(elsewhere.headers['content-type']).toMatch(/problem\+json/);
      expect((await integrity(randomUUID(), as(['auditor']))).status).toBe(404);
      const malformed = await integrity('not-a-uuid', as(['auditor']));
      expect(malformed.status).toBe(400);
      expect(malformed.headers['content-type']).toMatch(/problem\+json/);
      expect((await api.http().get(`/v1/programs/${programId}/integrity`)).status).toBe(401);
    });
  });

  describe(`tampering with stored events (${testEventStore === 'postgres' ? 'rows in PostgreSQL' : "the EventStoreDB double's log"})`, () => {
    let tamper: Tampering | undefined;
    const tampered: { programId: string; failure: unknown }[] = [];
    beforeAll(() => {
      if (!api) return;
      const log = api.eventStoreDouble?.log;
      tamper = testEventStore === 'postgres' ? tamperingInPostgres(pool) : log ? tamperingInTheDouble(log) : undefined;
      if (!tamper) console.warn('\n*** SKIPPING the tamper tests: a real EventStoreDB server (EVENTSTORE_URL) cannot be edited from here ***\n');
    });

    /** The first broken link is reported, and the rest of the system goes on: queries, projector, other streams. */
    async function expectReportedAndNothingElseBroken(program: BuiltProgram, failure: object) {
      const first = await integrity(program.programId).expect(200);
      expect(first.body).toMatchObject({ verified: false, failure });
      expect(Object.keys(first.body.failure).sort()).toEqual(['actual', 'expected', 'reason', 'revision', 'stream']);

      const running = `/v1/programs/${program.programId}/pairs/${program.runningPairId}`;
      await api!.http().post(`${running}/sessions`).set(auth).send(examples.session({ topics: ['After tampering'] })).expect(201);
      await api!.http().post(`/v1/programs/${program.programId}/participants`).set(auth).send(examples.mentee()).expect(201);
      const other = await runningPair(api!, api!.token({ org: organization }));
      await api!.http().post(`/v1/programs/${other.programId}/pairs/${other.pairId}/sessions`).set(auth).send(examples.session()).expect(201);

      await catchUpReadModels(api!);
      await api!.http().get(`/v1/programs/${program.programId}`).set(auth).expect(200);
      await api!.http().get(`/v1/programs/${program.programId}/pairs`).set(auth).expect(200);
      await api!.http().get(running).set(auth).expect(200);

      // Not repaired: new events link to the stored head, and the same first broken link is still reported.
      const again = await integrity(program.programId).expect(200);
      expect(again.body).toMatchObject({ verified: false, failure: first.body.failure });
      expect((await integrity(other.programId).expect(200)).body.verified).toBe(true);
      tampered.push({ programId: program.programId, failure: first.body.failure });
      return first.body;
    }

    it("finds a changed event's data", async () => {
      if (!api || !tamper) return;
      const program = await programWithEveryEvent(api, api.token({ org: organization }));
      const stream = `program-${program.programId}`;
      const revision = await revisionOf(stream, 'TrainingCompleted');
      const original = (await stored(stream))[Number(revision)];
      await tamper.changeData(stream, revision, { module: 'Advanced negotiation' });
      await expectReportedAndNothingElseBroken(program, {
        stream,
        revision: String(revision),
        reason: 'hash-mismatch',
        actual: original.metadata.hash,
      });
    });

    it('finds a deleted event', async () => {
      if (!api || !tamper) return;
      const program = await programWithEveryEvent(api, api.token({ org: organization }));
      const stream = `pair-${program.endedPairId}`;
      const revision = await revisionOf(stream, 'SessionHeld');
      await tamper.remove(stream, revision);
      await expectReportedAndNothingElseBroken(program, {
        stream,
        revision: String(revision + 1n),
        reason: 'revision-gap',
        expected: String(revision),
        actual: String(revision + 1n),
      });
    });

    it('finds two events swapped', async () => {
      if (!api || !tamper) return;
      const program = await programWithEveryEvent(api, api.token({ org: organization }));
      const stream = `pair-${program.endedPairId}`;
      const [first, second] = [await revisionOf(stream, 'SessionHeld', 0), await revisionOf(stream, 'SessionHeld', 1)];
      await tamper.swap(stream, first, second);
      expect((await stored(stream)).map((event) => event.revision)).toEqual((await stored(stream)).map((_, index) => BigInt(index)));
      await expectReportedAndNothingElseBroken(program, { stream, revision: String(first), reason: 'hash-mismatch' });
    });

    it("finds edited metadata, and a command on the tampered stream still appends, linking to the stored head", async () => {
      if (!api || !tamper) return;
      const program = await programWithEveryEvent(api, api.token({ org: organization }));
      const stream = `pair-${program.runningPairId}`;
      const before = await stored(stream);
      await tamper.changeMetadata(stream, 0n, { actor: { id: 'someone-else', roles: ['admin'] } });
      const body = await expectReportedAndNothingElseBroken(program, { stream, revision: '0', reason: 'hash-mismatch', actual: before[0].metadata.hash });
      const after = await stored(stream);
      expect(after).toHaveLength(before.length + 1);
      const appended = after[after.length - 1];
      expect(appended.metadata.hash).toBe(
        linkHash({ ...appended, previousHash: String(before[before.length - 1].metadata.hash), data: sealData(appended.type, appended.id, appended.data, seal) }),
      );
      expect(body.heads[stream]).toBeUndefined();
    });

    describe('a whole chain rewritten, found only through an anchor', () => {
      /** What an outside party saw: the stream's head now, anchored. */
      async function anchorHeadsOf(program: BuiltProgram, streams: string[]) {
        const { rows } = await pool.query<{ anchor_id: string; anchored_at: Date }>(
          `INSERT INTO audit.anchors (position, digest, streams, anchored_at) VALUES ($1, $2, $3, now()) RETURNING anchor_id, anchored_at`,
          [program.position, 'f'.repeat(64), streams.length],
        );
        for (const stream of streams) {
          const events = await stored(stream);
          const head = events[events.length - 1];
          await pool.query('INSERT INTO audit.anchor_heads (anchor_id, stream, revision, hash) VALUES ($1, $2, $3, $4)', [
            rows[0].anchor_id,
            stream,
            head.revision,
            head.metadata.hash,
          ]);
        }
        return { anchorId: Number(rows[0].anchor_id), position: program.position, anchoredAt: rows[0].anchored_at.toISOString() };
      }

      /** Rewrites a stream from its first event as a forger would: one event changed, every hash after it recomputed. */
      async function forgeChain(stream: string, forgerSeal: Seal, change: (event: RecordedEvent) => RecordedEvent) {
        const events = await stored(stream);
        let previousHash = GENESIS_HASH;
        const forged = events.map((event, index) => {
          const changed = index === 1 ? change(event) : event;
          const { hash: _hash, ...metadata } = changed.metadata;
          const hash = linkHash({ ...changed, previousHash, data: sealData(changed.type, changed.id, changed.data, forgerSeal), metadata });
          previousHash = hash;
          return { revision: changed.revision, data: changed.data, metadata: { ...metadata, hash } };
        });
        await tamper!.rewrite(stream, forged);
        return forged;
      }

      it('a consistent forged program stream verifies as a chain, but not against the anchored head', async () => {
        if (!api || !tamper) return;
        const program = await programWithEveryEvent(api, api.token({ org: organization }));
        const stream = `program-${program.programId}`;
        const anchor = await anchorHeadsOf(program, [stream, `pair-${program.endedPairId}`, `pair-${program.runningPairId}`]);
        const headBefore = (await stored(stream)).at(-1)!;
        const forged = await forgeChain(stream, sealWith(Buffer.alloc(32, 1)), (event) => ({ ...event, data: { ...event.data, displayName: 'Someone Else' } }));
        expect(verifyStream(stream, chainOf(await stored(stream), seal)).failure).toBeUndefined();
        const body = await expectReportedAndNothingElseBroken(program, {
          stream,
          revision: String(headBefore.revision),
          reason: 'anchor-mismatch',
          expected: headBefore.metadata.hash,
          actual: forged.at(-1)!.metadata.hash,
        });
        expect(body.anchor).toEqual(anchor);
      });

      it('a forged pair stream fails at its first sealed field: the forger does not hold the seal key', async () => {
        if (!api || !tamper) return;
        const program = await programWithEveryEvent(api, api.token({ org: organization }));
        const stream = `pair-${program.endedPairId}`;
        await forgeChain(stream, sealWith(Buffer.alloc(32, 1)), (event) => ({ ...event, data: { ...event.data, title: 'Forged objective' } }));
        await expectReportedAndNothingElseBroken(program, { stream, revision: String(await revisionOf(stream, 'SessionHeld')), reason: 'hash-mismatch' });
      });

      it('a stream cut short after its head was anchored: the missing event is found, and a new one in its place too', async () => {
        if (!api || !tamper) return;
        const program = await programWithEveryEvent(api, api.token({ org: organization }));
        const stream = `pair-${program.runningPairId}`;
        await anchorHeadsOf(program, [stream]);
        const head = (await stored(stream)).at(-1)!;
        await tamper.remove(stream, head.revision);
        // The chain alone cannot tell: what is left is a valid chain.
        expect(verifyStream(stream, chainOf(await stored(stream), seal)).failure).toBeUndefined();
        const cut = await integrity(program.programId).expect(200);
        expect(cut.body).toMatchObject({
          verified: false,
          failure: { stream, revision: String(head.revision), reason: 'missing-anchored-event', expected: head.metadata.hash, actual: 'none' },
        });

        // The write path appends where the store now ends, so the anchored revision holds another hash.
        await api.http().post(`/v1/programs/${program.programId}/pairs/${program.runningPairId}/sessions`).set(auth).send(examples.session()).expect(201);
        const replaced = (await stored(stream)).find((event) => event.revision === head.revision)!;
        await expectReportedAndNothingElseBroken(program, {
          stream,
          revision: String(head.revision),
          reason: 'anchor-mismatch',
          expected: head.metadata.hash,
          actual: replaced.metadata.hash,
        });
      });
    });

    it('rebuilding every projection from the tampered log works, and repairs nothing in the store', async () => {
      if (!api || !tamper || tampered.length === 0) return;
      const dataSource = api.app.get<DataSource>(READ_MODELS);
      for (const projection of allProjections()) {
        await rebuildReadModel(projection, { store: api.store, dataSource, databaseUrl: api.config.databaseUrl });
      }
      for (const { programId, failure } of tampered) {
        await api.http().get(`/v1/programs/${programId}`).set(auth).expect(200);
        expect((await integrity(programId).expect(200)).body).toMatchObject({ verified: false, failure });
      }
    });
  });
});
