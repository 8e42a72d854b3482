import { PublishingStatus } from './publishing-status';

describe('PublishingStatus, what /health and /metrics read', () => {
  let now = Date.parse('2026-01-10T12:00:00.000Z');
  const status = () => new PublishingStatus('topic-1', () => now);

  it('says disabled, with the checkpoint where it stays', () => {
    const s = status();
    s.disabled('-1/-1');
    expect(s.snapshot()).toMatchObject({ state: 'disabled', enabled: false, checkpoint: '-1/-1', connected: false, topic: 'topic-1' });
  });

  it('measures lag from the oldest event sent and not yet checkpointed, batch by batch', () => {
    const s = status();
    s.leaseTaken('-1/-1');
    s.read(3);
    s.sending(new Date(now - 4000));
    s.read(2);
    s.sending(new Date(now - 1000));
    expect(s.snapshot()).toMatchObject({ pendingEvents: 5, lagSeconds: 4 });
    s.acknowledged({ events: 3, published: 2, skipped: 1, checkpoint: '5/3' });
    expect(s.snapshot()).toMatchObject({ pendingEvents: 2, lagSeconds: 1, publishedEvents: 2, skippedEvents: 1, checkpoint: '5/3' });
    s.acknowledged({ events: 2, published: 2, skipped: 0, checkpoint: '6/5' });
    expect(s.snapshot()).toMatchObject({ pendingEvents: 0, lagSeconds: 0, publishedEvents: 4, lastPublishedAt: '2026-01-10T12:00:00.000Z' });
  });

  it('reports an unreachable broker until it answers again', () => {
    const s = status();
    s.leaseTaken('-1/-1');
    s.failed(new Error('Connection error: connect ECONNREFUSED'), { brokerDown: true });
    expect(s.snapshot()).toMatchObject({
      state: 'retrying',
      connected: false,
      failedAttempts: 1,
      lastError: { message: 'Connection error: connect ECONNREFUSED', at: '2026-01-10T12:00:00.000Z' },
    });
    now += 1000;
    s.brokerReachable();
    expect(s.snapshot()).toMatchObject({ state: 'publishing', connected: true });
  });
});
