import { RecordedEvent, serializePosition } from '@flipside/event-store';
import { deliveryProblems, repeats } from './support/delivery-checks';
import { IntegrationContract } from './support/integration-contract';
import { requireKafka, testKafka, TopicReader, uniqueTopic } from './support/kafka-topic';
import { appendLives, programLife } from './support/mentorship-events';
import { ProjectorProcess } from './support/projector-process';
import { eventually, startTestStore, storedCheckpoint, TestStore } from './support/publishing-harness';

jest.setTimeout(240_000);

describe('a publisher process killed in the middle of a large backlog', () => {
  const brokers = requireKafka();
  const topic = uniqueTopic('crash');
  const checkpointName = `integration-events:${topic}`;
  let store: TestStore | undefined;
  const processes: ProjectorProcess[] = [];

  const startProjector = (name: string) => {
    if (!store || !brokers) throw new Error('no store or broker');
    const projector = ProjectorProcess.start(name, {
      DATABASE_URL: store.databaseUrl,
      EVENT_STORE: store.selection.eventStore,
      ...(store.selection.eventStoreUrl ? { EVENTSTORE_URL: store.selection.eventStoreUrl } : {}),
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC: topic,
      // Small batches: many checkpoints, so the kill lands between acknowledgement and checkpoint often enough.
      KAFKA_PUBLISH_BATCH_SIZE: '25',
      PUBLISHER_STANDBY_RETRY_MS: '200',
    });
    processes.push(projector);
    return projector;
  };

  /** How many stored events the stored checkpoint covers. */
  const covered = async (stored: readonly RecordedEvent[]) => {
    const checkpoint = await storedCheckpoint(store?.databaseUrl ?? '', checkpointName);
    return stored.findIndex((event) => serializePosition(event.position) === checkpoint) + 1;
  };

  beforeAll(async () => {
    if (brokers) store = await startTestStore('flipside_crash');
  });
  afterAll(async () => {
    for (const projector of processes) if (projector.running) await projector.kill('SIGKILL');
    await store?.close();
  });

  it('loses nothing and keeps each program in order: the standby takes over, a restarted process stands by', async () => {
    if (!brokers || !store) return;
    const lives = Array.from({ length: 10 }, () => programLife({ pairs: 10, sessionsPerPair: 22 }));
    await appendLives(store.store, lives, 20);
    const backlog = await store.allEvents();
    expect(backlog.length).toBeGreaterThanOrEqual(5000);

    const first = startProjector('first');
    await first.waitForLine(/Holding the lease/, 30_000);
    const second = startProjector('second');
    await second.waitForLine(/standing by to take over/, 30_000);

    // SIGKILL somewhere in the middle: after a fifth of the backlog is checkpointed, long before the end.
    await eventually(async () => (await covered(backlog)) >= backlog.length / 5, 60_000, 'a fifth of the backlog is published');
    const killed = await first.kill('SIGKILL');
    const coveredAtKill = await covered(backlog);
    expect(killed.signal).toBe('SIGKILL');
    expect(coveredAtKill).toBeLessThan(backlog.length);

    await second.waitForLine(/Holding the lease/, 30_000);
    const restarted = startProjector('restarted');
    await restarted.waitForLine(/standing by to take over/, 30_000);
    await eventually(async () => (await covered(backlog)) === backlog.length, 120_000, 'the whole backlog is published');

    // A graceful stop of the active one hands over too, while events keep coming.
    const more = appendLives(store.store, [programLife({ pairs: 4, sessionsPerPair: 10 })], 5);
    // Nest runs the shutdown hooks (the publisher finishes its batch), then exits by re-raising the signal.
    const stopped = await second.kill('SIGTERM');
    expect(stopped.signal === 'SIGTERM' || stopped.code === 0).toBe(true);
    await more;
    await restarted.waitForLine(/Holding the lease/, 30_000);
    const everything = await store.allEvents();
    await eventually(async () => (await covered(everything)) === everything.length, 60_000, 'the new events are published');

    const reader = new TopicReader(testKafka(brokers), topic);
    try {
      await reader.start();
      await reader.waitFor(() => reader.ids().size >= everything.length, 60_000, () => `${reader.ids().size} of ${everything.length} ids`);
      expect(deliveryProblems(everything, reader.records)).toEqual([]);
      (await IntegrationContract.load()).assertKeptBy(reader.records);
      // At least once: repeats are allowed, but only the unacknowledged tail of the killed process can repeat.
      console.log(`crash test: killed after ${coveredAtKill} of ${backlog.length}; ${repeats(reader.records)} repeated record(s)`);
      expect(repeats(reader.records)).toBeLessThanOrEqual(2 * 25);
    } finally {
      await reader.stop();
    }
  });
});
