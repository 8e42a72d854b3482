import { AllSubscription, RecordedEvent, SubscriptionMessage } from '@flipside/event-store';

/** A subscription fed by the test: `push` delivers, `close` ends it. */
export class ScriptedSubscription implements AllSubscription {
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

let sequence = 0n;
/** A stored ProgramLaunched: any event does for batching, and this one is also published. */
export function programLaunched(programId: string): RecordedEvent {
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

/** `count` event messages, over three programs. */
export const eventMessages = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ kind: 'event', event: programLaunched(`p-${i % 3}`) }) as const);
