import { randomUUID } from 'node:crypto';
import { Position, RecordedEvent, START } from '@flipside/event-store';
import { openReadModels, READ_MODELS_SCHEMA } from '@flipside/read-models';
import { createTestDatabase, requirePostgres, TestDatabase } from '@flipside/testing';
import { DataSource } from 'typeorm';
import { Projection } from '../../src/projections/projection';
import { projectionCheckpoints } from '../../src/projections/projection-checkpoints';
import { ProjectionWriter } from '../../src/projections/projection-writer';
import { readableEvent } from '../../src/subscribing/stored-event-gate';

export interface ReadModelDatabase {
  readonly database: TestDatabase;
  readonly dataSource: DataSource;
  /** Every row of a live table, ordered by its first column, as plain objects. */
  rows(table: string, orderBy?: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** A fresh database with the read-model migrations applied; undefined outside CI when PostgreSQL is absent. */
export async function startReadModelDatabase(): Promise<ReadModelDatabase | undefined> {
  if (!(await requirePostgres())) return undefined;
  const database = await createTestDatabase('flipside_rm');
  const dataSource = await openReadModels({ databaseUrl: database.url, poolSize: 4 });
  return {
    database,
    dataSource,
    async rows(table, orderBy = '1') {
      return dataSource.query(`SELECT * FROM ${READ_MODELS_SCHEMA}.${table} ORDER BY ${orderBy}`);
    },
    async close() {
      await dataSource.destroy();
      await database.drop();
    },
  };
}

/** Given events, in this order, as the store would deliver them (positions 1, 2, 3, …). */
export class GivenEvents {
  private next = 1n;
  private at: Position = START;

  constructor(
    private readonly projection: Projection,
    private readonly dataSource: DataSource,
  ) {}

  async given(...events: { type: string; data: Record<string, unknown>; schemaVersion?: number }[]): Promise<void> {
    if (this.at === START) {
      const stored = await this.dataSource.transaction((db) => projectionCheckpoints.ensure(db, this.projection.name, this.projection.version));
      this.at = stored.position;
      this.next = stored.position.commit + 1n;
    }
    // Through the projector's gate, as the subscription hands events over.
    const recorded = events.map((event) => readableEvent(recordedEvent(event.type, event.data, this.next++, event.schemaVersion)));
    await new ProjectionWriter(this.projection, this.dataSource, {
      checkpointName: this.projection.name,
      searchPath: READ_MODELS_SCHEMA,
    }).write(recorded, this.at, (batch) => {
      this.at = batch.last;
    });
  }
}

export function recordedEvent(type: string, data: Record<string, unknown>, sequence: bigint, schemaVersion = 1): RecordedEvent {
  const stream = typeof data.pairId === 'string' && !['Paired', 'PairEnded'].includes(type) ? `pair-${data.pairId}` : `program-${data.programId}`;
  return {
    id: randomUUID(),
    type,
    streamName: stream,
    revision: sequence,
    position: { commit: sequence, prepare: sequence },
    data,
    metadata: { schemaVersion },
    recordedAt: new Date(),
  };
}
