import { AllStreamRecordedEvent, ReadPosition, START as CLIENT_START, StreamingRead } from '@eventstore/db-client';
import { StreamNotFoundError } from '../errors';
import { RecordedEvent } from '../events';
import { EventReader, ReadAllOptions, ReadStreamOptions } from '../reading/event-reader.port';
import { Position, comparePositions } from '../position';
import { EventStoreDbConnection } from './connection';
import { closedStore, translateReadError } from './error-mapping';
import { toRecordedEvent } from './event-mapping';
import { FilteredEventStoreDbClient } from './filtered-client';
import { isLogPosition, streamReadPosition, toPortPosition, toReadPosition } from './position-mapping';
import { ProductStreams } from './product-streams';

/** Page size of readAll when the caller gives none (the same as the PostgreSQL store). */
export const DEFAULT_READ_ALL_COUNT = 1000;

/** $all positions are what checkpoints are made of: an event from $all without one is a server fault. */
export function allPosition(event: AllStreamRecordedEvent): Position {
  if (!isLogPosition(event.position)) {
    throw new Error(`EventStoreDB gave no log position for event ${event.id} of ${event.streamId} read from $all`);
  }
  return toPortPosition(event.position);
}

export class EventStoreDbReader implements EventReader {
  constructor(
    private readonly connection: EventStoreDbConnection,
    private readonly products: ProductStreams,
  ) {}

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    // Even a count of zero must say whether the stream exists, so ask for at least one event.
    const resolved = await this.read(
      (client) => client.readStream(streamName, { fromRevision: options.fromRevision ?? CLIENT_START, maxCount: Math.max(maxCount, 1) }),
      streamName,
    );
    if (maxCount <= 0) return [];
    return resolved.flatMap(({ event }) => (event ? [toRecordedEvent(event, streamReadPosition(event.position))] : []));
  }

  /**
   * Product events forwards from an inclusive position. The server filters by stream-name prefix; the rare event it
   * lets through that is still not ours (a `$` type in a product stream) costs another page from where we stopped.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const wanted = options.maxCount ?? DEFAULT_READ_ALL_COUNT;
    const events: RecordedEvent[] = [];
    let from: ReadPosition = toReadPosition(options.from);
    let alreadyRead: Position | undefined;
    while (events.length < wanted) {
      const asked = wanted - events.length + (alreadyRead ? 1 : 0);
      const page = await this.read((client) =>
        client.readAllFiltered({ fromPosition: from, maxCount: asked, streamNamePrefixes: this.products.prefixes }),
      );
      let last: Position | undefined;
      for (const { event } of page) {
        if (!event) continue;
        last = allPosition(event);
        if (alreadyRead && comparePositions(last, alreadyRead) === 0) continue;
        if (events.length < wanted && this.products.includes({ streamName: event.streamId, type: event.type })) {
          events.push(toRecordedEvent(event, last));
        }
      }
      if (page.length < asked || !last) break;
      from = last;
      alreadyRead = last;
    }
    return events;
  }

  private async read<T>(open: (client: FilteredEventStoreDbClient) => StreamingRead<T>, streamName?: string): Promise<T[]> {
    try {
      return await this.connection.drain(open(this.connection.current()));
    } catch (error) {
      const translated = translateReadError(error, streamName);
      if (this.connection.isClosed && !(translated instanceof StreamNotFoundError)) throw closedStore();
      throw translated;
    }
  }
}
