import { AllSubscription, comparePositions, Position, RecordedEvent, serializePosition } from '@flipside/event-store';
import { openReadModels } from '@flipside/read-models';
import { createTestDatabase, requirePostgres, TestDatabase } from '@flipside/testing';
import { DataSource } from 'typeorm';
import { checkpointStore } from './checkpoint-store';
import { Batch, BatchWork, Processor, ProcessorSession, Queryable } from './processor';
import { DEFAULT_ENGINE_SETTINGS, poolOf, ProcessorEngine } from './processor-engine';
import { programLaunched, ScriptedSubscription } from './testing/scripted-subscription';

/** The log in memory: a subscription replays what is stored after its position, then follows appends. */
class MemoryLog {
  readonly events: RecordedEvent[] = [];
  private readonly live = new Set<{ subscription: ScriptedSubscription; after: Position }>();

  append(count: number): RecordedEvent[] {
    const added = Array.from({ length: count }, (_, i) => programLaunched(`p-${this.events.length + i}`));
    this.events.push(...added);
    for (const { subscription } of this.live) subscription.push(...added.map((event) => ({ kind: 'event' as const, event })));
    return added;
  }

  subscribeToAll({ after }: { after?: Position } = {}): AllSubscription {
    const subscription = new ScriptedSubscription();
    const stored = this.events.filter((event) => !after || comparePositions(event.position, after) > 0);
    subscription.push(...stored.map((event) => ({ kind: 'event' as const, event })), { kind: 'caught-up' });
    const entry = { subscription, after: after! };
    this.live.add(entry);
    const close = subscription.close.bind(subscription);
    subscription.close = async () => {
      this.live.delete(entry);
      await close();
    };
    return subscription;
  }
}

const until = async (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/** A processor that keeps one row per event it handles in its own table, and records what the engine asked of it. */
class Recorder implements Processor {
  readonly setUps: Position[] = [];
  readonly sideLoopWakes: string[] = [];
  readonly handled: number[] = [];
  failOn?: string;
  failSideLoopOnce = false;
  busyUntil?: Promise<void>;
  due = Infinity;
  ticks = 0;
  session?: ProcessorSession;

  constructor(readonly name: string) {}

  async setUp(db: Queryable, session: ProcessorSession): Promise<void> {
    await db.query(`CREATE TABLE IF NOT EXISTS ${this.table} (event_id text PRIMARY KEY)`);
    this.setUps.push(session.from);
    this.session = session;
  }

  get table(): string {
    return `projector.${this.name.replace(/-/g, '_')}_rows`;
  }

  dueInMs(): number {
    return this.due;
  }

  async handle(batch: Batch): Promise<BatchWork> {
    if (batch.events.length === 0) this.ticks++;
    this.handled.push(batch.events.length);
    return async (db) => {
      for (const event of batch.events) {
        if (event.id === this.failOn) throw new Error('this event breaks a rule of the processor');
        await db.query(`INSERT INTO ${this.table} (event_id) VALUES ($1)`, [event.id]);
      }
    };
  }

  async whileLeaseHeld(session: ProcessorSession): Promise<void> {
    while (!session.held.aborted) {
      const reason = await session.nextCommit();
      if (reason === 'stopped') return;
      this.sideLoopWakes.push(reason);
      // Busy with something else for a while: wakes meanwhile must wait for the next nextCommit().
      if (this.busyUntil) await this.busyUntil;
      if (this.failSideLoopOnce && reason === 'committed') {
        this.failSideLoopOnce = false;
        throw new Error('the side loop lost its way');
      }
    }
  }
}

describe('ProcessorEngine: one engine for every processor', () => {
  let database: TestDatabase | undefined;
  let dataSource: DataSource;
  const running: { stop: AbortController; done: Promise<void> }[] = [];

  const start = (processor: Processor, log: MemoryLog) => {
    const engine = new ProcessorEngine(processor, { store: log, dataSource, databaseUrl: database!.url }, { ...DEFAULT_ENGINE_SETTINGS, retryPauseMs: 50, leaseRetryMs: 50 });
    const stop = new AbortController();
    running.push({ stop, done: engine.run(stop.signal) });
    return engine;
  };
  /** The processor's rows; none before its setUp created its table. */
  const rows = async (processor: Recorder) =>
    (processor.setUps.length === 0 ? 0 : (await poolOf(dataSource).query(`SELECT count(*)::int AS n FROM ${processor.table}`)).rows[0].n) as number;
  const checkpoint = async (name: string) => {
    const stored = await checkpointStore.read(poolOf(dataSource), name);
    return stored && serializePosition(stored.position);
  };

  beforeAll(async () => {
    if (!(await requirePostgres())) return;
    database = await createTestDatabase('flipside_engine');
    dataSource = await openReadModels({ databaseUrl: database.url, poolSize: 4 });
  });
  afterEach(async () => {
    for (const { stop, done } of running.splice(0)) {
      stop.abort();
      await done;
    }
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it("commits a batch's work with its checkpoint, and wakes the side loop after each commit or on wake()", async () => {
    if (!database) return;
    const log = new MemoryLog();
    log.append(5);
    const processor = new Recorder('engine-commits');
    const engine = start(processor, log);
    await until(async () => (await checkpoint(processor.name)) === serializePosition(log.events[4].position), 'the backlog is committed');
    expect(await rows(processor)).toBe(5);
    expect(processor.setUps).toEqual([{ commit: -1n, prepare: -1n }]);
    await until(() => processor.sideLoopWakes.includes('committed'), 'the side loop hears of the commit');
    await until(() => engine.status.state === 'live', 'the engine follows live');
    expect(engine.status.snapshot()).toMatchObject({ leaseHeld: true, caughtUp: true, eventsApplied: 5, lastError: null });
    processor.session!.wake();
    await until(() => processor.sideLoopWakes.includes('woken'), 'the side loop is woken');
    log.append(2);
    await until(async () => (await rows(processor)) === 7, 'live events are committed');
  });

  it('keeps a wake() that comes while the side loop is busy for its next wait', async () => {
    if (!database) return;
    const processor = new Recorder('engine-busy-side-loop');
    const engine = start(processor, new MemoryLog());
    // Catching up wakes the side loop once by itself (a loop waiting for it must not sleep through it).
    await until(() => engine.status.state === 'live' && processor.sideLoopWakes.length === 1, 'caught up, and the side loop told');
    let done!: () => void;
    processor.busyUntil = new Promise<void>((resolve) => (done = resolve));
    processor.session!.wake();
    await until(() => processor.sideLoopWakes.length === 2, 'the side loop is woken, then busy');
    processor.session!.wake();
    processor.busyUntil = undefined;
    done();
    await until(() => processor.sideLoopWakes.length === 3, 'the wake that came while it was busy is not lost');
    expect(processor.sideLoopWakes).toEqual(['woken', 'woken', 'woken']);
  });

  it('starts over from the stored checkpoint when the side loop throws: setUp again, nothing handled twice', async () => {
    if (!database) return;
    const log = new MemoryLog();
    log.append(3);
    const processor = new Recorder('engine-side-loop');
    processor.failSideLoopOnce = true;
    const engine = start(processor, log);
    await until(() => processor.setUps.length === 2, 'a second session starts');
    expect(serializePosition(processor.setUps[1])).toBe(serializePosition(log.events[2].position));
    log.append(2);
    await until(async () => (await rows(processor)) === 5, 'the second session goes on from the checkpoint');
    expect(engine.status.lastError?.message).toBe('the side loop lost its way');
  });

  it('halts on the event it cannot apply, named in its status, having committed every event before it', async () => {
    if (!database) return;
    const log = new MemoryLog();
    const events = log.append(6);
    const processor = new Recorder('engine-halts');
    processor.failOn = events[3].id;
    const engine = start(processor, log);
    await until(() => engine.status.state === 'halted', 'the processor halts');
    expect(engine.status.haltedOn).toEqual({
      eventId: events[3].id,
      type: 'ProgramLaunched',
      position: serializePosition(events[3].position),
      reason: 'this event breaks a rule of the processor',
    });
    expect(await rows(processor)).toBe(3);
    expect(await checkpoint(processor.name)).toBe(serializePosition(events[2].position));
    // It keeps the lease: a standby instance would stop on the same event.
    expect(engine.status.leaseHeld).toBe(true);
  });

  it('calls handle with an empty batch when the processor says something is due and no event comes', async () => {
    if (!database) return;
    const log = new MemoryLog();
    log.append(1);
    const processor = new Recorder('engine-due');
    // Asked after each batch (and each tick): due 20 ms after the last.
    processor.due = 20;
    start(processor, log);
    await until(async () => (await rows(processor)) === 1, 'the event is committed');
    await until(() => processor.ticks >= 2, 'the engine ticks');
    processor.due = Infinity;
    expect(processor.handled.filter((events) => events > 0)).toEqual([1]);
    expect(await checkpoint(processor.name)).toBe(serializePosition(log.events[0].position));
  });

  it('lets one instance of a processor run at a time; the other stands by and takes over', async () => {
    if (!database) return;
    const log = new MemoryLog();
    log.append(2);
    const first = new Recorder('engine-lease');
    const second = new Recorder('engine-lease');
    const one = start(first, log);
    await until(() => one.status.state === 'live', 'the first instance follows live');
    const two = start(second, log);
    await until(() => two.status.state === 'standby', 'the second instance stands by');
    running[0].stop.abort();
    await running[0].done;
    log.append(3);
    await until(async () => (await rows(second)) === 5, 'the second instance takes over from the checkpoint');
    expect(second.setUps.map(serializePosition)).toEqual([serializePosition(log.events[1].position)]);
  });
});
