import { Kafka } from 'kafkajs';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { serializePosition } from '@flipside/event-store';
import { deliveryProblems } from './support/delivery-checks';
import { IntegrationContract } from './support/integration-contract';
import { requireKafka, testKafka, TopicReader, uniqueTopic } from './support/kafka-topic';
import { appendLives, futureEvent, programLife } from './support/mentorship-events';
import {
  eventually,
  RunningPublisher,
  startPublishing,
  startTestStore,
  storedCheckpoint,
  TestStore,
  testSettings,
} from './support/publishing-harness';

describe('publishing integration events to a real Kafka broker', () => {
  const brokers = requireKafka();
  const topic = uniqueTopic('publishing');
  let kafka: Kafka;
  let store: TestStore | undefined;
  let publisher: RunningPublisher | undefined;
  let reader: TopicReader;
  let contract: IntegrationContract;

  beforeAll(async () => {
    if (!brokers) return;
    store = await startTestStore('flipside_publishing');
    kafka = testKafka(brokers);
    reader = new TopicReader(kafka, topic);
    contract = await IntegrationContract.load();
  });
  afterAll(async () => {
    await reader?.stop();
    await publisher?.close();
    await store?.close();
  });

  it('publishes a stored backlog: every event once acknowledged, keyed by program, in log order, checkpoint last', async () => {
    if (!brokers || !store) return;
    const lives = [programLife({ pairs: 3, sessionsPerPair: 4 }), programLife({ pairs: 2, sessionsPerPair: 5 }), programLife({ pairs: 1, sessionsPerPair: 2 })];
    await appendLives(store.store, lives, 7);
    const future = futureEvent(lives[0].programId);
    await store.store.append(future.streamName, [future.event], 'any');
    const stored = await store.allEvents();
    const last = serializePosition(stored[stored.length - 1].position);

    publisher = await startPublishing(testSettings(store, topic, brokers));
    await eventually(() => publisher?.status().checkpoint === last, 30_000, `the checkpoint reaches ${last}`);
    await reader.start();
    await reader.waitFor((records) => records.length >= stored.length - 1, 30_000, () => `${reader.records.length} of ${stored.length - 1}`);

    expect(deliveryProblems(stored, reader.records)).toEqual([]);
    contract.assertKeptBy(reader.records);
    expect(await storedCheckpoint(store.databaseUrl, `integration-events:${topic}`)).toBe(last);
    expect(publisher.status()).toMatchObject({
      state: 'publishing',
      enabled: true,
      connected: true,
      leaseHeld: true,
      caughtUp: true,
      pendingEvents: 0,
      lagSeconds: 0,
      publishedEvents: stored.length - 1,
      skippedEvents: 1,
      checkpoint: last,
      lastError: null,
    });
  });

  it('creates the topic with the configured partitions', async () => {
    if (!brokers || !store) return;
    const admin = kafka.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0].partitions).toHaveLength(6);
    } finally {
      await admin.disconnect();
    }
  });

  it('is read the same by an independent client (kcat, on librdkafka)', async () => {
    if (!brokers || !store) return;
    if (spawnSync('bash', ['-c', 'command -v kcat'], { stdio: 'ignore' }).status !== 0) {
      // .ci/run installs it, so in CI its absence is a failure; on a laptop without it the check is skipped, loudly.
      if (process.env.CI) throw new Error('kcat is not installed: .ci/run installs it with apt-get (package kcat)');
      console.warn('\n*** SKIPPING the kcat check: kcat is not installed (apt-get install kcat) ***\n');
      return;
    }
    const { stdout } = await promisify(execFile)('kcat', ['-b', brokers.join(','), '-t', topic, '-C', '-o', 'beginning', '-e', '-q', '-J'], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const records = stdout.trim().split('\n').map((line) => {
      const json = JSON.parse(line) as { partition: number; offset: number; key: string; payload: string; headers: string[] };
      const headers: Record<string, string> = {};
      for (let i = 0; i < json.headers.length; i += 2) headers[json.headers[i]] = json.headers[i + 1];
      return { topic, partition: json.partition, offset: String(json.offset), key: json.key, value: json.payload, headers, receivedAt: 0 };
    });
    expect(records).toHaveLength(reader.records.length);
    contract.assertKeptBy(records);
    expect(deliveryProblems(await store.allEvents(), records)).toEqual([]);
  });

  it('sends in halves, still in order, to a topic that takes smaller batches than it sends', async () => {
    if (!brokers || !store) return;
    const smallTopic = uniqueTopic('small-batches');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [{ topic: smallTopic, numPartitions: 2, replicationFactor: 1, configEntries: [{ name: 'max.message.bytes', value: '16384' }] }],
        waitForLeaders: true,
      });
    } finally {
      await admin.disconnect();
    }
    const stored = await store.allEvents();
    const last = serializePosition(stored[stored.length - 1].position);
    const small = await startPublishing(testSettings(store, smallTopic, brokers));
    const smallReader = new TopicReader(kafka, smallTopic);
    try {
      await eventually(() => small.status().checkpoint === last, 60_000, `the checkpoint reaches ${last}`);
      await smallReader.start();
      await smallReader.waitFor(() => smallReader.ids().size >= stored.length - 1, 30_000, () => `${smallReader.ids().size} ids`);
      expect(deliveryProblems(stored, smallReader.records)).toEqual([]);
      contract.assertKeptBy(smallReader.records);
    } finally {
      await smallReader.stop();
      await small.close();
    }
  });

  it('publishes an event appended while it runs, within a second or so', async () => {
    if (!brokers || !store || !publisher) return;
    const life = programLife({ pairs: 1, sessionsPerPair: 1 });
    const before = reader.records.length;
    const appended = await appendLives(store.store, [life]);
    const ids = new Set(appended.map((scripted) => scripted.event.id));
    const started = Date.now();
    await reader.waitFor((records) => records.slice(before).filter((r) => ids.has(r.headers.ce_id)).length === ids.size, 10_000, () => 'the live events');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(deliveryProblems(await store.allEvents(), reader.records)).toEqual([]);
    contract.assertKeptBy(reader.records);
  });
});
