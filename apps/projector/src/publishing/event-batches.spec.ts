import { ScriptedSubscription, eventMessages, programLaunched } from '../subscribing/testing/scripted-subscription';
import { EventBatches } from './event-batches';
import { approximateSize } from './integration-events/kafka-message';

describe('EventBatches: subscription batches as producer.send batches', () => {
  it('translates each event to its Kafka message, and moves past unknown events (the checkpoint covers them)', async () => {
    const subscription = new ScriptedSubscription();
    const known = programLaunched('p-1');
    const unknown = { ...programLaunched('p-9'), type: 'SomethingNew', recordedAt: new Date(known.recordedAt.getTime() + 1000) };
    subscription.push({ kind: 'event', event: known }, { kind: 'event', event: unknown }, { kind: 'caught-up' });
    const batches = new EventBatches(subscription, { maxEvents: 10, maxBytes: 1_000_000, lingerMs: 5 }, () => undefined);
    const batch = await batches.next();
    expect(batch).toMatchObject({ events: 2, skipped: [{ id: unknown.id }], last: unknown.position, firstRecordedAt: known.recordedAt });
    expect(batch?.messages.map((message) => message.headers.ce_id)).toEqual([known.id]);
    await subscription.close();
    expect(await batches.next()).toBeUndefined();
  });

  it('cuts a batch at the byte limit, weighing the Kafka messages', async () => {
    const subscription = new ScriptedSubscription();
    subscription.push(...eventMessages(10), { kind: 'caught-up' });
    const batches = new EventBatches(subscription, { maxEvents: 100, maxBytes: 1000, lingerMs: 5 }, () => undefined);
    const batch = await batches.next();
    expect(batch?.events).toBeGreaterThan(1);
    expect(batch?.events).toBeLessThan(10);
    const sizes = batch?.messages.map(approximateSize) ?? [];
    const bytes = sizes.reduce((sum, size) => sum + size, 0);
    // The message that reaches the limit is the batch's last.
    expect(bytes).toBeGreaterThanOrEqual(1000);
    expect(bytes - sizes[sizes.length - 1]).toBeLessThan(1000);
  });
});
