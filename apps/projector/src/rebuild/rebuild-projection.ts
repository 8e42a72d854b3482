import { Logger } from '@nestjs/common';
import { comparePositions, EventStore, Position, RecordedEvent, START, serializePosition } from '@flipside/event-store';
import { PROJECTION_TABLES, READ_MODELS_REBUILD_SCHEMA, READ_MODELS_SCHEMA, rebuildCheckpointName } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { ProcessorLease } from '../checkpoints/processor-lease';
import { Projection } from '../projections/projection';
import { projectionCheckpoints } from '../projections/projection-checkpoints';
import { ProjectionWriter, WrittenBatch } from '../projections/projection-writer';
import { readableEvents } from '../subscribing/stored-event-gate';
import { SubscriptionBatches } from '../subscribing/subscription-batches';

export interface RebuildDependencies {
  readonly store: EventStore;
  readonly dataSource: DataSource;
  readonly databaseUrl: string;
}

export interface RebuildOptions {
  readonly maxEvents?: number;
  readonly stop?: AbortSignal;
  readonly onBatch?: (batch: WrittenBatch) => void;
}

export interface RebuildResult {
  readonly events: number;
  readonly seconds: number;
  readonly position: Position;
}

/** The only rebuild of a projection at a time, across processes (the CLI and an upgrading projector). */
const rebuildLeaseName = (name: string) => `flipside.projection-rebuild.${name}`;

/**
 * Rebuilds one projection without downtime: replays the whole log into fresh tables in a side schema while
 * the live tables keep answering queries, then, in one transaction, catches up with whatever the live
 * projection applied meanwhile, drops the old tables, moves the new ones in and sets the checkpoint and version.
 */
export async function rebuildProjection(projection: Projection, deps: RebuildDependencies, options: RebuildOptions = {}): Promise<RebuildResult | undefined> {
  const logger = new Logger(`Rebuild ${projection.name}`);
  const stop = options.stop ?? new AbortController().signal;
  const lease = await new ProcessorLease({ connectionString: deps.databaseUrl, name: rebuildLeaseName(projection.name), retryMs: 500 }).acquire(
    stop,
  );
  if (!lease) return undefined;
  try {
    const started = performance.now();
    const tables = PROJECTION_TABLES[projection.name];
    const checkpointName = rebuildCheckpointName(projection.name);
    await deps.dataSource.transaction(async (db) => {
      for (const table of tables) {
        await db.query(`DROP TABLE IF EXISTS ${READ_MODELS_REBUILD_SCHEMA}.${table}`);
        await db.query(`CREATE TABLE ${READ_MODELS_REBUILD_SCHEMA}.${table} (LIKE ${READ_MODELS_SCHEMA}.${table} INCLUDING ALL)`);
      }
      await projectionCheckpoints.set(db, checkpointName, projection.version, START);
    });
    logger.log(`Replaying the log into new tables (${tables.join(', ')}) while the current ones keep answering`);

    const writer = new ProjectionWriter(projection, deps.dataSource, { checkpointName, searchPath: READ_MODELS_REBUILD_SCHEMA });
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
        at = await writer.write(batch.events, at, options.onBatch);
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
async function switchTables(projection: Projection, deps: RebuildDependencies, rebuiltTo: Position): Promise<Position> {
  const tables = PROJECTION_TABLES[projection.name];
  return deps.dataSource.transaction(async (db) => {
    await db.query(`SET LOCAL search_path TO ${READ_MODELS_REBUILD_SCHEMA}`);
    // Serialises with the live projection's batches, which lock this row first.
    await db.query(`SELECT 1 FROM read_models.projection_checkpoints WHERE name = $1 FOR UPDATE`, [projection.name]);
    const live = await projectionCheckpoints.read(db, projection.name);
    let position = rebuiltTo;
    if (live && comparePositions(live.position, rebuiltTo) > 0) {
      // The live tables went further while we rebuilt: apply the same events to the new ones.
      for (const page of await eventsBetween(deps.store, rebuiltTo, live.position)) {
        const relevant = page.filter((event) => projection.eventTypes.has(event.type));
        if (relevant.length > 0) await projection.apply(relevant, db);
      }
      position = live.position;
    }
    for (const table of tables) {
      await db.query(`DROP TABLE ${READ_MODELS_SCHEMA}.${table}`);
      await db.query(`ALTER TABLE ${READ_MODELS_REBUILD_SCHEMA}.${table} SET SCHEMA ${READ_MODELS_SCHEMA}`);
    }
    // A live instance further behind than the rebuild finds its checkpoint moved and resumes from here.
    await projectionCheckpoints.set(db, projection.name, projection.version, position);
    await projectionCheckpoints.remove(db, rebuildCheckpointName(projection.name));
    return position;
  });
}

/** Events strictly after `after` up to and including `until`, in pages. */
async function eventsBetween(store: EventStore, after: Position, until: Position): Promise<RecordedEvent[][]> {
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
