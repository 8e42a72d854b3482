import { serializePosition, START } from '@flipside/event-store';
import { deliveryProblems } from './support/delivery-checks';
import { IntegrationContract } from './support/integration-contract';
import { requireKafka, testKafka, TopicReader, uniqueTopic } from './support/kafka-topic';
import { appendLives, programLife } from './support/mentorship-events';
import {
  CapturedLog,
  eventually,
  startPublishing,
  startTestStore,
  storedCheckpoint,
  TestStore,
  testSettings,
} from './support/publishing-harness';

describe('publishing while KAFKA_BROKERS is not set', () => {
  const topic = uniqueTopic('disabled');
  const checkpointName = `integration-events:${topic}`;
  let store: TestStore | undefined;

  beforeAll(async () => {
    store = await startTestStore('flipside_disabled');
  });
  afterAll(async () => {
    await store?.close();
  });

  it('is off, says so clearly, and leaves its checkpoint at the beginning of the log', async () => {
    if (!store) return;
    await appendLives(store.store, [programLife({ pairs: 2, sessionsPerPair: 2 })]);
    const log = new CapturedLog();
    const publisher = await startPublishing(testSettings(store, topic, undefined), log);
    try {
      await eventually(() => publisher.status().checkpoint !== null, 5000, 'the disabled publisher shows its checkpoint');
      await appendLives(store.store, [programLife({ pairs: 1, sessionsPerPair: 1 })]);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(log.lines).toContainEqual({
        level: 'warn',
        message: expect.stringMatching(/Publishing integration events to Kafka is OFF: KAFKA_BROKERS is not set/),
      });
      expect(publisher.status()).toMatchObject({ state: 'disabled', enabled: false, publishedEvents: 0, checkpoint: '-1/-1' });
    } finally {
      await publisher.close();
    }
    expect(await storedCheckpoint(store.databaseUrl, checkpointName)).toBe(serializePosition(START));
  });

  it('catches up from that checkpoint, the whole log, the day KAFKA_BROKERS is set', async () => {
    const brokers = requireKafka();
    if (!brokers || !store) return;
    const stored = await store.allEvents();
    const last = serializePosition(stored[stored.length - 1].position);
    const publisher = await startPublishing(testSettings(store, topic, brokers));
    const reader = new TopicReader(testKafka(brokers), topic);
    try {
      await eventually(() => publisher.status().checkpoint === last, 30_000, `the checkpoint reaches ${last}`);
      await reader.start();
      await reader.waitFor((records) => records.length >= stored.length, 30_000, () => `${reader.records.length} of ${stored.length}`);
      expect(deliveryProblems(stored, reader.records)).toEqual([]);
      (await IntegrationContract.load()).assertKeptBy(reader.records);
    } finally {
      await reader.stop();
      await publisher.close();
    }
    expect(await storedCheckpoint(store.databaseUrl, checkpointName)).toBe(last);
  });
});
