import { randomUUID } from 'node:crypto';
import { StreamNotFoundError, WrongExpectedVersionError } from '../errors';
import { EventStore } from '../event-store.port';
import { EventToAppend, ExpectedRevision, RecordedEvent } from '../events';
import { Position, comparePositions, parsePosition, serializePosition } from '../position';
import { AllSubscription, SubscriptionMessage } from '../subscribing/event-subscriber.port';

export interface ContractSubject {
  readonly store: EventStore;
  dispose(): Promise<void>;
}

/** Test events use the product's stream categories so that stores filtering by category deliver them. */
export function uniqueStream(): string {
  return `program-contract${randomUUID().replace(/-/g, '')}`;
}

export function testEvent(type = 'ContractTested', data: Record<string, unknown> = {}): EventToAppend {
  return { id: randomUUID(), type, data: { at: Date.now(), ...data }, metadata: { test: 'contract' } };
}

async function expectWrongVersion(
  attempt: Promise<unknown>,
  expected: ExpectedRevision,
  actual: 'no_stream' | bigint,
): Promise<void> {
  const error = await attempt.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WrongExpectedVersionError);
  const wrong = error as WrongExpectedVersionError;
  expect({ expected: wrong.expected, actual: wrong.actual }).toEqual({ expected, actual });
}

// A read still pending when collect() gave up: the next collect() must take its message, not lose it.
const pendingReads = new WeakMap<AllSubscription, Promise<IteratorResult<SubscriptionMessage>>>();

/** Reads subscription messages until `until` says stop, or fails after `timeoutMs`. */
export async function collect(
  subscription: AllSubscription,
  until: (messages: SubscriptionMessage[]) => boolean,
  timeoutMs = 10000,
): Promise<SubscriptionMessage[]> {
  const messages: SubscriptionMessage[] = [];
  const iterator = subscription[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  while (!until(messages)) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`Subscription timed out after ${messages.length} messages`);
    const read = pendingReads.get(subscription) ?? iterator.next();
    pendingReads.set(subscription, read);
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      read,
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), remaining))),
    ]);
    clearTimeout(timer);
    if (next === 'timeout') throw new Error(`Subscription timed out after ${messages.length} messages`);
    pendingReads.delete(subscription);
    if (next.done) break;
    messages.push(next.value);
  }
  return messages;
}

const eventsOf = (messages: SubscriptionMessage[], streams: string[]): RecordedEvent[] =>
  messages.flatMap((message) =>
    message.kind === 'event' && streams.includes(message.event.streamName) ? [message.event] : [],
  );

/**
 * The behaviour every EventStore adapter must show. Stream names are unique per test, so the suite also runs
 * against a shared, non-empty store (a real EventStoreDB).
 */
export function describeEventStoreContract(name: string, subject: () => Promise<ContractSubject | undefined>): void {
  describe(`EventStore contract: ${name}`, () => {
    let current: ContractSubject | undefined;
    let store: EventStore;

    beforeAll(async () => {
      current = await subject();
      if (current) store = current.store;
    });
    afterAll(async () => {
      await current?.dispose();
    });

    const it_ = (title: string, body: () => Promise<void>) =>
      it(title, async () => {
        if (!current) return; // the subject factory announced the skip loudly
        await body();
      });

    describe('append', () => {
      it_('writes a new stream with no_stream, starting at revision 0', async () => {
        const stream = uniqueStream();
        const events = [testEvent('A', { n: 1 }), testEvent('B', { n: 2, nested: { list: [1, 'two'] } })];
        const result = await store.append(stream, events, 'no_stream');
        expect(result.nextExpectedRevision).toBe(1n);
        const read = await store.readStream(stream);
        expect(read.map((e) => [e.id, e.type, e.revision, e.streamName])).toEqual([
          [events[0].id, 'A', 0n, stream],
          [events[1].id, 'B', 1n, stream],
        ]);
        expect(read[1].data).toEqual(events[1].data);
        expect(read[1].metadata).toEqual(events[1].metadata);
        expect(read[1].recordedAt).toBeInstanceOf(Date);
      });

      it_('appends at the exact expected revision and refuses a stale one, with expected and actual', async () => {
        const stream = uniqueStream();
        await store.append(stream, [testEvent(), testEvent()], 'no_stream');
        const next = await store.append(stream, [testEvent()], 1n);
        expect(next.nextExpectedRevision).toBe(2n);
        await expectWrongVersion(store.append(stream, [testEvent()], 1n), 1n, 2n);
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it_('refuses no_stream on an existing stream', async () => {
        const stream = uniqueStream();
        await store.append(stream, [testEvent()], 'no_stream');
        await expectWrongVersion(store.append(stream, [testEvent()], 'no_stream'), 'no_stream', 0n);
      });

      it_('refuses stream_exists on a missing stream, and an exact revision on a missing stream', async () => {
        const stream = uniqueStream();
        await expectWrongVersion(store.append(stream, [testEvent()], 'stream_exists'), 'stream_exists', 'no_stream');
        await expectWrongVersion(store.append(stream, [testEvent()], 0n), 0n, 'no_stream');
        await expect(store.readStream(stream)).rejects.toBeInstanceOf(StreamNotFoundError);
      });

      it_('accepts stream_exists on an existing stream and any in every case', async () => {
        const stream = uniqueStream();
        await store.append(stream, [testEvent()], 'any');
        await store.append(stream, [testEvent()], 'stream_exists');
        const last = await store.append(stream, [testEvent()], 'any');
        expect(last.nextExpectedRevision).toBe(2n);
      });

      it_('writes nothing of a multi-event append that is refused', async () => {
        const stream = uniqueStream();
        await store.append(stream, [testEvent()], 'no_stream');
        await expectWrongVersion(store.append(stream, [testEvent(), testEvent(), testEvent()], 5n), 5n, 0n);
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it_('treats the same event ids appended again with the same expectation as a success, not a duplicate', async () => {
        const stream = uniqueStream();
        const first = [testEvent(), testEvent()];
        const original = await store.append(stream, first, 'no_stream');
        const again = await store.append(stream, first, 'no_stream');
        expect(again.nextExpectedRevision).toBe(original.nextExpectedRevision);
        const second = [testEvent()];
        const atOne = await store.append(stream, second, 1n);
        const atOneAgain = await store.append(stream, second, 1n);
        expect(atOneAgain.nextExpectedRevision).toBe(atOne.nextExpectedRevision);
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it_('returns the position of the last event written, which reads back in $all', async () => {
        const stream = uniqueStream();
        const result = await store.append(stream, [testEvent(), testEvent()], 'no_stream');
        const [fromAll] = await store.readAll({ from: result.position, maxCount: 1 });
        expect(fromAll.streamName).toBe(stream);
        expect(fromAll.revision).toBe(1n);
      });
    });

    describe('readStream', () => {
      it_('reads from a revision, up to a count', async () => {
        const stream = uniqueStream();
        await store.append(stream, [1, 2, 3, 4, 5].map((n) => testEvent('N', { n })), 'no_stream');
        const slice = await store.readStream(stream, { fromRevision: 1n, maxCount: 3 });
        expect(slice.map((event) => event.data.n)).toEqual([2, 3, 4]);
      });

      it_('raises StreamNotFoundError for a stream never written', async () => {
        await expect(store.readStream(uniqueStream())).rejects.toBeInstanceOf(StreamNotFoundError);
      });
    });

    describe('readAll', () => {
      it_('reads every stream in one total order, forwards from an inclusive position, in pages', async () => {
        const [a, b] = [uniqueStream(), uniqueStream()];
        const first = await store.append(a, [testEvent('A1')], 'no_stream');
        await store.append(b, [testEvent('B1'), testEvent('B2')], 'no_stream');
        await store.append(a, [testEvent('A2')], 0n);

        const page = await store.readAll({ from: first.position, maxCount: 100 });
        const ours = page.filter((event) => [a, b].includes(event.streamName));
        expect(ours.map((event) => event.type)).toEqual(['A1', 'B1', 'B2', 'A2']);
        for (let i = 1; i < page.length; i++) {
          expect(comparePositions(page[i - 1].position, page[i].position)).toBeLessThan(0);
        }
        const firstTwo = await store.readAll({ from: first.position, maxCount: 2 });
        expect(firstTwo).toHaveLength(2);
        expect(firstTwo[0].type).toBe('A1');
      });

      it_('gives positions that serialise and parse back to the same total order', async () => {
        const stream = uniqueStream();
        const result = await store.append(stream, [testEvent(), testEvent()], 'no_stream');
        const [event] = await store.readAll({ from: result.position, maxCount: 1 });
        const text = serializePosition(event.position);
        const parsed = parsePosition(text) as Position;
        expect(comparePositions(parsed, event.position)).toBe(0);
        expect(comparePositions(parsed, result.position)).toBe(0);
      });
    });

    describe('subscribeToAll', () => {
      it_('catches up, signals caught-up, then delivers live events in order', async () => {
        const stream = uniqueStream();
        const afterOld1 = await store.append(stream, [testEvent('Old1')], 'no_stream');
        await store.append(stream, [testEvent('Old2')], 0n);
        // Subscribing after Old1's position: the start is exclusive, so only Old2 is caught up.
        const subscription = store.subscribeToAll({ after: afterOld1.position });
        try {
          const catchUp = await collect(subscription, (messages) => messages.some((m) => m.kind === 'caught-up'));
          expect(catchUp.filter((m) => m.kind === 'caught-up')).toHaveLength(1);
          await store.append(stream, [testEvent('Live1')], 1n);
          await store.append(stream, [testEvent('Live2'), testEvent('Live3')], 2n);
          // A store may hold an event back while older transactions settle, so Old2 can also arrive after caught-up.
          const live = await collect(subscription, (messages) => eventsOf([...catchUp, ...messages], [stream]).length >= 4);
          const all = [...catchUp, ...live];
          expect(eventsOf(all, [stream]).map((event) => event.type)).toEqual(['Old2', 'Live1', 'Live2', 'Live3']);
          expect(all.filter((m) => m.kind === 'caught-up')).toHaveLength(1);
        } finally {
          await subscription.close();
        }
      });

      it_('delivers from the start of the log when no position is given', async () => {
        const stream = uniqueStream();
        await store.append(stream, [testEvent('Early')], 'no_stream');
        const subscription = store.subscribeToAll();
        try {
          const messages = await collect(subscription, (seen) => eventsOf(seen, [stream]).length === 1, 30000);
          expect(eventsOf(messages, [stream])[0].type).toBe('Early');
        } finally {
          await subscription.close();
        }
      });

      it_('stops iterating after close', async () => {
        const subscription = store.subscribeToAll({ after: (await store.append(uniqueStream(), [testEvent()], 'no_stream')).position });
        await collect(subscription, (messages) => messages.some((m) => m.kind === 'caught-up'));
        await subscription.close();
        const iterator = subscription[Symbol.asyncIterator]();
        let timer: NodeJS.Timeout | undefined;
        const next = await Promise.race([
          iterator.next(),
          new Promise<'still-open'>((resolve) => (timer = setTimeout(() => resolve('still-open'), 3000))),
        ]);
        clearTimeout(timer);
        expect(next).not.toBe('still-open');
      });
    });
  });
}
