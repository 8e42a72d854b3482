import { EventReader, EventStore, ReadAllOptions, RecordedEvent, serializePosition } from '@flipside/event-store';
import { setTimeout as delay } from 'node:timers/promises';
import { ProcessorLag } from '../src/engine/processor-lag';
import { ProcessorStatus } from '../src/engine/processor-status';
import { eventually } from './support/projector-in-process';
import { programScript } from './support/program-script';
import { appendEvents } from './support/seed-events';
import { startTestStore, TestStore } from './support/publishing-harness';

/** The real store's readAll, counted and slowed down, to see how sampling behaves against a slow store. */
class ObservedReader implements Pick<EventReader, 'readAll'> {
  reads = 0;
  active = 0;
  mostAtOnce = 0;

  constructor(
    private readonly store: EventStore,
    private readonly extraMs: number,
  ) {}

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    this.reads++;
    this.mostAtOnce = Math.max(this.mostAtOnce, ++this.active);
    try {
      await delay(this.extraMs);
      return await this.store.readAll(options);
    } finally {
      this.active--;
    }
  }
}

const holding = (name: string, checkpoint: string | null): ProcessorStatus => {
  const status = new ProcessorStatus(name, 1);
  status.leaseHeld = true;
  status.checkpoint = checkpoint;
  return status;
};

describe('Projection lag, sampled from the event store', () => {
  let database: TestStore | undefined;
  let events: RecordedEvent[];

  beforeAll(async () => {
    database = await startTestStore('flipside_lag');
    if (!database) return;
    const p = programScript('program-lag');
    await appendEvents(database.store, [p.created(), p.enrolled('m1', 'mentor'), p.enrolled('e1', 'mentee'), p.launched(), p.paired('pair-l', 'm1', 'e1')]);
    events = await database.allEvents();
  });
  afterAll(() => database?.close());

  it('counts the events after the checkpoint (up to the cap) and the age of the oldest of them', async () => {
    if (!database) return;
    const fromSecond = holding('behind', serializePosition(events[1].position));
    const fromStart = holding('from-start', null);
    const caughtUp = holding('caught-up', serializePosition(events[4].position));
    const standby = new ProcessorStatus('standby', 1);
    standby.lagEvents = 7;

    const before = Date.now();
    await new ProcessorLag(database.store, [fromSecond, fromStart, caughtUp, standby], { everyMs: 1000, countCap: 4 }).sample();
    const after = Date.now();

    expect([fromSecond.lagEvents, fromStart.lagEvents, caughtUp.lagEvents, standby.lagEvents]).toEqual([3, 4, 0, 7]);
    const ageOf = (event: RecordedEvent, at: number) => (at - event.recordedAt.getTime()) / 1000;
    expect(fromSecond.lagSeconds).toBeGreaterThanOrEqual(ageOf(events[2], before) - 0.001);
    expect(fromSecond.lagSeconds).toBeLessThanOrEqual(ageOf(events[2], after) + 0.001);
    expect(fromStart.lagSeconds).toBeGreaterThanOrEqual(ageOf(events[0], before) - 0.001);
    expect(caughtUp.lagSeconds).toBe(0);
  });

  it('never starts a sample before the last one ended, however slow the store', async () => {
    if (!database) return;
    const reader = new ObservedReader(database.store, 40);
    const statuses = [holding('a', null), holding('b', null)];
    const lag = new ProcessorLag(reader, statuses, { everyMs: 1, countCap: 10 });
    lag.start();
    try {
      await eventually(async () => reader.reads, (reads) => reads >= 8, 10_000);
    } finally {
      await lag.stop();
    }
    expect(reader.mostAtOnce).toBe(1);
    expect(statuses.map((status) => status.lagEvents)).toEqual([5, 5]);
  });

  it('stop waits for the sample in flight, and no sample starts after it', async () => {
    if (!database) return;
    const reader = new ObservedReader(database.store, 100);
    const lag = new ProcessorLag(reader, [holding('a', null)], { everyMs: 1, countCap: 10 });
    lag.start();
    await eventually(async () => reader.active, (active) => active === 1, 5_000);
    await lag.stop();
    expect(reader.active).toBe(0);
    const reads = reader.reads;
    await delay(150);
    expect(reader.reads).toBe(reads);
  });
});
