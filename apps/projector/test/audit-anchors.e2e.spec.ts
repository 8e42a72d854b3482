import { serializePosition } from '@flipside/event-store';
import { AnchorSettings } from '../src/audit-anchors/anchor-settings';
import { anchorProblems, anchorSettings, AuditTables, rowOf, RunningAnchors, startAnchoring } from './support/anchoring';
import { ChainedAppender, headsAsOf } from './support/chained-events';
import { IntegrationContract } from './support/integration-contract';
import { requireKafka, testKafka, TopicReader, uniqueTopic } from './support/kafka-topic';
import { programLife } from './support/mentorship-events';
import { eventually, startTestStore, TestStore } from './support/publishing-harness';

jest.setTimeout(90_000);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('audit anchors: stream heads anchored with the checkpoint, kept in PostgreSQL, published on Kafka', () => {
  const brokers = requireKafka();
  let store: TestStore | undefined;
  let tables: AuditTables;
  let appender: ChainedAppender;
  const running: RunningAnchors[] = [];

  const start = async (overrides: Partial<AnchorSettings> = {}) => {
    const anchors = await startAnchoring(anchorSettings(store!, overrides));
    running.push(anchors);
    return anchors;
  };
  const lastPosition = async () => {
    const events = await store!.allEvents();
    return serializePosition(events[events.length - 1].position);
  };
  /** Waits until the processor has read up to the last stored event (and, when asked, anchored it). */
  const caughtUp = async (options: { anchored: boolean }) => {
    const last = await lastPosition();
    await eventually(
      async () => (await tables.checkpoint()) === last && (!options.anchored || (await tables.anchors()).at(-1)?.position === last),
      30_000,
      `the anchor processor reaches ${last}`,
    );
  };

  beforeEach(async () => {
    store = await startTestStore('flipside_anchors');
    if (!store) return;
    tables = await AuditTables.open(store.databaseUrl);
    appender = new ChainedAppender(store.store);
  });
  afterEach(async () => {
    for (const anchors of running.splice(0)) await anchors.close();
    await tables?.close();
    await store?.close();
  });

  it('anchors the heads after events: digest over every head as of its position, recomputed from the store', async () => {
    if (!store) return;
    // Written before hashing existed: one stream entirely, another as an unchained prefix before its chain.
    await appender.append('program-legacy', [{ type: 'ProgramLaunched', data: { programId: 'legacy', launchedOn: '2024-01-01' } }], { unchained: true });
    await appender.append('program-old', [{ type: 'ProgramLaunched', data: { programId: 'old', launchedOn: '2024-01-01' } }], { unchained: true });
    await appender.append('program-old', [{ type: 'ProgramClosed', data: { programId: 'old', closedOn: '2024-06-01' } }]);
    for (let life = 0; life < 2; life++) await appender.appendLife(programLife({ pairs: 2, sessionsPerPair: 3 }).streams);
    await start();
    await caughtUp({ anchored: true });

    expect(await appender.verifyAll()).toEqual([]);
    const events = await store.allEvents();
    const anchors = await tables.anchors();
    expect(anchors.length).toBeGreaterThan(0);
    expect(anchorProblems(events, anchors)).toEqual([]);
    const heads = headsAsOf(events);
    // 2 programs with 2 pairs each, and the old program's chain; the legacy stream has no head.
    expect(heads.size).toBe(7);
    expect(heads.has('program-legacy')).toBe(false);
    expect(heads.get('program-old')?.revision).toBe('1');
    expect(anchors.at(-1)?.streams).toBe(7);
    const stored = await tables.streamHeads();
    expect([...stored.values()].map(({ stream, revision, hash }) => ({ stream, revision, hash })).sort((a, b) => a.stream.localeCompare(b.stream))).toEqual(
      [...heads.values()].sort((a, b) => a.stream.localeCompare(b.stream)),
    );
    // Each head remembers where in the log it was seen.
    for (const event of events.filter((e) => e.metadata.hash !== undefined && heads.get(e.streamName)?.hash === e.metadata.hash)) {
      expect(stored.get(event.streamName)?.position).toBe(serializePosition(event.position));
    }
  });

  it('writes no anchor while nothing changed, nor for events without a hash; the next one lists only what changed', async () => {
    if (!store) return;
    const life = programLife({ pairs: 2, sessionsPerPair: 2 });
    await appender.appendLife(life.streams);
    await start();
    await caughtUp({ anchored: true });
    const before = await tables.anchors();

    await pause(2000); // four intervals
    expect(await tables.anchors()).toEqual(before);

    await appender.append('program-legacy', [{ type: 'ProgramLaunched', data: { programId: 'legacy', launchedOn: '2024-01-01' } }], { unchained: true });
    await caughtUp({ anchored: false });
    await pause(1500);
    expect(await tables.anchors()).toEqual(before);

    const stream = `program-${life.programId}`;
    await appender.append(stream, [{ type: 'ProgramClosed', data: { programId: life.programId, closedOn: '2025-09-01' } }]);
    await caughtUp({ anchored: true });
    const after = await tables.anchors();
    expect(after).toHaveLength(before.length + 1);
    const latest = after.at(-1)!;
    expect(latest.heads.map((head) => head.stream)).toEqual([stream]);
    expect(latest.streams).toBe(before.at(-1)!.streams);
    expect(anchorProblems(await store.allEvents(), after)).toEqual([]);
  });

  it('anchors at most every AUDIT_ANCHOR_EVERY_SECONDS however often heads change, and catches the last change up', async () => {
    if (!store) return;
    await start({ everySeconds: 1.5 });
    const life = programLife({ pairs: 1, sessionsPerPair: 1 });
    await appender.appendLife(life.streams);
    const until = Date.now() + 5000;
    for (let day = 1; Date.now() < until; day++) {
      await appender.append(`program-${life.programId}`, [{ type: 'ProgramLaunched', data: { programId: life.programId, launchedOn: `2025-01-${String(1 + (day % 28)).padStart(2, '0')}` } }]);
      await pause(100);
    }
    await caughtUp({ anchored: true });
    const anchors = await tables.anchors();
    expect(anchors.length).toBeGreaterThanOrEqual(3);
    const gaps = anchors.slice(1).map((anchor, index) => Date.parse(anchor.anchoredAt) - Date.parse(anchors[index].anchoredAt));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1500);
    expect(anchorProblems(await store.allEvents(), anchors)).toEqual([]);
  });

  it('splits a large change set over several anchors, each small enough for one Kafka record', async () => {
    if (!store) return;
    for (let n = 0; n < 20; n++) {
      await appender.append(`program-wide-${n}`, [{ type: 'ProgramLaunched', data: { programId: `wide-${n}`, launchedOn: '2025-01-01' } }]);
    }
    await start({ everySeconds: 3600, maxHeadsPerAnchor: 5, batchSize: 2 });
    await caughtUp({ anchored: false });
    await eventually(async () => (await tables.anchors()).reduce((sum, anchor) => sum + anchor.heads.length, 0) >= 16, 10_000, 'the full anchors are written');
    const anchors = await tables.anchors();
    expect(anchors.length).toBeGreaterThanOrEqual(4);
    // Due once 5 heads changed; a batch of 2 can carry it one past.
    for (const anchor of anchors) expect(anchor.heads.length).toBeLessThanOrEqual(6);
    expect(anchorProblems(await store.allEvents(), anchors)).toEqual([]);
  });

  it('shows the processor and its last anchor on /health and /metrics', async () => {
    if (!store) return;
    await appender.appendLife(programLife({ pairs: 1, sessionsPerPair: 2 }).streams);
    const anchors = await start();
    await caughtUp({ anchored: true });
    const latest = (await tables.anchors()).at(-1)!;
    await eventually(() => anchors.status().lastAnchor?.anchorId === latest.anchorId, 5000, 'the status knows the last anchor');
    const health = await anchors.health();
    expect(health.status).toBe(200);
    expect(health.body.auditAnchors).toMatchObject({
      state: 'anchoring',
      everySeconds: 0.5,
      publishing: false,
      leaseHeld: true,
      checkpoint: latest.position,
      lastAnchor: { anchorId: latest.anchorId, position: latest.position, digest: latest.digest, streams: latest.streams, publishedAt: null },
    });
    const metrics = await anchors.metrics();
    const [commit, prepare] = latest.position.split('/');
    expect(metrics).toContain(`flipside_audit_last_anchor_id ${latest.anchorId}\n`);
    expect(metrics).toContain(`flipside_audit_last_anchor_position{part="commit"} ${commit}\n`);
    expect(metrics).toContain(`flipside_audit_last_anchor_position{part="prepare"} ${prepare}\n`);
    expect(metrics).toContain(`flipside_audit_last_anchor_streams ${latest.streams}\n`);
    expect(metrics).toMatch(/^flipside_audit_anchors_written_total [1-9]\d*$/m);
    expect(metrics).toContain('flipside_audit_anchors_published_total 0\n');
    expect(metrics).toContain(`flipside_audit_unpublished_anchors ${latest.anchorId}\n`);
  });

  it('publishes each anchor as a CloudEvent once written: the record matches its row and keeps docs/asyncapi.yaml', async () => {
    if (!store || !brokers) return;
    const topic = uniqueTopic('anchors');
    const anchors = await start({ brokers, topic });
    await appender.appendLife(programLife({ pairs: 2, sessionsPerPair: 2 }).streams);
    await caughtUp({ anchored: true });
    await pause(700);
    await appender.appendLife(programLife({ pairs: 1, sessionsPerPair: 2 }).streams);
    await caughtUp({ anchored: true });
    await eventually(async () => (await tables.anchors()).every((anchor) => anchor.publishedAt !== null), 30_000, 'every anchor is marked published');
    const rows = await tables.anchors();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(anchors.status()).toMatchObject({ publishing: true, connected: true, unpublishedAnchors: 0, anchorsPublished: rows.length });

    const reader = new TopicReader(testKafka(brokers), topic);
    try {
      await reader.start();
      await reader.waitFor((records) => records.length >= rows.length, 30_000, () => `${reader.records.length} of ${rows.length} anchors`);
      const records = reader.records;
      (await IntegrationContract.load()).assertKeptBy(records);
      expect(records.map(rowOf)).toEqual(rows.map(({ publishedAt: _publishedAt, ...row }) => row));
      for (const record of records) {
        const row = rowOf(record);
        expect(record.headers).toMatchObject({ ce_id: String(row.anchorId), ce_time: row.anchoredAt, ce_flipsideposition: row.position, ce_subject: `anchors/${row.anchorId}` });
      }
      expect(new Set(records.map((record) => record.partition))).toEqual(new Set([0]));
    } finally {
      await reader.stop();
    }
  });

  it('keeps anchors while Kafka is off and publishes them, oldest first, once it is on', async () => {
    if (!store || !brokers) return;
    const off = await start();
    for (let round = 0; round < 3; round++) {
      await appender.appendLife(programLife({ pairs: 1, sessionsPerPair: 1 }).streams);
      await caughtUp({ anchored: true });
      await pause(600);
    }
    const unpublished = await tables.anchors();
    expect(unpublished.length).toBeGreaterThanOrEqual(3);
    expect(unpublished.every((anchor) => anchor.publishedAt === null)).toBe(true);
    expect(off.status()).toMatchObject({ publishing: false, unpublishedAnchors: unpublished.length });
    await off.close();

    const topic = uniqueTopic('anchors-outbox');
    await start({ brokers, topic });
    await eventually(async () => (await tables.anchors()).every((anchor) => anchor.publishedAt !== null), 30_000, 'the waiting anchors are published');
    const published = await tables.anchors();
    expect(published.map(({ publishedAt: _publishedAt, ...anchor }) => anchor)).toEqual(unpublished.map(({ publishedAt: _publishedAt, ...anchor }) => anchor));
    const reader = new TopicReader(testKafka(brokers), topic);
    try {
      await reader.start();
      await reader.waitFor((records) => records.length >= unpublished.length, 30_000, () => `${reader.records.length} of ${unpublished.length} anchors`);
      expect(reader.records.map((record) => rowOf(record).anchorId)).toEqual(unpublished.map((anchor) => anchor.anchorId));
    } finally {
      await reader.stop();
    }
  });
});
