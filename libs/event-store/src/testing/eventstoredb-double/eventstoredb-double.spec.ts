/**
 * Checks the TEST DOUBLE of EventStoreDB (not a server) against the real @eventstore/db-client, for the parts of
 * the wire protocol the adapter specs do not reach: regex and event-type filters, checkpoints, raw refusals.
 */
import {
  AllStreamResolvedEvent,
  EventStoreDBClient,
  Filter,
  NO_STREAM,
  Position,
  START,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
} from '@eventstore/db-client';
import { EventStoreDbDouble } from './eventstoredb-double';

interface Observed {
  readonly events: AllStreamResolvedEvent[];
  readonly checkpoints: Position[];
}

/** Subscribes from the start until caught up; returns what arrived and the checkpoints reached on the way. */
async function subscribeUntilCaughtUp(client: EventStoreDBClient, filter: Filter): Promise<Observed> {
  const observed: Observed = { events: [], checkpoints: [] };
  const subscription = client.subscribeToAll({
    fromPosition: START,
    filter: { ...filter, checkpointReached: (_, position) => void observed.checkpoints.push(position) },
  });
  await new Promise<void>((resolve, reject) => {
    subscription.on('data', (event) => observed.events.push(event));
    subscription.on('caughtUp', () => resolve());
    subscription.on('error', reject);
  });
  // 'caughtUp' can overtake events still in the stream's buffer; let them flow out first.
  await new Promise((resolve) => setTimeout(resolve, 20));
  await subscription.unsubscribe();
  return observed;
}

describe('EventStoreDB test double', () => {
  let double: EventStoreDbDouble;
  let client: EventStoreDBClient;

  beforeAll(async () => {
    double = await EventStoreDbDouble.start({ statsEvery: 0 });
    client = EventStoreDBClient.connectionString(double.connectionString);
    for (let n = 0; n < 40; n++) {
      await client.appendToStream(`program-${n % 4}`, jsonEvent({ type: n % 2 ? 'SessionHeld' : 'PairFormed', data: { n } }));
    }
    await client.appendToStream('audit-1', jsonEvent({ type: 'AuditNoted', data: {} }));
  });
  afterAll(async () => {
    await client.dispose();
    await double.stop();
  });

  const streamsOf = (observed: Observed) => new Set(observed.events.map(({ event }) => event?.streamId));
  const typesOf = (observed: Observed) => new Set(observed.events.map(({ event }) => event?.type));

  it('seeds system streams, so $all starts with $-prefixed events', async () => {
    const first: string[] = [];
    for await (const { event } of client.readAll({ maxCount: 3 })) first.push(event?.streamId ?? '');
    expect(first).toHaveLength(3);
    expect(first.every((stream) => stream.startsWith('$'))).toBe(true);
  });

  it('filters on stream names by prefix and by unanchored regex', async () => {
    expect(streamsOf(await subscribeUntilCaughtUp(client, streamNameFilter({ prefixes: ['program-1', 'audit-'] })))).toEqual(
      new Set(['program-1', 'audit-1']),
    );
    expect(streamsOf(await subscribeUntilCaughtUp(client, streamNameFilter({ regex: '-[23]$' })))).toEqual(
      new Set(['program-2', 'program-3']),
    );
  });

  it('filters on event types by prefix and by regex', async () => {
    expect(typesOf(await subscribeUntilCaughtUp(client, eventTypeFilter({ prefixes: ['Session'] })))).toEqual(
      new Set(['SessionHeld']),
    );
    const withoutSystem = await subscribeUntilCaughtUp(client, excludeSystemEvents());
    expect(typesOf(withoutSystem)).toEqual(new Set(['SessionHeld', 'PairFormed', 'AuditNoted']));
  });

  it('sends a checkpoint every 32 events scanned, and one on going live', async () => {
    const observed = await subscribeUntilCaughtUp(client, streamNameFilter({ prefixes: ['audit-'] }));
    expect(observed.events).toHaveLength(1);
    // 3 seeded + 41 appended = 44 scanned: one checkpoint at 32, one at the end of the log.
    expect(observed.checkpoints).toHaveLength(2);
    expect(observed.checkpoints[0].commit).toBeLessThan(observed.checkpoints[1].commit);
  });

  it('reads $all inclusively from a position and honours the count', async () => {
    const all: AllStreamResolvedEvent[] = [];
    for await (const resolved of client.readAll({ maxCount: 10 })) all.push(resolved);
    const from = all[5].event?.position;
    const again: AllStreamResolvedEvent[] = [];
    for await (const resolved of client.readAll({ fromPosition: from, maxCount: 2 })) again.push(resolved);
    expect(again.map(({ event }) => event?.id)).toEqual([all[5].event?.id, all[6].event?.id]);
  });

  it('refuses a wrong expected version on Append with the current revision', async () => {
    await expect(
      client.appendToStream('program-0', jsonEvent({ type: 'PairFormed', data: {} }), { expectedRevision: NO_STREAM }),
    ).rejects.toMatchObject({ type: 'wrong-expected-version', actualVersion: 9n, expectedVersion: NO_STREAM });
    expect(double.calls.batchAppend).toBe(0);
  });

  it('catches up no faster than the subscriber reads: a paused subscriber holds the backlog back (flow control)', async () => {
    const backlog = await EventStoreDbDouble.start({ statsEvery: 0 });
    const reader = EventStoreDBClient.connectionString(backlog.connectionString);
    try {
      const batch = (n: number) => Array.from({ length: 100 }, (_, k) => jsonEvent({ type: 'SessionHeld', data: { n, k, note: 'x'.repeat(200) } }));
      for (let n = 0; n < 50; n++) await reader.appendToStream(`pair-${n}`, batch(n));
      const subscription = reader.subscribeToAll({ fromPosition: START, filter: excludeSystemEvents() });
      const received: AllStreamResolvedEvent[] = [];
      const caughtUp = new Promise<void>((resolve) => subscription.on('caughtUp', () => resolve()));
      subscription.on('data', (event) => received.push(event));
      await new Promise<void>((resolve) => subscription.once('data', () => resolve()));
      subscription.pause();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const sentWhilePaused = backlog.eventsSentToSubscribers;
      expect(sentWhilePaused).toBeLessThan(1000);

      subscription.resume();
      await caughtUp;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received.map(({ event }) => `${event?.streamId}:${event?.revision}`)).toEqual(
        Array.from({ length: 5000 }, (_, i) => `pair-${Math.floor(i / 100)}:${i % 100}`),
      );
      await subscription.unsubscribe();
    } finally {
      await reader.dispose();
      await backlog.stop();
    }
  });
});
