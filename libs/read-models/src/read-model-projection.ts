import { RecordedEvent } from '@flipside/event-store';
import { EntityManager } from 'typeorm';
import { ProjectionName } from './projection-catalog';

/**
 * Turns events into one read model's rows. The projector's engine runs `apply` inside the transaction that also
 * moves the read model's checkpoint, so a batch is applied entirely or not at all; it throws rather than skip an
 * event it cannot apply (the engine then names the event and stops the read model there).
 */
export interface ReadModelProjection {
  readonly name: ProjectionName;
  /** Raise it whenever the rows the code would build change: the projector then rebuilds the tables at start. */
  readonly version: number;
  /** Types it applies; any other event passes by (the checkpoint still moves past it). */
  readonly eventTypes: ReadonlySet<string>;
  /** Unqualified table names: they resolve in the transaction's search_path (the live schema, or a rebuild's). */
  apply(events: readonly RecordedEvent[], db: EntityManager): Promise<void>;
}
