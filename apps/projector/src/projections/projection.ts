import { RecordedEvent } from '@flipside/event-store';
import { ProjectionName } from '@flipside/read-models';
import { EntityManager } from 'typeorm';

/**
 * Turns events into read-model rows. `apply` runs inside the transaction that also moves the checkpoint, so a
 * batch is applied entirely or not at all; it must throw rather than skip an event it cannot apply.
 */
export interface Projection {
  readonly name: ProjectionName;
  /** Raise it whenever the rows the code would build change: the projector then rebuilds at start. */
  readonly version: number;
  /** Types it applies; any other event passes by (the checkpoint still moves past it). */
  readonly eventTypes: ReadonlySet<string>;
  apply(events: readonly RecordedEvent[], db: EntityManager): Promise<void>;
}

/** A known event that this projection cannot apply: the projection stops on it. */
export class UnappliableEventError extends Error {
  constructor(
    readonly event: Pick<RecordedEvent, 'id' | 'type' | 'streamName' | 'revision' | 'position'>,
    readonly reason: string,
  ) {
    super(`${event.type} ${event.id} (${event.streamName}@${event.revision}) cannot be applied: ${reason}`);
    this.name = 'UnappliableEventError';
  }
}
