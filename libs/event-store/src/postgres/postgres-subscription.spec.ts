import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, requirePostgres, TestDatabase } from '@flipside/testing';
import { comparePositions, serializePosition } from '../position';
import { collect, testEvent, uniqueStream } from '../testing/event-store.contract';
import { SubscriptionMessage } from '../subscribing/event-subscriber.port';
import { PostgresEventStore } from './postgres-event-store';

const eventIds = (messages: SubscriptionMessage[]) =>
  messages.flatMap((message) => (message.kind === 'event' ? [message.event.id] : []));

describe('PostgreSQL subscriptions', () => {
  let database: TestDatabase | undefined;
  const stores: PostgresEventStore[] = [];
  const open = async (options: Partial<ConstructorParameters<typeof PostgresEventStore>[0]> = {}) => {
    const store = new PostgresEventStore({ connectionString: (database as TestDatabase).url, ...options });
    await store.start();
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    if (await requirePostgres()) database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await database?.drop();
  });

  it('holds back a committed event while an earlier-positioned transaction is still open, then delivers both in order', async () => {
    if (!database) return;
    const store = await open({ subscription: { pollIntervalMs: 50 } });
    const subscription = store.subscribeToAll();
    await collect(subscription, (messages) => messages.some((m) => m.kind === 'caught-up'));

    const slow = new Client({ connectionString: database.url });
    await slow.connect();
    try {
      const early = testEvent('Early');
      await slow.query('BEGIN');
      // Takes the lower global position, but commits last.
      await slow.query(
        `SELECT * FROM event_store.append_events($1, 'no_stream', $2::uuid[], $3::text[], $4::jsonb[], $5::jsonb[])`,
        [uniqueStream(), [early.id], [early.type], [JSON.stringify(early.data)], [JSON.stringify(early.metadata)]],
      );
      const late = testEvent('Late');
      await store.append(uniqueStream(), [late], 'no_stream');

      const whileOpen = await collect(subscription, () => false, 400).catch(() => 'nothing delivered');
      expect(whileOpen).toBe('nothing delivered');

      await slow.query('COMMIT');
      const delivered = await collect(subscription, (messages) => eventIds(messages).length === 2);
      expect(eventIds(delivered)).toEqual([early.id, late.id]);
    } finally {
      await slow.end();
      await subscription.close();
    }
  });

  it('never skips or repeats an event under concurrent writers, compared with the stored log', async () => {
    if (!database) return;
    const store = await open({ poolSize: 16 });
    const from = (await store.append(uniqueStream(), [testEvent('Marker')], 'no_stream')).position;
    const subscription = store.subscribeToAll({ after: from });
    const writers = 12;
    const appendsPerWriter = 40;
    const expectedCount = writers * appendsPerWriter * 2;
    const received = collect(subscription, (messages) => eventIds(messages).length >= expectedCount, 60000);
    await Promise.all(
      Array.from({ length: writers }, async () => {
        const stream = uniqueStream();
        for (let i = 0; i < appendsPerWriter; i++) {
          await store.append(stream, [testEvent(), testEvent()], i === 0 ? 'no_stream' : BigInt(i * 2 - 1));
        }
      }),
    );
    const messages = await received;
    await subscription.close();

    const delivered = messages.flatMap((m) => (m.kind === 'event' ? [m.event] : []));
    const stored = await store.readAll({ from, maxCount: expectedCount + 10 });
    expect(delivered.map((event) => event.id)).toEqual(stored.slice(1).map((event) => event.id));
    expect(new Set(delivered.map((event) => event.id)).size).toBe(expectedCount);
    for (let i = 1; i < delivered.length; i++) {
      expect(comparePositions(delivered[i - 1].position, delivered[i].position)).toBeLessThan(0);
    }
  });

  it('wakes a live subscriber in another process through LISTEN/NOTIFY, well before the next poll', async () => {
    if (!database) return;
    const store = await open({ subscription: { pollIntervalMs: 60000 } });
    const writer = await open();
    const subscription = store.subscribeToAll({ after: (await store.append(uniqueStream(), [testEvent()], 'no_stream')).position });
    await collect(subscription, (messages) => messages.some((m) => m.kind === 'caught-up'));
    const event = testEvent('Notified');
    await writer.append(uniqueStream(), [event], 'no_stream');
    const messages = await collect(subscription, (seen) => eventIds(seen).includes(event.id), 5000);
    expect(eventIds(messages)).toEqual([event.id]);
    await subscription.close();
  });

  it('falls back to polling when notifications are off', async () => {
    if (!database) return;
    const store = await open({ listen: false, subscription: { pollIntervalMs: 100 } });
    const subscription = store.subscribeToAll({ after: (await store.append(uniqueStream(), [testEvent()], 'no_stream')).position });
    await collect(subscription, (messages) => messages.some((m) => m.kind === 'caught-up'));
    const event = testEvent('Polled');
    await store.append(uniqueStream(), [event], 'no_stream');
    const messages = await collect(subscription, (seen) => eventIds(seen).includes(event.id), 5000);
    expect(eventIds(messages)).toEqual([event.id]);
    await subscription.close();
  });

  it('creates its schema idempotently when several processes start at once', async () => {
    if (!database) return;
    await Promise.all([open(), open(), open()]);
    const store = await open();
    const stream = `pair-${randomUUID()}`;
    const result = await store.append(stream, [testEvent()], 'no_stream');
    expect(serializePosition(result.position)).toMatch(/^\d+\/\d+$/);
  });
});
