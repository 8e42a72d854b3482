import { randomUUID } from 'node:crypto';
import { EventStoreUnavailableError, StreamNotFoundError } from '../errors';
import { RecordedEvent } from '../events';
import { START, comparePositions } from '../position';
import { AllSubscription, SubscriptionMessage } from '../subscribing/event-subscriber.port';
import { collect, testEvent, uniqueStream } from '../testing/event-store.contract';
import { EventStoreDbDouble } from '../testing/eventstoredb-double';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

const FAST_RESUBSCRIBE = { firstDelayMs: 20, maxDelayMs: 200 };

const uniquePairStream = () => `pair-adapter${randomUUID().replace(/-/g, '')}`;
const otherCategoryStream = () => `billing-adapter${randomUUID().replace(/-/g, '')}`;

const eventsIn = (messages: SubscriptionMessage[], streams?: string[]): RecordedEvent[] =>
  messages.flatMap((message) =>
    message.kind === 'event' && (!streams || streams.includes(message.event.streamName)) ? [message.event] : [],
  );

const caughtUpCount = (messages: SubscriptionMessage[]) => messages.filter((m) => m.kind === 'caught-up').length;

/** Each event once, in strictly increasing $all order. */
function expectExactlyOnceInOrder(events: RecordedEvent[]): void {
  expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
  for (let i = 1; i < events.length; i++) {
    expect(comparePositions(events[i - 1].position, events[i].position)).toBeLessThan(0);
  }
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function eventually(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function failureOf(attempt: Promise<unknown>): Promise<unknown> {
  return attempt.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** Behaviour that holds on any EventStoreDB: the double, or a real server shared with other users. */
function describeAdapterBehaviour(name: string, connectionString: () => Promise<string>, release: () => Promise<void>) {
  describe(`EventStoreDB adapter: ${name}`, () => {
    let store: EventStoreDbEventStore;

    beforeAll(async () => {
      store = new EventStoreDbEventStore(await connectionString());
      await store.start();
    });
    afterAll(async () => {
      await store.close();
      await release();
    });

    it('reads only product categories from $all: no system events, no other categories', async () => {
      const [program, pair, other] = [uniqueStream(), uniquePairStream(), otherCategoryStream()];
      const first = await store.append(program, [testEvent('P1')], 'no_stream');
      await store.append(other, [testEvent('O1')], 'no_stream');
      await store.append(pair, [testEvent('Q1')], 'no_stream');
      await store.append(program, [testEvent('P2')], 0n);

      const page = await store.readAll({ from: first.position, maxCount: 100 });
      expect(page.filter((event) => [program, pair, other].includes(event.streamName)).map((e) => e.type)).toEqual([
        'P1',
        'Q1',
        'P2',
      ]);
      for (const event of page) {
        expect(event.type.startsWith('$')).toBe(false);
        expect(event.streamName.startsWith('program-') || event.streamName.startsWith('pair-')).toBe(true);
      }
      expectExactlyOnceInOrder(page);
    });

    it('delivers only product events to a subscription', async () => {
      const [program, other] = [uniqueStream(), otherCategoryStream()];
      const before = await store.append(uniqueStream(), [testEvent('Before')], 'no_stream');
      await store.append(other, [testEvent('O1')], 'no_stream');
      await store.append(program, [testEvent('P1')], 'no_stream');
      const subscription = store.subscribeToAll({ after: before.position });
      try {
        const messages = await collect(subscription, (seen) => eventsIn(seen, [program]).length === 1 && caughtUpCount(seen) === 1);
        const events = eventsIn(messages);
        expect(events.some((event) => event.streamName === other)).toBe(false);
        expect(events.every((event) => !event.type.startsWith('$') && !event.streamName.startsWith('$'))).toBe(true);
        expectExactlyOnceInOrder(events);
      } finally {
        await subscription.close();
      }
    });

    it('answers a retried append with the original result', async () => {
      const stream = uniqueStream();
      const events = [testEvent(), testEvent()];
      const original = await store.append(stream, events, 'no_stream');
      const retried = await store.append(stream, events, 'no_stream');
      expect(retried).toEqual(original);
    });

    it('gives stream reads either a log position or START, never the u64 -1 some servers send', async () => {
      const stream = uniqueStream();
      const before = Date.now();
      await store.append(stream, [testEvent(), testEvent()], 'no_stream');
      for (const event of await store.readStream(stream)) {
        const { commit, prepare } = event.position;
        const isStart = comparePositions(event.position, START) === 0;
        expect(isStart || (prepare >= 0n && commit >= prepare && commit < 2n ** 63n)).toBe(true);
        // `created` travels as .NET ticks; the client turns it into a Date.
        expect(event.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 5000);
        expect(event.recordedAt.getTime()).toBeLessThanOrEqual(Date.now() + 5000);
      }
    });

    it('reads nothing with a count of zero, yet still reports a missing stream', async () => {
      const stream = uniqueStream();
      await store.append(stream, [testEvent()], 'no_stream');
      expect(await store.readStream(stream, { maxCount: 0 })).toEqual([]);
      await expect(store.readStream(uniqueStream(), { maxCount: 0 })).rejects.toBeInstanceOf(StreamNotFoundError);
    });

    it('refuses an empty append before calling the server', async () => {
      await expect(store.append(uniqueStream(), [], 'any')).rejects.toBeInstanceOf(RangeError);
    });

    it('is unavailable after close, and close and start may be called twice', async () => {
      const own = new EventStoreDbEventStore(await connectionString());
      await own.start();
      await own.start();
      await own.append(uniqueStream(), [testEvent()], 'no_stream');
      await own.close();
      await own.close();
      await expect(own.append(uniqueStream(), [testEvent()], 'no_stream')).rejects.toBeInstanceOf(
        EventStoreUnavailableError,
      );
      await expect(own.readAll()).rejects.toBeInstanceOf(EventStoreUnavailableError);
      const subscription = own.subscribeToAll()[Symbol.asyncIterator]();
      await expect(within(subscription.next(), 2000, 'next() on a closed store')).rejects.toBeInstanceOf(
        EventStoreUnavailableError,
      );
    });
  });
}

for (const batchAppend of [true, false]) {
  let shared: EventStoreDbDouble | undefined;
  describeAdapterBehaviour(
    `test double, ${batchAppend ? 'BatchAppend' : 'Append'}`,
    async () => {
      shared ??= await EventStoreDbDouble.start({ batchAppend });
      return shared.connectionString;
    },
    async () => shared?.stop(),
  );

  describe(`EventStoreDB adapter over the test double only (${batchAppend ? 'BatchAppend' : 'Append'})`, () => {
    let double: EventStoreDbDouble;
    let store: EventStoreDbEventStore;

    beforeEach(async () => {
      double = await EventStoreDbDouble.start({ batchAppend });
      store = new EventStoreDbEventStore(double.connectionString, { resubscribe: FAST_RESUBSCRIBE });
      await store.start();
    });
    afterEach(async () => {
      await within(store.close(), 5000, 'store.close()');
      await double.stop();
    });

    it(`appends with Streams.${batchAppend ? 'BatchAppend' : 'Append'}, as the server features say`, async () => {
      await store.append(uniqueStream(), [testEvent(), testEvent()], 'no_stream');
      await store.append(uniqueStream(), [testEvent()], 'any');
      expect(double.calls.serverFeatures).toBe(1);
      expect(batchAppend ? double.calls.batchAppend : double.calls.append).toBeGreaterThan(0);
      expect(batchAppend ? double.calls.append : double.calls.batchAppend).toBe(0);
    });

    it('raises EventStoreUnavailableError while the server is gone, and works again once it is back', async () => {
      const stream = uniqueStream();
      await store.append(stream, [testEvent()], 'no_stream');
      await double.stop();
      await expect(store.append(stream, [testEvent()], 0n)).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(store.readStream(stream)).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(store.readAll()).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await double.restart();
      const next = await store.append(stream, [testEvent()], 0n);
      expect(next.nextExpectedRevision).toBe(1n);
    });

    it('keeps a $-typed event in a product stream out of readAll, still filling the page', async () => {
      const stream = uniqueStream();
      const first = await store.append(stream, [testEvent('P1')], 'no_stream');
      double.appendSystemEvent(stream, '$metadata', { $maxCount: 10 });
      double.appendSystemEvent(`$$${stream}`, '$metadata', { $maxCount: 10 });
      await store.append(stream, [testEvent('P2'), testEvent('P3')], 'any');
      const page = await store.readAll({ from: first.position, maxCount: 3 });
      expect(page.map((event) => event.type)).toEqual(['P1', 'P2', 'P3']);
    });

    it('delivers the categories it is configured with', async () => {
      const billing = new EventStoreDbEventStore(double.connectionString, { productStreamPrefixes: ['billing-'] });
      try {
        const [program, other] = [uniqueStream(), otherCategoryStream()];
        await billing.append(program, [testEvent('P1')], 'no_stream');
        await billing.append(other, [testEvent('O1')], 'no_stream');
        expect((await billing.readAll()).map((event) => event.streamName)).toEqual([other]);
      } finally {
        await billing.close();
      }
    });

    it('resubscribes after a dropped live subscription from the last delivered event: nothing skipped or repeated', async () => {
      const stream = uniqueStream();
      const written = [testEvent('Old1'), testEvent('Old2')];
      await store.append(stream, written, 'no_stream');
      const subscription = store.subscribeToAll();
      try {
        const seen = await collect(subscription, (messages) => caughtUpCount(messages) === 1);
        expect(double.dropSubscriptions()).toBe(1);
        const live = [testEvent('Live1'), testEvent('Live2'), testEvent('Live3')];
        await store.append(stream, live.slice(0, 1), 1n);
        await store.append(stream, live.slice(1), 2n);
        seen.push(...(await collect(subscription, (messages) => eventsIn([...seen, ...messages], [stream]).length === 5)));
        expect(eventsIn(seen, [stream]).map((event) => event.id)).toEqual([...written, ...live].map((event) => event.id));
        expectExactlyOnceInOrder(eventsIn(seen));
        expect(caughtUpCount(seen)).toBe(1);
        await eventually(() => double.openSubscriptions === 1, 2000, 'exactly one subscription on the server');
      } finally {
        await subscription.close();
      }
    });

    it('resubscribes after a drop in the middle of catching up, discarding what was received but not handed out', async () => {
      const stream = uniqueStream();
      const written = Array.from({ length: 700 }, (_, n) => testEvent('Bulk', { n }));
      await store.append(stream, written.slice(0, 350), 'no_stream');
      await store.append(stream, written.slice(350), 349n);
      const subscription = store.subscribeToAll();
      try {
        const seen = await collect(subscription, (messages) => eventsIn(messages, [stream]).length === 40);
        expect(double.dropSubscriptions()).toBe(1);
        seen.push(...(await collect(subscription, (messages) => caughtUpCount(messages) === 1)));
        expect(eventsIn(seen, [stream]).map((event) => event.id)).toEqual(written.map((event) => event.id));
        expectExactlyOnceInOrder(eventsIn(seen));
        expect(caughtUpCount(seen)).toBe(1);
      } finally {
        await subscription.close();
      }
    });

    it('keeps a subscription through a server restart, backing off while the server is gone', async () => {
      const stream = uniqueStream();
      await store.append(stream, [testEvent('Before')], 'no_stream');
      const subscription = store.subscribeToAll();
      try {
        const seen = await collect(subscription, (messages) => caughtUpCount(messages) === 1);
        await double.stop();
        const waiting = collect(subscription, (messages) => eventsIn(messages, [stream]).length === 2);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await double.restart();
        await store.append(stream, [testEvent('After1'), testEvent('After2')], 0n);
        seen.push(...(await waiting));
        expect(eventsIn(seen, [stream]).map((event) => event.type)).toEqual(['Before', 'After1', 'After2']);
        expectExactlyOnceInOrder(eventsIn(seen));
      } finally {
        await subscription.close();
      }
    });

    it('closes without hanging while a subscription waits for live events, ending its iteration', async () => {
      const subscription = store.subscribeToAll();
      const iterator = subscription[Symbol.asyncIterator]();
      let next = await iterator.next();
      while (!next.done && next.value.kind !== 'caught-up') next = await iterator.next();
      const waiting = iterator.next();
      await within(store.close(), 2000, 'store.close()');
      expect(await within(waiting, 2000, 'the pending next()')).toEqual({ done: true, value: undefined });
      await eventually(() => double.openSubscriptions === 0, 2000, 'the server seeing the subscription cancelled');
    });

    it('closes without hanging while a subscription is backing off from a stopped server', async () => {
      const subscription: AllSubscription = store.subscribeToAll();
      await collect(subscription, (messages) => caughtUpCount(messages) === 1);
      await double.stop();
      const waiting = subscription[Symbol.asyncIterator]().next();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await within(store.close(), 2000, 'store.close()');
      expect(await within(waiting, 2000, 'the pending next()')).toEqual({ done: true, value: undefined });
    });

    it('refuses a partial reuse of event ids as a wrong expected version, as EventStoreDB does', async () => {
      const stream = uniqueStream();
      const [a, b] = [testEvent(), testEvent()];
      await store.append(stream, [a], 'no_stream');
      const error = await failureOf(store.append(stream, [a, b], 'any'));
      expect(error).toMatchObject({ name: 'WrongExpectedVersionError', expected: 'any', actual: 0n });
    });
  });
}

// A real server only where one is configured (docker-compose, CI); otherwise this describe is not registered.
const realServer = process.env.EVENTSTORE_URL;
if (realServer) {
  describeAdapterBehaviour(
    `real server at ${realServer}`,
    async () => realServer,
    async () => undefined,
  );
}
