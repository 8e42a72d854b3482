import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { EVENT_STORE, EventStore, RecordedEvent } from '@flipside/event-store';
import { createApp } from '../src/app.factory';
import { ApiHarness, examples, runningPair, startApi, testEventStore } from './support/api-harness';

// Hundreds of requests at once: no overload queue and no rate limit in the way of the race.
const UNBOUNDED = {
  API_MAX_CONCURRENT_REQUESTS: '0',
  RATE_LIMIT_PER_MINUTE: '0',
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0',
};

/** Counts the store's stream reads while `work` runs (the write path's store is the app's EVENT_STORE). */
async function streamReadsDuring(store: EventStore, work: () => Promise<unknown>): Promise<string[]> {
  const reads: string[] = [];
  const readStream = store.readStream.bind(store);
  const spy = jest.spyOn(store, 'readStream').mockImplementation((streamName, options) => {
    reads.push(streamName);
    return readStream(streamName, options);
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return reads;
}

describe(`A pair ends cleanly (${testEventStore})`, () => {
  let api: ApiHarness | undefined;
  let other: INestApplication | undefined;
  beforeAll(async () => {
    api = await startApi(UNBOUNDED);
    // A second API process on the same store: its own held states and queues, so only the store orders the two.
    if (api) other = await createApp(api.config, { logger: false });
  });
  afterAll(async () => {
    await other?.close();
    await api?.close();
  });

  describe('one read at most for a pair command', () => {
    it('reads no stream when this process holds the pair and its program, one when another process moved the pair on', async () => {
      if (!api || !other) return;
      const auth = { Authorization: `Bearer ${api.token()}` };
      const { programId, pairId } = await runningPair(api);
      const sessions = `/v1/programs/${programId}/pairs/${pairId}/sessions`;
      await api.http().post(sessions).set(auth).send(examples.session()).expect(201);

      const otherStore = other.get<EventStore>(EVENT_STORE);
      const viaOther = () => request(other!.getHttpServer());

      // This process holds the pair (its last append) and the program (read for the first pair command).
      const warm = await streamReadsDuring(api.store, () => api!.http().post(sessions).set(auth).send(examples.session()).expect(201));
      expect(warm).toEqual([]);

      // A process that never saw the program reads each stream once.
      const cold = await streamReadsDuring(otherStore, () =>
        viaOther().post(`/v1/programs/${programId}/pairs/${pairId}/objectives`).set(auth).send(examples.objective()).expect(201),
      );
      expect([...cold].sort()).toEqual([`pair-${pairId}`, `program-${programId}`]);

      // The other process moved the pair on: the held pair state is refused by the append, read once; the program is not read.
      const behind = await streamReadsDuring(api.store, () => api!.http().post(sessions).set(auth).send(examples.session()).expect(201));
      expect(behind).toEqual([`pair-${pairId}`]);
      const warmAgain = await streamReadsDuring(api.store, () => api!.http().post(sessions).set(auth).send(examples.session()).expect(201));
      expect(warmAgain).toEqual([]);
      console.log(`stream reads of a pair command on ${testEventStore}`, {
        warm: warm.length,
        cold: cold.length,
        pairMovedOnByAnotherProcess: behind.length,
        warmAgain: warmAgain.length,
      });
    });

    it('decides a refusal made on a held program again on a fresh one: a pair ended through another process answers pair-ended', async () => {
      if (!api || !other) return;
      const auth = { Authorization: `Bearer ${api.token()}` };
      const { programId, pairId } = await runningPair(api);
      const sessions = `/v1/programs/${programId}/pairs/${pairId}/sessions`;
      await api.http().post(sessions).set(auth).send(examples.session()).expect(201);
      await request(other.getHttpServer()).post(`/v1/programs/${programId}/pairs/${pairId}/end`).set(auth).send({ reason: 'completed' }).expect(200);

      const refused = await api.http().post(sessions).set(auth).send(examples.session());
      expect(refused.status).toBe(409);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ rule: 'pair-ended' });
      expect((await api.store.readStream(`pair-${pairId}`)).map((event) => event.type)).toEqual(['SessionHeld', 'PairClosed']);
    });
  });

  it('hundreds of pair commands racing an end, a withdrawal and a close: nothing of a pair follows its end in the log', async () => {
    if (!api || !other) return;
    const auth = { Authorization: `Bearer ${api.token()}` };
    const processes = [() => api!.http(), () => request(other!.getHttpServer())];


    // Program A: pair 1 is ended, pair 2's mentee withdraws. Program B: closed with its three pairs.
    const a = await programWithPairs(api, 2);
    const b = await programWithPairs(api, 3);
    const pairs = [...a.pairs, ...b.pairs];
    // Sessions to give feedback on during the race (each member once per session).
    const heldBefore = new Map<string, string[]>();
    for (const pair of pairs) {
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const held = await api.http().post(`/v1/programs/${pair.programId}/pairs/${pair.pairId}/sessions`).set(auth).send(examples.session()).expect(201);
        ids.push(held.body.id);
      }
      heldBefore.set(pair.pairId, ids);
    }

    type Racer = { pairId: string; kind: string; send: () => request.Test };
    const racers: Racer[] = [];
    pairs.forEach((pair, pairIndex) => {
      const base = `/v1/programs/${pair.programId}/pairs/${pair.pairId}`;
      const via = (i: number) => processes[(i + pairIndex) % 2]();
      const mine: Racer[] = [];
      for (let i = 0; i < 40; i++) {
        mine.push({ pairId: pair.pairId, kind: 'LogSession', send: () => via(i).post(`${base}/sessions`).set(auth).send(examples.session()) });
      }
      for (let i = 0; i < 4; i++) {
        mine.push({ pairId: pair.pairId, kind: 'SetObjective', send: () => via(i).post(`${base}/objectives`).set(auth).send(examples.objective()) });
      }
      heldBefore.get(pair.pairId)!.forEach((sessionId, i) => {
        for (const [fromRole, givenBy] of [['mentor', pair.mentorId], ['mentee', pair.menteeId]] as const) {
          mine.push({
            pairId: pair.pairId,
            kind: 'GiveFeedback',
            send: () => via(i).post(`${base}/feedback`).set(auth).send({ sessionId, fromRole, givenBy, rating: 4, fit: 'good' }),
          });
        }
      });
      racers.push(...mine);
    });
    shuffle(racers);

    const enders = [
      () => api!.http().post(`/v1/programs/${a.programId}/pairs/${a.pairs[0].pairId}/end`).set(auth).send({ reason: 'not-a-fit', note: 'race' }),
      () => request(other!.getHttpServer()).post(`/v1/programs/${a.programId}/participants/${a.pairs[1].menteeId}/withdraw`).set(auth).send({ reason: 'race' }),
      () => api!.http().post(`/v1/programs/${b.programId}/close`).set(auth).send({ outcome: 'Closed during the race' }),
    ];
    // The ends go out a third of the way into the race, while pair commands are in flight on both processes.
    const third = Math.floor(racers.length / 3);
    const start = (test: request.Test) => new Promise<request.Response>((resolve, reject) => test.then(resolve, reject));
    const early = racers.slice(0, third).map((racer) => start(racer.send()));
    const ending = enders.map((end) => start(end()));
    const late = racers.slice(third).map((racer) => start(racer.send()));
    const [answers, ends] = await Promise.all([Promise.all([...early, ...late]), Promise.all(ending)]);
    expect(ends.map((response) => response.status)).toEqual([200, 200, 200]);

    const outcomes = new Map<string, number>();
    answers.forEach((answer, i) => {
      const outcome = answer.status === 201 ? '201' : `${answer.status} ${answer.body?.rule ?? answer.body?.type}`;
      const key = `${racers[i].kind} ${outcome}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    });
    const unexpected = answers
      .map((answer, i) => ({ kind: racers[i].kind, status: answer.status, rule: answer.body?.rule, detail: answer.body?.detail }))
      .filter(({ status, rule }) => !(status === 201 || (status === 409 && (rule === 'pair-ended' || rule === 'program-closed'))));
    expect(unexpected).toEqual([]);
    // The figures of the run, for the record (e.g. "LogSession 201": 143).
    console.log(`pair-ends-cleanly on ${testEventStore}: ${racers.length} racing requests`, Object.fromEntries([...outcomes].sort()));

    const log = await api.allEvents();
    for (const pair of pairs) {
      const pairStream = `pair-${pair.pairId}`;
      const ended = indexOf(log, (event) => event.streamName === `program-${pair.programId}` && event.type === 'PairEnded' && event.data.pairId === pair.pairId);
      const closed = indexOf(log, (event) => event.streamName === pairStream && event.type === 'PairClosed');
      const recordedAfter = (index: number) =>
        log.filter((event, at) => at > index && event.streamName === pairStream && event.type !== 'PairClosed').length;
      expect({ pair: pair.pairId, ended: ended >= 0, recordedAfterTheEnd: recordedAfter(ended) }).toEqual({ pair: pair.pairId, ended: true, recordedAfterTheEnd: 0 });
      expect({ pair: pair.pairId, closed: closed >= 0, closedBeforeEnded: closed < ended, recordedAfterTheFence: recordedAfter(closed) }).toEqual({
        pair: pair.pairId,
        closed: true,
        closedBeforeEnded: true,
        recordedAfterTheFence: 0,
      });
      expect(log.filter((event) => event.streamName === pairStream && event.type === 'PairClosed')).toHaveLength(1);
    }
    // Every 201 was recorded, every refusal was not: the pair streams hold the setup's sessions and the 201s.
    const accepted = answers.filter((answer) => answer.status === 201).length;
    const pairEvents = log.filter((event) => event.streamName.startsWith('pair-') && pairs.some((pair) => event.streamName === `pair-${pair.pairId}`));
    expect(pairEvents.filter((event) => event.type !== 'PairClosed')).toHaveLength(pairs.length * 6 + accepted);
  });
});

interface PairOfProgram {
  programId: string;
  pairId: string;
  mentorId: string;
  menteeId: string;
}

/** A launched program with `count` pairs, each of its own mentor and mentee. */
async function programWithPairs(api: ApiHarness, count: number): Promise<{ programId: string; pairs: PairOfProgram[] }> {
  const auth = { Authorization: `Bearer ${api.token()}` };
  const program = await api.http().post('/v1/programs').set(auth).send(examples.program()).expect(201);
  const programId = program.body.id as string;
  const enrolled = [];
  for (let i = 0; i < count; i++) {
    const mentor = await api.http().post(`/v1/programs/${programId}/participants`).set(auth).send(examples.mentor()).expect(201);
    const mentee = await api.http().post(`/v1/programs/${programId}/participants`).set(auth).send(examples.mentee()).expect(201);
    enrolled.push({ mentorId: mentor.body.id as string, menteeId: mentee.body.id as string });
  }
  await api.http().post(`/v1/programs/${programId}/launch`).set(auth).expect(200);
  const pairs: PairOfProgram[] = [];
  for (const { mentorId, menteeId } of enrolled) {
    const pair = await api.http().post(`/v1/programs/${programId}/pairs`).set(auth).send({ id: randomUUID(), mentorId, menteeId }).expect(201);
    pairs.push({ programId, pairId: pair.body.id as string, mentorId, menteeId });
  }
  return { programId, pairs };
}

function indexOf(log: readonly RecordedEvent[], match: (event: RecordedEvent) => boolean): number {
  return log.findIndex(match);
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}
