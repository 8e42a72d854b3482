import { randomUUID } from 'node:crypto';
import { Position, RecordedEvent, START } from '@flipside/event-store';
import { openReadModels, READ_MODELS_SCHEMA, ReadModelProjection } from '@flipside/read-models';
import { createTestDatabase, requirePostgres, TestDatabase } from '@flipside/testing';
import { DataSource } from 'typeorm';
import { checkpointStore } from '../../src/engine/checkpoint-store';
import { CheckpointedWriter } from '../../src/engine/checkpointed-writer';
import { isControlFlow } from '../../src/engine/errors';
import { BatchWork } from '../../src/engine/processor';
import { poolOf } from '../../src/engine/processor-engine';
import { readableEvent } from '../../src/engine/stored-event-gate';

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

/**
 * Given events, in this order, as the store would deliver them (positions 1, 2, 3, …), committed the way the
 * engine commits a read model's batch: in one transaction with its checkpoint, and when that fails, one event per
 * transaction, naming the event that cannot be applied (UnappliableEvent).
 */
export class GivenEvents {
  private next = 1n;
  private at: Position = START;
  private readonly writer: CheckpointedWriter;

  constructor(
    private readonly projection: ReadModelProjection,
    private readonly dataSource: DataSource,
  ) {
    this.writer = new CheckpointedWriter(dataSource, { name: projection.name, version: projection.version });
  }

  async given(...events: { type: string; data: Record<string, unknown>; schemaVersion?: number }[]): Promise<void> {
    if (this.at === START) {
      const stored = await checkpointStore.ensure(poolOf(this.dataSource), this.projection.name, this.projection.version);
      this.at = stored.position;
      this.next = stored.position.commit + 1n;
    }
    // Through the projector's gate, as the subscription hands events over.
    const recorded = events.map((event) => readableEvent(recordedEvent(event.type, event.data, this.next++, event.schemaVersion)));
    const last = recorded[recorded.length - 1].position;
    try {
      await this.writer.commit(this.at, last, this.work(recorded));
      this.at = last;
    } catch (error) {
      if (isControlFlow(error)) throw error;
      this.at = await this.writer.oneByOne(recorded, this.at, async (event) => this.work([event]), (event) => {
        this.at = event.position;
      });
    }
  }

  private work(events: readonly RecordedEvent[]): BatchWork | undefined {
    const relevant = events.filter((event) => this.projection.eventTypes.has(event.type));
    return relevant.length > 0 ? (db) => this.projection.apply(relevant, db.manager) : undefined;
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
