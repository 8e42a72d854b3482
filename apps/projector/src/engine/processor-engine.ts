import { Logger } from '@nestjs/common';
import { EventStore, Position, RecordedEvent, serializePosition } from '@flipside/event-store';
import { EventEmitter } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { checkpointStore } from './checkpoint-store';
import { CheckpointedWriter, named } from './checkpointed-writer';
import { CheckpointMoved, describe, describePosition, isControlFlow, isTransientFailure, ProcessorVersionChanged, UnappliableEvent } from './errors';
import { Batch, BatchWork, CommittedBatch, Processor, ProcessorSession, Queryable } from './processor';
import { ProcessorLease } from './processor-lease';
import { ProcessorStatus } from './processor-status';
import { SubscriptionBatches } from './subscription-batches';

export interface EngineSettings {
  /** How often a standby instance tries to take a processor over. */
  readonly leaseRetryMs: number;
  /** Pause before starting over after PostgreSQL was unreachable or a session failed. */
  readonly retryPauseMs: number;
  /** Batch limits for processors that set none. */
  readonly maxBatchEvents: number;
  readonly lingerMs: number;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = { leaseRetryMs: 1000, retryPauseMs: 1000, maxBatchEvents: 1000, lingerMs: 2 };

/** What the engine of one processor works with: its own subscription's store, and the projector's database. */
export interface EngineDependencies {
  readonly store: Pick<EventStore, 'subscribeToAll'>;
  /** The read-model database (entities, search_path read_models): batch transactions and the session's pool. */
  readonly dataSource: DataSource;
  readonly databaseUrl: string;
}

type Outcome = 'stopped' | 'resubscribe' | 'retry' | 'halted';

const DUE = Symbol('due');

/** Thrown inside a session to start it over from the stored checkpoint. */
class StartOver extends Error {}

/** A batch's handling or transaction failed: which batch, and why. */
class FailedBatch<Item> extends Error {
  constructor(
    readonly batch: Batch<Item>,
    override readonly cause: unknown,
  ) {
    super(describe(cause));
  }
}

/**
 * Runs one processor for as long as the process runs (see Processor for the contract): waits for its lease (one
 * active instance per processor), then session after session: set up, rebuild when the stored version differs,
 * follow the log from the stored checkpoint, one transaction per batch with the checkpoint's compare-and-set.
 */
export class ProcessorEngine<Item = undefined> {
  readonly status: ProcessorStatus;
  private readonly logger: Logger;
  private readonly version: number | null;
  private readonly writer: CheckpointedWriter;

  constructor(
    readonly processor: Processor<Item>,
    private readonly deps: EngineDependencies,
    private readonly settings: EngineSettings = DEFAULT_ENGINE_SETTINGS,
    status?: ProcessorStatus,
  ) {
    this.version = processor.version ?? null;
    this.status = status ?? new ProcessorStatus(processor.name, this.version);
    this.logger = new Logger(`Processor ${processor.name}`);
    this.writer = new CheckpointedWriter(deps.dataSource, { name: processor.name, version: this.version });
  }

  /** Runs until `stop` aborts. */
  async run(stop: AbortSignal): Promise<void> {
    if (this.processor.disabled !== undefined) return this.showWhileDisabled(stop);
    while (!stop.aborted) {
      const lease = await new ProcessorLease({
        connectionString: this.deps.databaseUrl,
        name: this.processor.leaseName ?? `flipside.processor:${this.processor.name}`,
        retryMs: this.processor.leaseRetryMs ?? this.settings.leaseRetryMs,
      }).acquire(stop, () => {
        this.status.state = 'standby';
      });
      if (!lease) break;
      this.status.leaseHeld = true;
      const held = AbortSignal.any([stop, lease.lost]);
      try {
        const outcome = await this.whileHeld(stop, lease.lost);
        // Halted: keep the lease, or a standby instance would stop on the same event.
        if (outcome === 'halted') await untilAborted(held);
      } finally {
        this.status.leaseHeld = false;
        this.status.caughtUp = false;
        await lease.release();
      }
      if (!stop.aborted) {
        this.status.state = 'standby';
        this.logger.warn(`Lost the lease (${describe(lease.lost.reason)}); taking it again`);
      }
    }
    this.status.state = 'stopped';
  }

  private async whileHeld(stop: AbortSignal, lost: AbortSignal): Promise<Outcome> {
    for (;;) {
      if (stop.aborted || lost.aborted) return 'stopped';
      let outcome: Outcome;
      try {
        outcome = await this.session(stop, lost);
      } catch (error) {
        outcome = stop.aborted || lost.aborted ? 'stopped' : this.outcomeOf(error);
      }
      if (outcome === 'retry') await pause(this.settings.retryPauseMs, AbortSignal.any([stop, lost]));
      else if (outcome !== 'resubscribe') return outcome;
    }
  }

  /** One session: rebuild if needed, set up, then batches (and the side loop) until something ends it. */
  private async session(stop: AbortSignal, lost: AbortSignal): Promise<Outcome> {
    const ended = new AbortController();
    const held = AbortSignal.any([stop, lost, ended.signal]);
    const { processor } = this;
    const pool = poolOf(this.deps.dataSource);
    const stored = await checkpointStore.ensure(pool, processor.name, this.version);
    const session = new EngineSession(held, pool, stored.position, this.status);
    if (stored.version !== this.version) {
      if (processor.rebuild) {
        this.logger.log(`Stored version ${stored.version}, running version ${this.version}: rebuilding`);
        this.status.state = 'rebuilding';
        await processor.rebuild(stored.version, session);
      } else {
        await checkpointStore.set(pool, processor.name, this.version, stored.position);
      }
      return held.aborted ? 'stopped' : 'resubscribe';
    }
    await processor.setUp?.(pool, session);
    this.status.checkpoint = serializePosition(stored.position);
    this.status.caughtUp = false;
    this.status.state = 'catching-up';
    this.logger.log(`Following the log from ${describePosition(stored.position)}`);
    // The side loop failing ends the session too: everything starts over from what is stored.
    const side = processor.whileLeaseHeld?.(session).then(
      () => undefined,
      (error: unknown) => ended.abort(error ?? new Error('the side loop failed')),
    );
    try {
      await this.follow(stored.position, session, stop, AbortSignal.any([lost, ended.signal]));
    } finally {
      const sideFailure = ended.signal.aborted ? ended.signal.reason : undefined;
      ended.abort();
      await side;
      session.close();
      if (sideFailure !== undefined && !stop.aborted && !lost.aborted) throw sideFailure;
    }
    return 'stopped';
  }

  /** Batches from `from` until the subscription ends; `interrupted`: the lease is lost or the side loop failed. */
  private async follow(from: Position, session: EngineSession, stop: AbortSignal, interrupted: AbortSignal): Promise<void> {
    const { processor } = this;
    const batching = processor.batching ?? {};
    let at = from;
    const subscription = this.deps.store.subscribeToAll({ after: from });
    const close = () => void subscription.close();
    session.held.addEventListener('abort', close, { once: true });
    const batches = new SubscriptionBatches<Item>(
      subscription,
      { maxEvents: batching.maxEvents ?? this.settings.maxBatchEvents, lingerMs: batching.lingerMs ?? this.settings.lingerMs, maxWeight: batching.maxWeight },
      () => {
        if (!this.status.caughtUp) {
          this.logger.log(`Caught up at ${serializePosition(at)}; following live`);
          // A side loop that waits for the log to be caught up (the automation) hears of it, commit or none.
          session.wake();
        }
        this.status.caughtUp = true;
        if (this.status.state === 'catching-up') this.status.state = 'live';
      },
      batching.take,
    );
    let reading = batches.next();
    reading.catch(() => undefined);
    // Batch k commits while batch k+1 is handled (e.g. on its way to Kafka); k+1 commits only after k has.
    let committing: Promise<void> = Promise.resolve();
    try {
      for (;;) {
        // A processor with time-driven work decides when it is due from what the last batch committed.
        if (processor.dueInMs) await committing;
        // A commit that fails while no batch comes is noticed at once, not with the next batch.
        const next = await Promise.race([firstOf(reading, processor.dueInMs?.() ?? Infinity), failureOf(committing)]);
        if (session.held.aborted) break;
        let batch: Batch<Item>;
        if (next === DUE) {
          batch = { events: [], items: [], after: at, last: at };
        } else {
          if (!next) break;
          reading = batches.next();
          // A batch abandoned because the session ended is read again, from the checkpoint, next session.
          reading.catch(() => undefined);
          batch = { events: next.events, items: next.items, after: at, last: next.events[next.events.length - 1].position };
        }
        at = batch.last;
        const part = this.partOf(batch);
        let work: BatchWork | void = undefined;
        try {
          // Nothing for the processor (and nothing due): the checkpoint alone moves past the batch.
          if (part.events.length > 0 || next === DUE) work = await processor.handle(part, session);
        } catch (error) {
          if (session.held.aborted) break;
          await committing;
          throw new FailedBatch(batch, error);
        }
        // Stopping after the outside work still commits it (fewer repeats after a restart); a lost lease does not.
        if (interrupted.aborted) break;
        await committing;
        committing = this.commit(batch, part.events.length, work, session);
        committing.catch(() => undefined);
        if (stop.aborted) break;
      }
      await committing;
    } catch (error) {
      if (error instanceof FailedBatch && !session.held.aborted) throw await this.isolate(error.batch, session, error.cause);
      throw error instanceof FailedBatch ? error.cause : error;
    } finally {
      session.held.removeEventListener('abort', close);
      await subscription.close();
    }
  }

  /** What the processor is given of a batch: the events of the types it takes (all, without `eventTypes`). */
  private partOf(batch: Batch<Item>): Batch<Item> {
    const types = this.processor.eventTypes;
    if (!types) return batch;
    const events: RecordedEvent[] = [];
    const items: Item[] = [];
    batch.events.forEach((event, index) => {
      if (!types.has(event.type)) return;
      events.push(event);
      if (batch.items.length > 0) items.push(batch.items[index]);
    });
    return { events, items, after: batch.after, last: batch.last };
  }

  private async commit(batch: Batch<Item>, applied: number, work: BatchWork | void, session: EngineSession): Promise<void> {
    const started = performance.now();
    try {
      await this.writer.commit(batch.after, batch.last, work);
    } catch (error) {
      throw new FailedBatch(batch, error);
    }
    this.status.batchCommitted({
      applied,
      ignored: batch.events.length - applied,
      seconds: (performance.now() - started) / 1000,
      checkpoint: serializePosition(batch.last),
      lastRecordedAt: batch.events[batch.events.length - 1]?.recordedAt,
    });
    session.committed({ events: batch.events.length, checkpoint: batch.last });
  }

  /**
   * A batch failed for a reason that is not the engine's: its events are handled again one per transaction, so
   * everything before the culprit commits and the error names the one event that cannot be applied.
   */
  private async isolate(batch: Batch<Item>, session: EngineSession, error: unknown): Promise<unknown> {
    if (isControlFlow(error) || error instanceof UnappliableEvent) return error;
    const part = this.partOf(batch);
    if (part.events.length === 0) return error;
    if (part.events.length === 1) return named(error, part.events[0]);
    // Memory the failed batch changed is loaded again from what is stored (setUp registers its listeners anew).
    session.dropListeners();
    await this.processor.setUp?.(session.db, session);
    try {
      await this.writer.oneByOne(
        batch.events,
        batch.after,
        async (event, index) => {
          const single = this.partOf({ events: [event], items: batch.items.length > 0 ? [batch.items[index]] : [], after: batch.after, last: event.position });
          return single.events.length > 0 ? this.processor.handle(single, session) : undefined;
        },
        (event, seconds) => {
          const applied = this.partOf({ events: [event], items: [], after: batch.after, last: event.position }).events.length;
          this.status.batchCommitted({ applied, ignored: 1 - applied, seconds, checkpoint: serializePosition(event.position), lastRecordedAt: event.recordedAt });
          session.committed({ events: 1, checkpoint: event.position });
        },
      );
    } catch (failure) {
      return failure;
    }
    // Each event went through alone: start over from the checkpoint the batch reached.
    return new StartOver();
  }

  private outcomeOf(error: unknown): Outcome {
    if (error instanceof StartOver) return 'resubscribe';
    if (error instanceof CheckpointMoved) {
      this.logger.log(`${error.message}; reading it again`);
      return 'resubscribe';
    }
    this.status.failed(error);
    if (error instanceof ProcessorVersionChanged) {
      this.logger.error(error.message);
      this.status.state = 'halted';
      return 'halted';
    }
    if (isTransientFailure(error)) {
      this.status.state = 'retrying';
      this.logger.warn(`PostgreSQL is unavailable (${describe(error)}); starting over from the checkpoint shortly`);
      return 'retry';
    }
    if (error instanceof UnappliableEvent) {
      this.status.state = 'halted';
      this.status.haltedOn = { eventId: error.event.id, type: error.event.type, position: serializePosition(error.event.position), reason: error.reason };
      this.logger.error(
        `Processor "${this.processor.name}" stopped: ${error.message}. Nothing after this event is applied until the event or the processor is fixed; the other processors go on.`,
      );
      return 'halted';
    }
    // Anything else (the side loop, a bug): start over from what is stored, after a pause.
    this.status.state = 'retrying';
    this.logger.error(`Processor "${this.processor.name}" stopped: ${(error as Error)?.stack ?? String(error)}; starting over from the checkpoint`);
    return 'retry';
  }

  /** Disabled: health shows the stored checkpoint, which nothing moves. */
  private async showWhileDisabled(stop: AbortSignal): Promise<void> {
    this.status.state = 'disabled';
    this.logger.warn(this.processor.disabled!);
    try {
      const stored = await checkpointStore.ensure(poolOf(this.deps.dataSource), this.processor.name, this.version);
      this.status.checkpoint = serializePosition(stored.position);
    } catch (error) {
      this.logger.warn(`Cannot read the checkpoint: ${describe(error)}`);
    }
    await untilAborted(stop);
  }
}

/** The session object processors see. */
class EngineSession implements ProcessorSession {
  private readonly commits = new EventEmitter();
  private pendingCommit = false;
  // A wake() while the side loop is busy is kept for its next nextCommit(): a clock moved then must not be missed.
  private pendingWake = false;
  private wakeUp?: (reason: 'committed' | 'woken' | 'timeout' | 'stopped') => void;

  constructor(
    readonly held: AbortSignal,
    readonly db: Queryable,
    readonly from: Position,
    private readonly status: ProcessorStatus,
  ) {
    held.addEventListener('abort', () => this.wakeUp?.('stopped'), { once: true });
  }

  caughtUp(): boolean {
    return this.status.caughtUp;
  }

  retrying(error: unknown): void {
    this.status.failed(error);
    if (this.status.state !== 'halted' && this.status.state !== 'stopped') this.status.state = 'retrying';
  }

  recovered(): void {
    this.status.recovered();
  }

  committed(batch: CommittedBatch): void {
    this.pendingCommit = true;
    this.commits.emit('committed', batch);
    this.wakeUp?.('committed');
  }

  async nextCommit(timeoutMs = Infinity): Promise<'committed' | 'woken' | 'timeout' | 'stopped'> {
    if (this.held.aborted) return 'stopped';
    if (this.pendingCommit) {
      this.pendingCommit = false;
      return 'committed';
    }
    if (this.pendingWake) {
      this.pendingWake = false;
      return 'woken';
    }
    let timer: NodeJS.Timeout | undefined;
    const reason = await new Promise<'committed' | 'woken' | 'timeout' | 'stopped'>((resolve) => {
      this.wakeUp = resolve;
      if (timeoutMs !== Infinity) timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    clearTimeout(timer);
    this.wakeUp = undefined;
    if (reason === 'committed') this.pendingCommit = false;
    return reason;
  }

  wake(): void {
    if (this.wakeUp) this.wakeUp('woken');
    else this.pendingWake = true;
  }

  onCommitted(listener: (batch: CommittedBatch) => void): () => void {
    this.commits.on('committed', listener);
    return () => this.commits.off('committed', listener);
  }

  dropListeners(): void {
    this.commits.removeAllListeners();
  }

  close(): void {
    this.commits.removeAllListeners();
    this.wakeUp?.('stopped');
  }
}

/** The pg pool under a TypeORM data source: plain `query(text, values)` with pg's results. */
export function poolOf(dataSource: DataSource): Queryable {
  return (dataSource.driver as unknown as { master: Queryable }).master;
}

/** The next batch, or DUE when `ms` pass first (the read stays pending for the next call). */
async function firstOf<T>(reading: Promise<T>, ms: number): Promise<T | typeof DUE> {
  if (ms === Infinity) return reading;
  let timer: NodeJS.Timeout | undefined;
  const due = new Promise<typeof DUE>((resolve) => (timer = setTimeout(() => resolve(DUE), Math.max(0, ms))));
  try {
    return await Promise.race([reading, due]);
  } finally {
    clearTimeout(timer);
  }
}

/** Never resolves; rejects when `work` does. */
function failureOf(work: Promise<void>): Promise<never> {
  return work.then(() => new Promise<never>(() => undefined));
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}

/** Waits, or returns early when `signal` aborts; never rejects. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}


