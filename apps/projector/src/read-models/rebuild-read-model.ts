import { Logger } from '@nestjs/common';
import { comparePositions, EventStore, Position, RecordedEvent, START, serializePosition } from '@flipside/event-store';
import {
  PROJECTION_TABLES,
  READ_MODELS_REBUILD_SCHEMA,
  READ_MODELS_SCHEMA,
  ReadModelProjection,
  rebuildCheckpointName,
} from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { checkpointStore } from '../engine/checkpoint-store';
import { CheckpointedWriter } from '../engine/checkpointed-writer';
import { isControlFlow } from '../engine/errors';
import { BatchWork, Queryable } from '../engine/processor';
import { poolOf } from '../engine/processor-engine';
import { ProcessorLease } from '../engine/processor-lease';
import { readableEvents } from '../engine/stored-event-gate';
import { SubscriptionBatches } from '../engine/subscription-batches';

export interface RebuildDependencies {
  readonly store: Pick<EventStore, 'subscribeToAll' | 'readAll'>;
  readonly dataSource: DataSource;
  readonly databaseUrl: string;
}

export interface RebuiltBatch {
  readonly applied: number;
  readonly ignored: number;
}

export interface RebuildOptions {
  readonly maxEvents?: number;
  readonly stop?: AbortSignal;
  readonly onBatch?: (batch: RebuiltBatch) => void;
}

export interface RebuildResult {
  readonly events: number;
  readonly seconds: number;
  readonly position: Position;
}

/** The only rebuild of a read model at a time, across processes (the CLI and an upgrading projector). */
const rebuildLeaseName = (name: string) => `flipside.projection-rebuild.${name}`;

/** The projection's work on `events`, in the tables of `schema` (its unqualified names resolve there for the transaction). */
function applyIn(projection: ReadModelProjection, schema: string, events: readonly RecordedEvent[]): BatchWork | undefined {
  const relevant = events.filter((event) => projection.eventTypes.has(event.type));
  if (relevant.length === 0) return undefined;
  return async (db) => {
    await db.query(`SELECT set_config('search_path', $1, true)`, [schema]);
    await projection.apply(relevant, db.manager);
  };
}

/**
 * Rebuilds one read model without downtime: replays the whole log into fresh tables in a side schema while
 * the live tables keep answering queries, then, in one transaction, catches up with whatever the live
 * processor applied meanwhile, drops the old tables, moves the new ones in and sets the checkpoint and version.
 */
export async function rebuildReadModel(
  projection: ReadModelProjection,
  deps: RebuildDependencies,
  options: RebuildOptions = {},
): Promise<RebuildResult | undefined> {
  const logger = new Logger(`Rebuild ${projection.name}`);
  const stop = options.stop ?? new AbortController().signal;
  const lease = await new ProcessorLease({ connectionString: deps.databaseUrl, name: rebuildLeaseName(projection.name), retryMs: 500 }).acquire(stop);
  if (!lease) return undefined;
  try {
    const started = performance.now();
    const tables = PROJECTION_TABLES[projection.name];
    const checkpoint = { name: rebuildCheckpointName(projection.name), version: projection.version };
    await deps.dataSource.transaction(async (manager) => {
      for (const table of tables) {
        await manager.query(`DROP TABLE IF EXISTS ${READ_MODELS_REBUILD_SCHEMA}.${table}`);
        await manager.query(`CREATE TABLE ${READ_MODELS_REBUILD_SCHEMA}.${table} (LIKE ${READ_MODELS_SCHEMA}.${table} INCLUDING ALL)`);
      }
    });
    await checkpointStore.set(poolOf(deps.dataSource), checkpoint.name, checkpoint.version, START);
    logger.log(`Replaying the log into new tables (${tables.join(', ')}) while the current ones keep answering`);

    const writer = new CheckpointedWriter(deps.dataSource, checkpoint);
    const count = (events: readonly RecordedEvent[]) => {
      const applied = events.filter((event) => projection.eventTypes.has(event.type)).length;
      options.onBatch?.({ applied, ignored: events.length - applied });
    };
    let caughtUp = false;
    let events = 0;
    let at: Position = START;
    const subscription = deps.store.subscribeToAll({ after: START });
    const closeOnStop = () => void subscription.close();
    stop.addEventListener('abort', closeOnStop);
    try {
      const batches = new SubscriptionBatches(subscription, { maxEvents: options.maxEvents ?? 2000, lingerMs: 2 }, () => {
        caughtUp = true;
      });
      while (!caughtUp && !stop.aborted) {
        const batch = await batches.next();
        if (!batch) break;
        const last = batch.events[batch.events.length - 1].position;
        try {
          await writer.commit(at, last, applyIn(projection, READ_MODELS_REBUILD_SCHEMA, batch.events));
          count(batch.events);
        } catch (error) {
          if (isControlFlow(error)) throw error;
          // Name the event that cannot be applied: the events again, one per transaction.
          await writer.oneByOne(batch.events, at, async (event) => applyIn(projection, READ_MODELS_REBUILD_SCHEMA, [event]), (event) => count([event]));
        }
        at = last;
        events += batch.events.length;
      }
    } finally {
      stop.removeEventListener('abort', closeOnStop);
      await subscription.close();
    }
    if (stop.aborted) return undefined;

    const position = await switchTables(projection, deps, at);
    const seconds = (performance.now() - started) / 1000;
    logger.log(`Switched to the rebuilt tables at ${serializePosition(position)}: ${events} events in ${seconds.toFixed(1)} s`);
    return { events, seconds, position };
  } finally {
    await lease.release();
  }
}

/** The atomic switch; answers the position the live checkpoint now holds. */
async function switchTables(projection: ReadModelProjection, deps: RebuildDependencies, rebuiltTo: Position): Promise<Position> {
  const tables = PROJECTION_TABLES[projection.name];
  return deps.dataSource.transaction(async (manager) => {
    // The transaction's own connection, for the checkpoint store's plain queries.
    const db = (await manager.queryRunner!.connect()) as Queryable;
    await manager.query(`SET LOCAL search_path TO ${READ_MODELS_REBUILD_SCHEMA}`);
    // Serialises with the live processor's batches, which lock this row first.
    const live = await checkpointStore.lock(db, projection.name);
    let position = rebuiltTo;
    if (live && comparePositions(live.position, rebuiltTo) > 0) {
      // The live tables went further while we rebuilt: apply the same events to the new ones.
      for (const page of await eventsBetween(deps.store, rebuiltTo, live.position)) {
        const relevant = page.filter((event) => projection.eventTypes.has(event.type));
        if (relevant.length > 0) await projection.apply(relevant, manager);
      }
      position = live.position;
    }
    for (const table of tables) {
      await manager.query(`DROP TABLE ${READ_MODELS_SCHEMA}.${table}`);
      await manager.query(`ALTER TABLE ${READ_MODELS_REBUILD_SCHEMA}.${table} SET SCHEMA ${READ_MODELS_SCHEMA}`);
    }
    // A live instance further behind than the rebuild finds its checkpoint moved and resumes from here.
    await checkpointStore.set(db, projection.name, projection.version, position);
    await checkpointStore.remove(db, rebuildCheckpointName(projection.name));
    return position;
  });
}

/** Events strictly after `after` up to and including `until`, in pages. */
async function eventsBetween(store: Pick<EventStore, 'readAll'>, after: Position, until: Position): Promise<RecordedEvent[][]> {
  const pages: RecordedEvent[][] = [];
  let from = after;
  let first = true;
  for (;;) {
    const page = readableEvents(await store.readAll({ from, maxCount: 1000 })).filter(
      (event) => comparePositions(event.position, after) > 0 && comparePositions(event.position, until) <= 0,
    );
    const fresh = first ? page : page.filter((event) => comparePositions(event.position, from) > 0);
    first = false;
    if (fresh.length === 0) return pages;
    pages.push(fresh);
    from = fresh[fresh.length - 1].position;
    if (comparePositions(from, until) >= 0) return pages;
  }
}
