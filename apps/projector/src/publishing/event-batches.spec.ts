import { AllSubscription, RecordedEvent, SubscriptionMessage } from '@flipside/event-store';
import { EventBatches } from './event-batches';

let sequence = 0n;
function launched(programId: string): RecordedEvent {
  sequence++;
  return {
    id: `event-${sequence}`,
    type: 'ProgramLaunched',
    streamName: `program-${programId}`,
    revision: 0n,
    position: { commit: sequence, prepare: sequence },
    data: { programId, launchedOn: '2026-01-05' },
    metadata: { organizationId: 'acme', occurredAt: '2026-01-05T10:00:00.000Z', schemaVersion: 1 },
    recordedAt: new Date(),
  };
}

/** A subscription fed by the test: `push` delivers, `end` closes. */
class ScriptedSubscription implements AllSubscription {
  private readonly queue: SubscriptionMessage[] = [];
  private wake?: () => void;
  private closed = false;

  push(...messages: SubscriptionMessage[]): void {
    this.queue.push(...messages);
    this.wake?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    for (;;) {
      while (this.queue.length > 0) yield this.queue.shift() as SubscriptionMessage;
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

const events = (count: number) => Array.from({ length: count }, (_, i) => ({ kind: 'event', event: launched(`p-${i % 3}`) }) as const);

describe('EventBatches: cutting the log into producer.send batches', () => {
  it('fills batches up to the event limit while catching up, keeping the order of the log', async () => {
    const subscription = new ScriptedSubscription();
    const backlog = events(7);
    subscription.push(...backlog, { kind: 'caught-up' });
    const batches = new EventBatches(subscription, { maxEvents: 3, maxBytes: 1_000_000, lingerMs: 5 }, () => undefined);
    const sizes: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const batch = await batches.next();
      sizes.push(batch?.events ?? 0);
      ids.push(...(batch?.messages.map((message) => message.headers.ce_id) ?? []));
    }
    expect(sizes).toEqual([3, 3, 1]);
    expect(ids).toEqual(backlog.map((message) => message.event.id));
  });

  it('hands a live batch over after the linger, and the read still waiting goes to the next batch', async () => {
    const subscription = new ScriptedSubscription();
    let caughtUp = false;
    const batches = new EventBatches(subscription, { maxEvents: 100, maxBytes: 1_000_000, lingerMs: 20 }, () => (caughtUp = true));
    const [first, second] = events(2);
    subscription.push({ kind: 'caught-up' }, first);
    const one = await batches.next();
    expect(caughtUp).toBe(true);
    expect(one?.messages.map((message) => message.headers.ce_id)).toEqual([first.event.id]);
    const pending = batches.next();
    subscription.push(second);
    expect((await pending)?.messages.map((message) => message.headers.ce_id)).toEqual([second.event.id]);
  });

  it('moves past unknown events (the checkpoint covers them) and ends when the subscription ends', async () => {
    const subscription = new ScriptedSubscription();
    const unknown = { ...launched('p-9'), type: 'SomethingNew' };
    subscription.push({ kind: 'event', event: unknown }, { kind: 'caught-up' });
    const batches = new EventBatches(subscription, { maxEvents: 10, maxBytes: 1_000_000, lingerMs: 5 }, () => undefined);
    const batch = await batches.next();
    expect(batch).toMatchObject({ events: 1, messages: [], skipped: [{ id: unknown.id }], last: unknown.position });
    await subscription.close();
    expect(await batches.next()).toBeUndefined();
  });

  it('cuts a batch at the byte limit, whatever the event count', async () => {
    const subscription = new ScriptedSubscription();
    subscription.push(...events(10), { kind: 'caught-up' });
    const batches = new EventBatches(subscription, { maxEvents: 100, maxBytes: 1000, lingerMs: 5 }, () => undefined);
    const batch = await batches.next();
    expect(batch?.events).toBeGreaterThan(1);
    expect(batch?.events).toBeLessThan(10);
  });
});
