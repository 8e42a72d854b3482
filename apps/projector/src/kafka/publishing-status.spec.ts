import { ProcessorStatus } from '../engine/processor-status';
import { PublishingStatus } from './publishing-status';

describe('PublishingStatus, what /health and /metrics read', () => {
  let now = Date.parse('2026-01-10T12:00:00.000Z');
  const status = () => new PublishingStatus('topic-1', () => now);
  /** The publisher's engine status, holding its lease from the start of the log. */
  const holding = () => {
    const engine = new ProcessorStatus('integration-events:topic-1', null, () => now);
    engine.state = 'catching-up';
    engine.leaseHeld = true;
    engine.checkpoint = '-1/-1';
    return engine;
  };
  /** The engine committing a batch's checkpoint after the broker acknowledged it. */
  const committed = (engine: ProcessorStatus, checkpoint: string) =>
    engine.batchCommitted({ applied: 0, ignored: 0, seconds: 0, checkpoint });

  it('says disabled, with the checkpoint where it stays', () => {
    const s = status();
    const engine = new ProcessorStatus('integration-events:topic-1');
    engine.state = 'disabled';
    engine.checkpoint = '-1/-1';
    expect(s.snapshot(engine.snapshot())).toMatchObject({ state: 'disabled', enabled: false, checkpoint: '-1/-1', connected: false, topic: 'topic-1' });
  });

  it('measures lag from the oldest event sent and not yet checkpointed, batch by batch', () => {
    const s = status();
    const engine = holding();
    s.read(3);
    s.sending(new Date(now - 4000));
    s.read(2);
    s.sending(new Date(now - 1000));
    expect(s.snapshot(engine.snapshot())).toMatchObject({ pendingEvents: 5, lagSeconds: 4 });
    s.acknowledged({ events: 3, published: 2, skipped: 1 });
    committed(engine, '5/3');
    expect(s.snapshot(engine.snapshot())).toMatchObject({ pendingEvents: 2, lagSeconds: 1, publishedEvents: 2, skippedEvents: 1, checkpoint: '5/3' });
    s.acknowledged({ events: 2, published: 2, skipped: 0 });
    committed(engine, '6/5');
    expect(s.snapshot(engine.snapshot())).toMatchObject({ pendingEvents: 0, lagSeconds: 0, publishedEvents: 4, lastPublishedAt: '2026-01-10T12:00:00.000Z' });
  });

  it('reports an unreachable broker until it answers again', () => {
    const s = status();
    const engine = holding();
    // What the publisher does when a send fails: its own figures, and the engine's state through the session.
    s.brokerUnreachable();
    engine.failed(new Error('Connection error: connect ECONNREFUSED'));
    engine.state = 'retrying';
    expect(s.snapshot(engine.snapshot())).toMatchObject({
      state: 'retrying',
      connected: false,
      failedAttempts: 1,
      lastError: { message: 'Connection error: connect ECONNREFUSED', at: '2026-01-10T12:00:00.000Z' },
    });
    now += 1000;
    s.brokerReachable();
    engine.recovered();
    expect(s.snapshot(engine.snapshot())).toMatchObject({ state: 'publishing', connected: true });
  });
});
