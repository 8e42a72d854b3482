import { join } from 'node:path';
import { Client } from 'pg';
import { comparePositions, parsePosition, serializePosition } from '@flipside/event-store';
import { anchorProblems, AuditTables, rowOf } from './support/anchoring';
import { ChainedAppender, headsAsOf } from './support/chained-events';
import { IntegrationContract } from './support/integration-contract';
import { requireKafka, testKafka, TopicReader, uniqueTopic } from './support/kafka-topic';
import { programLife } from './support/mentorship-events';
import { ProjectorProcess } from './support/projector-process';
import { eventually, startTestStore, TestStore } from './support/publishing-harness';

jest.setTimeout(300_000);

const ANCHORS_ONLY = join(__dirname, 'support/anchors-child.ts');
const KILLS = 6;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (low: number, high: number) => Math.round(low + Math.random() * (high - low));

describe('an audit anchor processor SIGKILLed at random points while anchoring', () => {
  const brokers = requireKafka();
  const topic = uniqueTopic('anchor-crash');
  let store: TestStore | undefined;
  let tables: AuditTables;
  let watcher: Client;
  const processes: ProjectorProcess[] = [];

  const startChild = (name: string) => {
    if (!store || !brokers) throw new Error('no store or broker');
    const child = ProjectorProcess.start(
      name,
      {
        DATABASE_URL: store.databaseUrl,
        EVENT_STORE: store.selection.eventStore,
        ...(store.selection.eventStoreUrl ? { EVENTSTORE_URL: store.selection.eventStoreUrl } : {}),
        KAFKA_BROKERS: brokers.join(','),
        AUDIT_ANCHOR_TOPIC: topic,
        // Several anchors a second while events flow: kills land before, inside and after anchor transactions and sends.
        AUDIT_ANCHOR_EVERY_SECONDS: '0.2',
        PUBLISHER_STANDBY_RETRY_MS: '200',
      },
      ANCHORS_ONLY,
    );
    processes.push(child);
    return child;
  };

  const latestAnchorId = async () => {
    const { rows } = await watcher.query<{ id: string | null }>('SELECT max(anchor_id) AS id FROM audit.anchors').catch(() => ({ rows: [{ id: null }] }));
    return Number(rows[0].id ?? 0);
  };

  /**
   * SIGKILLs `victim` a moment after its second anchor from now commits (the producer is connected by then): between
   * the anchor's transaction, its send, the broker's acknowledgement and published_at.
   */
  const killAfterNextAnchor = async (victim: ProjectorProcess, delayMs: number) => {
    const seen = await latestAnchorId();
    const deadline = Date.now() + 30_000;
    while ((await latestAnchorId()) < seen + 2) {
      if (Date.now() > deadline) throw new Error(`no new anchor within 30 s:\n${victim.tail()}`);
      await pause(2);
    }
    await pause(delayMs);
    return victim.kill('SIGKILL');
  };

  beforeAll(async () => {
    if (!brokers) return;
    store = await startTestStore('flipside_anchor_crash');
    if (!store) return;
    tables = await AuditTables.open(store.databaseUrl);
    watcher = new Client({ connectionString: store.databaseUrl });
    await watcher.connect();
  });
  afterAll(async () => {
    for (const child of processes) if (child.running) await child.kill('SIGKILL');
    await watcher?.end();
    await tables?.close();
    await store?.close();
  });

  it('keeps heads and checkpoint together, publishes every anchor at least once and in order, and every digest stays right', async () => {
    if (!store || !brokers) return;
    const appender = new ChainedAppender(store.store);
    let writing = true;
    // Two writers, so several streams change between two anchors; they go on while the processor is down.
    const writers = [0, 1].map(async () => {
      while (writing) {
        await appender.appendLife(programLife({ pairs: 2, sessionsPerPair: 3 }).streams, 3, 15);
      }
    });

    const unpublishedAtKills = new Set<number>();
    const kills: string[] = [];
    try {
      for (let round = 0; round < KILLS; round++) {
        const child = startChild(`round-${round}`);
        await child.waitForLine(/Anchoring from/, 60_000);
        const delay = round % 2 === 0 ? between(300, 2500) : between(0, 8);
        const killed = round % 2 === 0 ? await pause(delay).then(() => child.kill('SIGKILL')) : await killAfterNextAnchor(child, delay);
        expect(killed.signal).toBe('SIGKILL');

        // Whatever the moment, the heads are exactly those of the events up to the stored checkpoint.
        const { checkpoint, heads, anchors } = await tables.snapshot();
        const events = await store.allEvents();
        const through = parsePosition(checkpoint ?? '-1/-1')!;
        const expected = headsAsOf(events, through);
        const positions = new Map(events.map((event) => [`${event.streamName}@${event.revision}`, serializePosition(event.position)]));
        expect([...heads.keys()].sort()).toEqual([...expected.keys()].sort());
        for (const [stream, head] of expected) {
          expect(heads.get(stream)).toEqual({ ...head, position: positions.get(`${stream}@${head.revision}`) });
        }
        for (const anchor of anchors) expect(comparePositions(parsePosition(anchor.position)!, through)).toBeLessThanOrEqual(0);
        for (const anchor of anchors) if (anchor.publishedAt === null) unpublishedAtKills.add(anchor.anchorId);
        kills.push(`${round % 2 === 0 ? 'at random' : 'after an anchor'} +${delay} ms: ${anchors.length} anchors, ${anchors.filter((a) => !a.publishedAt).length} unpublished`);
        await pause(between(0, 500));
      }
    } finally {
      writing = false;
      await Promise.all(writers);
    }

    const last = startChild('last');
    const events = await store.allEvents();
    const end = serializePosition(events[events.length - 1].position);
    await eventually(
      async () => {
        const { checkpoint, anchors } = await tables.snapshot();
        return checkpoint === end && anchors.at(-1)?.position === end && anchors.every((anchor) => anchor.publishedAt !== null);
      },
      120_000,
      `the last process anchors and publishes everything up to ${end}`,
    );
    const stopped = await last.kill('SIGTERM');
    expect(stopped.signal === 'SIGTERM' || stopped.code === 0).toBe(true);

    const { heads, anchors } = await tables.snapshot();
    expect(anchors.length).toBeGreaterThan(KILLS);
    expect(anchorProblems(events, anchors)).toEqual([]);
    for (let index = 1; index < anchors.length; index++) {
      expect(comparePositions(parsePosition(anchors[index - 1].position)!, parsePosition(anchors[index].position)!)).toBe(-1);
    }
    expect(new Map([...heads].map(([stream, { revision, hash }]) => [stream, { stream, revision, hash }]))).toEqual(headsAsOf(events));

    const reader = new TopicReader(testKafka(brokers), topic);
    try {
      await reader.start();
      const ids = () => new Set(reader.records.map((record) => rowOf(record).anchorId));
      await reader.waitFor(() => anchors.every((anchor) => ids().has(anchor.anchorId)), 30_000, () => '').catch(() => undefined);
      // Never lost: every anchor written reached the topic.
      expect(anchors.map((anchor) => anchor.anchorId).filter((id) => !ids().has(id))).toEqual([]);
      (await IntegrationContract.load()).assertKeptBy(reader.records);
      const rows = new Map(anchors.map(({ publishedAt: _publishedAt, ...anchor }) => [anchor.anchorId, anchor]));
      for (const record of reader.records) expect(rowOf(record)).toEqual(rows.get(rowOf(record).anchorId));
      // Read once each (de-duplicated on anchorId), they arrive oldest first, with none missing.
      const firstSeen = [...new Set(reader.records.map((record) => rowOf(record).anchorId))];
      expect(firstSeen).toEqual(anchors.map((anchor) => anchor.anchorId));
      // Only an anchor not yet marked published when a process died can arrive twice.
      const repeated = reader.records.map((record) => rowOf(record).anchorId).filter((id, index, all) => all.indexOf(id) !== index);
      for (const id of repeated) expect(unpublishedAtKills.has(id)).toBe(true);
      console.log(`anchor crash test (${store.selection.eventStore}): ${kills.join('; ')}; ${anchors.length} anchors, ${events.length} events, ${repeated.length} repeated record(s)`);
    } finally {
      await reader.stop();
    }
  });
});
