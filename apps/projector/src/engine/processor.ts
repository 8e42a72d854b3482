import { Position, RecordedEvent } from '@flipside/event-store';
import { QueryResult, QueryResultRow } from 'pg';
import { EntityManager } from 'typeorm';
import { ProcessorStatusSnapshot } from './processor-status';

/** A pool, a pooled client or a transaction: what a processor reads and writes PostgreSQL through. */
export interface Queryable {
  query<Row extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<Row>>;
}

/** The transaction of one batch: the processor's writes and the checkpoint's compare-and-set commit together. */
export interface BatchTransaction extends Queryable {
  /** The same transaction through TypeORM, for processors whose rows are entities (the read models). */
  readonly manager: EntityManager;
}

/**
 * Consecutive events of the log, in their current schema version (upcast once, by the engine's stored-event
 * gate). `events` is empty when the engine calls `handle` because the processor said something is due
 * (`dueInMs`) before the next event came: `after` and `last` are then the same position.
 */
export interface Batch<Item = undefined> {
  readonly events: readonly RecordedEvent[];
  /** What `batching.take` made of each event (empty without `take`). */
  readonly items: readonly Item[];
  /** The checkpoint before this batch. */
  readonly after: Position;
  /** The checkpoint once this batch commits: the last event's position. */
  readonly last: Position;
}

/** Work for the batch's transaction; the engine then moves the checkpoint in the same transaction. */
export type BatchWork = (db: BatchTransaction) => Promise<void>;

/** How the engine cuts the log into batches for one processor. */
export interface Batching<Item = undefined> {
  /** Most events in a batch (default 1000). */
  readonly maxEvents?: number;
  /** Once live, how long a batch that holds an event waits for more (default 2 ms). */
  readonly lingerMs?: number;
  /** Most total weight in a batch, as `take` weighs events; the event that reaches it is the batch's last. */
  readonly maxWeight?: number;
  /** What the processor makes of an event as it joins a batch (e.g. its Kafka message), and its weight. */
  readonly take?: (event: RecordedEvent) => { readonly item: Item; readonly weight: number };
}

/** A batch that committed, as `ProcessorSession.onCommitted` listeners see it. */
export interface CommittedBatch {
  readonly events: number;
  readonly checkpoint: Position;
}

/**
 * What the engine hands a processor for one session: from taking the lease (or starting over from the stored
 * checkpoint) until the lease is lost, the process stops, or something fails. Every callback of the processor
 * gets the same session.
 */
export interface ProcessorSession {
  /** Aborted when the session ends: stop sending, stop waiting, return. */
  readonly held: AbortSignal;
  /** The stored checkpoint the session started from. */
  readonly from: Position;
  /** The projector's pool, outside any batch transaction (the side loop's reads and writes). */
  readonly db: Queryable;
  /** The subscription has delivered everything that was stored when the session started (it follows live). */
  caughtUp(): boolean;
  /**
   * The processor cannot get on for a reason the engine does not see (Kafka is down) and is retrying itself:
   * health says `retrying` with this error until the next committed batch or `recovered()`.
   */
  retrying(error: unknown): void;
  recovered(): void;
  /**
   * Resolves `committed` once a batch has committed since the last call (at once if one already has),
   * `woken` when `wake()` was called, `timeout` after `timeoutMs`, `stopped` when the session ends.
   */
  nextCommit(timeoutMs?: number): Promise<'committed' | 'woken' | 'timeout' | 'stopped'>;
  /** Ends a pending `nextCommit` early (e.g. a driven clock moved). */
  wake(): void;
  /** Called after each committed batch, for the rest of the session (or until setUp runs again); answers an unsubscribe. */
  onCommitted(listener: (batch: CommittedBatch) => void): () => void;
}

/**
 * Something that follows the event log under the engine (apps/projector/src/engine): a read model, the Kafka
 * publisher, the audit anchors, the engagement automation. The engine gives each processor one active instance
 * across processes (ProcessorLease), its own subscription from its checkpoint, batches, one transaction per batch
 * in which the processor's writes and the checkpoint's compare-and-set commit together, retries when PostgreSQL
 * is unreachable, a halt (with the event named in health) on an event it cannot apply, a restart from the stored
 * checkpoint when another instance moved it or the lease was lost, and lag, health and metrics.
 *
 * What a processor gives:
 *  1. `name`: its checkpoint row in projector.checkpoints and its lease (`leaseName` keeps an older lease name).
 *     `version`, when set, is stored with the checkpoint: a different stored version calls `rebuild` (read
 *     models rebuild their tables; without `rebuild` the new version is stored and the processor goes on), and
 *     a batch that finds another version stored stops this instance (superseded by a newer one).
 *  2. `setUp(db)`: at the start of each session (once the checkpoint is read: `session.from`), i.e. once per
 *     lease and again whenever the engine starts over from the stored checkpoint. Creates its own tables in its
 *     own schema, idempotently, and loads what it keeps in memory (memory changed by a batch that did not commit
 *     is thrown away this way; setUp is also called again before a failed batch is re-run event by event).
 *  3. `handle(batch)`: every batch, in log order. It may work outside the transaction first (send to Kafka; if
 *     `held` aborts it may return early) and answers the work to run in the batch's transaction (`BatchWork`,
 *     given a `Queryable` db), e.g. timers armed from the events, so they commit atomically with the checkpoint.
 *     The engine overlaps the commit of one batch with `handle` of the next (Kafka's pipelining); the work of
 *     batch k+1 runs only after batch k committed. A throw names the batch: the engine retries it when PostgreSQL
 *     was unreachable, else re-runs its events one per transaction (`handle` again, one event each) and halts on
 *     the one that fails (`UnappliableEvent`, or any error, is named in health). `dueInMs()` (optional, asked after
 *     each batch has committed): how long the engine may wait for events before calling `handle` with an empty
 *     batch (time-driven work that follows from the batches: an anchor due).
 *  4. `whileLeaseHeld(session)`: a side loop run beside the batches while the session lasts (the anchor relay,
 *     the automation's due timers). If it throws, the session ends and starts over from the stored checkpoint.
 *     `session.nextCommit()` wakes it after each committed batch (or `wake()`), so work armed by a batch runs
 *     without waiting.
 *  5. `health(engine)` / `metrics(engine)`: its own /health fields (added to its entry of `processors`) and its
 *     own Prometheus lines, beside the engine's standard ones (state, checkpoint, lag, events applied, last
 *     error); e.g. the automation's due timers and the age of the oldest overdue one.
 */
export interface Processor<Item = undefined> {
  readonly name: string;
  /** The advisory lock's name, when an older one must be kept (a deployed predecessor); default `flipside.processor:<name>`. */
  readonly leaseName?: string;
  /** How often a standby instance tries to take it over (default: the engine's). */
  readonly leaseRetryMs?: number;
  readonly version?: number;
  /** The event types it handles; other events only move its checkpoint (counted as ignored). Unset: every event. */
  readonly eventTypes?: ReadonlySet<string>;
  readonly batching?: Batching<Item>;
  /** Set when it must not run in this process (e.g. KAFKA_BROKERS unset): health says `disabled`, with the stored checkpoint. */
  readonly disabled?: string;
  /** It builds tables the API answers from: listed under `projections` in /health; the projector is unready while it lags. */
  readonly readModel?: boolean;
  /** Shown at the top of /health under `key`: the fields dashboards read before processors had one list (`publishing`, `auditAnchors`). */
  readonly healthSection?: { readonly key: string; body(engine: ProcessorStatusSnapshot): object };

  setUp?(db: Queryable, session: ProcessorSession): Promise<void>;
  /** The stored version differs from `version` (null: none stored): rebuild, then set the checkpoint and version. */
  rebuild?(stored: number | null, session: ProcessorSession): Promise<void>;
  handle(batch: Batch<Item>, session: ProcessorSession): Promise<BatchWork | void>;
  dueInMs?(): number;
  whileLeaseHeld?(session: ProcessorSession): Promise<void>;
  health?(engine: ProcessorStatusSnapshot): Record<string, unknown>;
  metrics?(engine: ProcessorStatusSnapshot): readonly string[];
  /** Once, when the process stops (after its last session): close what it holds open (a Kafka producer). */
  close?(): Promise<void>;
}
