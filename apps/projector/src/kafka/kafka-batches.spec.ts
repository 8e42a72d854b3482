import { SubscriptionBatches } from '../engine/subscription-batches';
import { eventMessages, programLaunched, ScriptedSubscription } from '../engine/testing/scripted-subscription';
import { approximateSize, OutgoingMessage } from './integration-events/kafka-message';
import { KafkaPublisher, Translated } from './kafka-publisher';

/** The publisher's batches as the engine cuts them: its `batching` over a subscription. */
function publisherBatches(subscription: ScriptedSubscription, limits: { maxEvents: number; maxBytes: number; lingerMs: number }) {
  const publisher = new KafkaPublisher({
    clientId: 'test', topic: 'topic-1', partitions: 1, replicationFactor: 1, eventStore: { eventStore: 'postgres', databaseUrl: 'unused' },
    databaseUrl: 'unused', checkpointName: 'integration-events:topic-1', batchSize: limits.maxEvents, maxBatchBytes: limits.maxBytes,
    lingerMs: limits.lingerMs, standbyRetryMs: 100, retryInitialMs: 100, retryMaxMs: 100,
  });
  const { maxEvents, maxWeight, lingerMs, take } = publisher.batching;
  const batches = new SubscriptionBatches<Translated>(subscription, { maxEvents: maxEvents!, maxWeight, lingerMs: lingerMs! }, () => undefined, take);
  return {
    async next() {
      const batch = await batches.next();
      if (!batch) return undefined;
      const messages = batch.items.flatMap((item) => ('message' in item ? [item.message] : []));
      const skipped = batch.items.flatMap((item) => ('skipped' in item ? [item.skipped] : []));
      return { events: batch.events.length, messages, skipped, last: batch.events[batch.events.length - 1].position, firstRecordedAt: batch.events[0].recordedAt };
    },
  };
}

describe('The Kafka publisher’s batches: subscription batches as producer.send batches', () => {
  it('translates each event to its Kafka message, and moves past unknown events (the checkpoint covers them)', async () => {
    const subscription = new ScriptedSubscription();
    const known = programLaunched('p-1');
    const unknown = { ...programLaunched('p-9'), type: 'SomethingNew', recordedAt: new Date(known.recordedAt.getTime() + 1000) };
    subscription.push({ kind: 'event', event: known }, { kind: 'event', event: unknown }, { kind: 'caught-up' });
    const batches = publisherBatches(subscription, { maxEvents: 10, maxBytes: 1_000_000, lingerMs: 5 });
    const batch = await batches.next();
    expect(batch).toMatchObject({ events: 2, skipped: [{ id: unknown.id }], last: unknown.position, firstRecordedAt: known.recordedAt });
    expect(batch?.messages.map((message: OutgoingMessage) => message.headers.ce_id)).toEqual([known.id]);
    await subscription.close();
    expect(await batches.next()).toBeUndefined();
  });

  it('cuts a batch at the byte limit, weighing the Kafka messages', async () => {
    const subscription = new ScriptedSubscription();
    subscription.push(...eventMessages(10), { kind: 'caught-up' });
    const batches = publisherBatches(subscription, { maxEvents: 100, maxBytes: 1000, lingerMs: 5 });
    const batch = await batches.next();
    expect(batch?.events).toBeGreaterThan(1);
    expect(batch?.events).toBeLessThan(10);
    const sizes = batch?.messages.map(approximateSize) ?? [];
    const bytes = sizes.reduce((sum: number, size: number) => sum + size, 0);
    // The message that reaches the limit is the batch's last.
    expect(bytes).toBeGreaterThanOrEqual(1000);
    expect(bytes - sizes[sizes.length - 1]).toBeLessThan(1000);
  });
});
