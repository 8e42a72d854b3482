import { EventStore } from '@flipside/event-store';
import { allProjections, ReadModelProjection } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { Batch, BatchWork, Processor, ProcessorSession } from '../engine/processor';
import { ProcessorFactory } from '../engine/processor-host';
import { rebuildReadModel } from './rebuild-read-model';

/**
 * One read model (libs/read-models: its entities, evolve, projection and queries) under the engine: each batch's
 * events are applied in the transaction that moves its checkpoint; a version change in code rebuilds its tables
 * from the start of the log into a side schema and switches to them atomically.
 */
export class ReadModelProcessor implements Processor {
  readonly name: string;
  readonly version: number;
  readonly eventTypes: ReadonlySet<string>;
  readonly readModel = true;
  // The lease the projector held before the engine: a deployed predecessor and this one never run together.
  readonly leaseName: string;

  constructor(
    private readonly projection: ReadModelProjection,
    private readonly deps: { readonly store: EventStore; readonly dataSource: DataSource; readonly databaseUrl: string },
  ) {
    this.name = projection.name;
    this.version = projection.version;
    this.eventTypes = projection.eventTypes;
    this.leaseName = `flipside.projection.${projection.name}`;
  }

  async handle(batch: Batch): Promise<BatchWork> {
    return (db) => this.projection.apply(batch.events, db.manager);
  }

  async rebuild(_stored: number | null, session: ProcessorSession): Promise<void> {
    await rebuildReadModel(this.projection, this.deps, { stop: session.held });
  }
}

/** Every read model the projector keeps, in the order they start. */
export const readModelProcessors = (): ProcessorFactory[] =>
  allProjections().map((projection) => (context) => new ReadModelProcessor(projection, context));
