import { setTimeout as delay } from 'node:timers/promises';
import { RecordedEvent } from '@flipside/event-store';
import { SubscriptionBatches } from './subscription-batches';
import { eventMessages, ScriptedSubscription } from './testing/scripted-subscription';

const ids = (events: readonly RecordedEvent[] | undefined) => events?.map((event) => event.id);

describe('SubscriptionBatches: cutting a subscription into batches', () => {
  it('fills batches up to the event limit while catching up, keeping the order of the log', async () => {
    const subscription = new ScriptedSubscription();
    const backlog = eventMessages(7);
    subscription.push(...backlog, { kind: 'caught-up' });
    const batches = new SubscriptionBatches(subscription, { maxEvents: 3, lingerMs: 5 }, () => undefined);
    const sizes: number[] = [];
    const read: string[] = [];
    for (let i = 0; i < 3; i++) {
      const batch = await batches.next();
      sizes.push(batch?.events.length ?? 0);
      read.push(...(ids(batch?.events) ?? []));
    }
    expect(sizes).toEqual([3, 3, 1]);
    expect(read).toEqual(backlog.map((message) => message.event.id));
  });

  it('while catching up, waits for the next event however long it takes: no linger before caught-up', async () => {
    const subscription = new ScriptedSubscription();
    const [first, second, third] = eventMessages(3);
    subscription.push(first, second);
    const batches = new SubscriptionBatches(subscription, { maxEvents: 3, lingerMs: 5 }, () => undefined);
    const reading = batches.next();
    await delay(30);
    subscription.push(third);
    expect(ids((await reading)?.events)).toEqual([first, second, third].map((message) => message.event.id));
  });

  it('on caught-up, tells the caller and hands a non-empty batch over at once', async () => {
    const subscription = new ScriptedSubscription();
    let caughtUp = 0;
    const [first, second, live] = eventMessages(3);
    subscription.push(first, second, { kind: 'caught-up' }, live);
    const batches = new SubscriptionBatches(subscription, { maxEvents: 100, lingerMs: 5 }, () => caughtUp++);
    expect(ids((await batches.next())?.events)).toEqual([first.event.id, second.event.id]);
    expect(caughtUp).toBe(1);
    expect(ids((await batches.next())?.events)).toEqual([live.event.id]);
  });

  it('hands a live batch over after the linger, and the read still waiting goes to the next batch', async () => {
    const subscription = new ScriptedSubscription();
    let caughtUp = false;
    const batches = new SubscriptionBatches(subscription, { maxEvents: 100, lingerMs: 20 }, () => (caughtUp = true));
    const [first, second] = eventMessages(2);
    subscription.push({ kind: 'caught-up' }, first);
    const one = await batches.next();
    expect(caughtUp).toBe(true);
    expect(ids(one?.events)).toEqual([first.event.id]);
    const pending = batches.next();
    subscription.push(second);
    expect(ids((await pending)?.events)).toEqual([second.event.id]);
  });

  it('keeps a read left pending by a handed-over batch for the next one: nothing dropped, nothing read twice', async () => {
    const subscription = new ScriptedSubscription();
    const batches = new SubscriptionBatches(subscription, { maxEvents: 100, lingerMs: 10 }, () => undefined);
    const [first, second, third] = eventMessages(3);
    subscription.push({ kind: 'caught-up' }, first);
    expect(ids((await batches.next())?.events)).toEqual([first.event.id]);
    // The read the linger cut short is answered while no batch is being filled.
    subscription.push(second, third);
    await delay(20);
    expect(ids((await batches.next())?.events)).toEqual([second.event.id, third.event.id]);
    await subscription.close();
    expect(await batches.next()).toBeUndefined();
  });

  it('cuts a batch once the weight limit is reached, whatever the event count, taking each event once', async () => {
    const subscription = new ScriptedSubscription();
    const backlog = eventMessages(10);
    subscription.push(...backlog, { kind: 'caught-up' });
    const taken: string[] = [];
    const take = (event: RecordedEvent) => {
      taken.push(event.id);
      return { item: `item of ${event.id}`, weight: 2 };
    };
    const batches = new SubscriptionBatches(subscription, { maxEvents: 100, lingerMs: 5, maxWeight: 5 }, () => undefined, take);
    const batch = await batches.next();
    // The event that reaches the limit is the batch's last.
    expect(ids(batch?.events)).toEqual(backlog.slice(0, 3).map((message) => message.event.id));
    expect(batch?.items).toEqual(batch?.events.map((event) => `item of ${event.id}`));
    expect((await batches.next())?.events).toHaveLength(3);
    expect(taken).toEqual(backlog.slice(0, 6).map((message) => message.event.id));
  });

  it('ends when the subscription ends', async () => {
    const subscription = new ScriptedSubscription();
    const [only] = eventMessages(1);
    subscription.push(only, { kind: 'caught-up' });
    const batches = new SubscriptionBatches(subscription, { maxEvents: 10, lingerMs: 5 }, () => undefined);
    expect(ids((await batches.next())?.events)).toEqual([only.event.id]);
    await subscription.close();
    expect(await batches.next()).toBeUndefined();
    expect(await batches.next()).toBeUndefined();
  });
});

describe('The stored-event gate: every processor gets events upcast, once, with their metadata untouched', () => {
  const enrolledV1 = (): RecordedEvent => ({
    id: 'enrolled-v1',
    type: 'ParticipantEnrolled',
    streamName: 'program-p-1',
    revision: 1n,
    position: { commit: 10n, prepare: 10n },
    data: {
      programId: 'p-1', participantId: 'emp-1', role: 'mentor', displayName: 'Kavya Rao', email: 'kavya@acme.test',
      seniority: 2, department: 'Marketing', skills: [], interests: [], enrolledOn: '2026-01-05',
    },
    metadata: { schemaVersion: 1, hash: 'a'.repeat(64), organizationId: 'acme' },
    recordedAt: new Date(),
  });

  it('hands a v1 enrolment over in the current shape (personId = participantId) and the same metadata, to take and to the batch', async () => {
    const subscription = new ScriptedSubscription();
    const stored = enrolledV1();
    subscription.push({ kind: 'event', event: stored }, { kind: 'caught-up' });
    const taken: RecordedEvent[] = [];
    const batches = new SubscriptionBatches<null>(subscription, { maxEvents: 10, lingerMs: 5 }, () => undefined, (event) => {
      taken.push(event);
      return { item: null, weight: 0 };
    });
    const batch = await batches.next();
    expect(batch?.events[0].data).toMatchObject({ personId: 'emp-1', displayName: 'Kavya Rao' });
    expect(taken[0]).toBe(batch?.events[0]);
    expect(batch?.events[0].metadata).toEqual(stored.metadata);
    expect(stored.data.personId).toBeUndefined();
  });
});
