import { Client } from 'pg';
import { RecordedEvent, serializePosition } from '@flipside/event-store';
import { deliveryProblems, repeats } from './support/delivery-checks';
import { IntegrationContract } from './support/integration-contract';
import { requireKafka, testKafka, TopicReader, uniqueTopic } from './support/kafka-topic';
import { appendLives, programLife } from './support/mentorship-events';
import { ProjectorProcess } from './support/projector-process';
import { eventually, startTestStore, storedCheckpoint, TestStore } from './support/publishing-harness';

jest.setTimeout(240_000);

const BATCH = 10;

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
      // Small batches: many checkpoints, and a backlog that takes long enough to be killed in the middle of.
      KAFKA_PUBLISH_BATCH_SIZE: String(BATCH),
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

  /** Watches the checkpoint closely (one connection, every few ms) and SIGKILLs `victim` once it has moved `moves` times. */
  const killAfterMoves = async (victim: ProjectorProcess, moves: number) => {
    const watcher = new Client({ connectionString: store?.databaseUrl });
    await watcher.connect();
    const seen = new Set<string>();
    try {
      const deadline = Date.now() + 60_000;
      while (seen.size < moves) {
        const { rows } = await watcher
          .query<{ position: string }>('SELECT position FROM projector.checkpoints WHERE name = $1', [checkpointName])
          .catch(() => ({ rows: [] as { position: string }[] }));
        if (rows[0]) seen.add(rows[0].position);
        if (Date.now() > deadline) throw new Error(`the checkpoint moved only ${seen.size} times:\n${victim.tail()}`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      return await victim.kill('SIGKILL');
    } finally {
      await watcher.end();
    }
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
    const first = startProjector('first');
    await first.waitForLine(/Holding the lease/, 30_000);
    const second = startProjector('second');
    await second.waitForLine(/standing by to take over/, 30_000);

    // A large backlog, stored faster than ten-event batches can publish it; SIGKILL the publisher some 40
    // batches in, in the middle of it.
    const lives = Array.from({ length: 10 }, () => programLife({ pairs: 10, sessionsPerPair: 22 }));
    const appending = appendLives(store.store, lives, 100);
    const killed = await killAfterMoves(first, 40);
    // Read at once: the standby takes over within PUBLISHER_STANDBY_RETRY_MS and moves it on.
    const checkpointAtKill = await storedCheckpoint(store.databaseUrl, checkpointName);
    await appending;
    const backlog = await store.allEvents();
    expect(backlog.length).toBeGreaterThanOrEqual(5000);
    const coveredAtKill = backlog.findIndex((event) => serializePosition(event.position) === checkpointAtKill) + 1;
    expect(killed.signal).toBe('SIGKILL');
    expect(coveredAtKill).toBeGreaterThan(0);
    expect(coveredAtKill).toBeLessThan(backlog.length / 2);

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
      expect(repeats(reader.records)).toBeLessThanOrEqual(2 * BATCH);
    } finally {
      await reader.stop();
    }
  });
});
