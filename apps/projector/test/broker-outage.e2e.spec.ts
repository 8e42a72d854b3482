import { serializePosition } from '@flipside/event-store';
import { deliveryProblems } from './support/delivery-checks';
import { IntegrationContract } from './support/integration-contract';
import { testKafka, TopicReader, uniqueTopic } from './support/kafka-topic';
import { appendLives, programLife } from './support/mentorship-events';
import { PrivateBroker } from './support/private-broker';
import {
  eventually,
  RunningPublisher,
  startPublishing,
  startTestStore,
  storedCheckpoint,
  TestStore,
  testSettings,
} from './support/publishing-harness';
import { PublishingStatusSnapshot } from '../src/kafka/publishing-status';

jest.setTimeout(300_000);

describe('the broker goes away for ten seconds while events keep coming', () => {
  const topic = uniqueTopic('outage');
  const checkpointName = `integration-events:${topic}`;
  let broker: PrivateBroker | undefined;
  let store: TestStore | undefined;
  let publisher: RunningPublisher | undefined;

  beforeAll(async () => {
    broker = await PrivateBroker.create('outage');
    if (!broker) return;
    store = await startTestStore('flipside_outage');
    if (!store) return;
    await broker.start();
  });
  afterAll(async () => {
    await publisher?.close();
    await store?.close();
    await broker?.remove();
  });

  it('retries the same events without skipping or reordering, reports it, and resumes by itself', async () => {
    if (!broker || !store) return;
    await appendLives(store.store, [programLife({ pairs: 3, sessionsPerPair: 10 })]);
    const before = await store.allEvents();
    publisher = await startPublishing(testSettings(store, topic, broker.brokers, { batchSize: 50 }));
    await eventually(
      () => publisher?.status().checkpoint === serializePosition(before[before.length - 1].position),
      60_000,
      'the first backlog is published',
    );

    // Events keep being appended, a small program every 200 ms, through the whole outage.
    let appending = true;
    const appender = (async () => {
      while (appending) {
        await appendLives(store.store, [programLife({ pairs: 1, sessionsPerPair: 1 })]);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();

    const outageStarted = Date.now();
    await broker.stop();
    let during: PublishingStatusSnapshot | undefined;
    try {
      await eventually(() => publisher?.status().connected === false, 30_000, 'the publisher reports the broker unreachable');
      const checkpointDuringOutage = await storedCheckpoint(store.databaseUrl, checkpointName);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 10_000 - (Date.now() - outageStarted))));
      during = publisher.status();
      // Nothing acknowledged, so nothing checkpointed: the checkpoint waits where the broker left it.
      expect(await storedCheckpoint(store.databaseUrl, checkpointName)).toBe(checkpointDuringOutage);
    } finally {
      await broker.start();
    }
    expect(during).toMatchObject({ state: 'retrying', connected: false, leaseHeld: true });
    expect(during?.lastError?.message).toEqual(expect.any(String));
    expect(during?.pendingEvents).toBeGreaterThan(0);
    expect(during?.lagSeconds).toBeGreaterThan(3);
    expect(during?.failedAttempts).toBeGreaterThan(0);

    appending = false;
    await appender;
    const stored = await store.allEvents();
    const last = serializePosition(stored[stored.length - 1].position);
    await eventually(() => publisher?.status().checkpoint === last, 90_000, 'publishing resumes and catches up');
    expect(publisher.status()).toMatchObject({ state: 'publishing', connected: true, pendingEvents: 0, lagSeconds: 0 });

    const reader = new TopicReader(testKafka(broker.brokers), topic);
    try {
      await reader.start();
      await reader.waitFor(() => reader.ids().size >= stored.length, 60_000, () => `${reader.ids().size} of ${stored.length}`);
      expect(deliveryProblems(stored, reader.records)).toEqual([]);
      (await IntegrationContract.load()).assertKeptBy(reader.records);
    } finally {
      await reader.stop();
    }
  });

  it('notices, while idle, that the broker has gone and that it is back', async () => {
    if (!broker || !store || !publisher) return;
    expect(publisher.status()).toMatchObject({ connected: true, pendingEvents: 0 });
    await broker.stop();
    try {
      await eventually(() => publisher?.status().connected === false, 45_000, 'the idle publisher reports the broker unreachable');
      expect(publisher.status().lastError?.message).toEqual(expect.any(String));
    } finally {
      await broker.start();
    }
    await eventually(() => publisher?.status().connected === true, 45_000, 'the idle publisher reports the broker back');
    expect(publisher.status().state).toBe('publishing');
  });
});
