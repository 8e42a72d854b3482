import { ANY, AppendExpectedRevision, NO_STREAM, STREAM_EXISTS } from '@eventstore/db-client';
import { EventAppender } from '../appending/event-appender.port';
import { WrongExpectedVersionError } from '../errors';
import { AppendResult, EventToAppend, ExpectedRevision } from '../events';
import { EventStoreDbConnection } from './connection';
import { closedStore, translateAppendError } from './error-mapping';
import { toEventData } from './event-mapping';
import { isLogPosition, toPortPosition } from './position-mapping';

export function toClientExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
}

/**
 * Appends through the client, which picks Streams.BatchAppend when the server advertises it and Streams.Append
 * otherwise. EventStoreDB itself enforces the expectation and recognises a retried append by its event ids.
 */
export class EventStoreDbAppender implements EventAppender {
  constructor(private readonly connection: EventStoreDbConnection) {}

  async append(streamName: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('An append needs at least one event');
    try {
      const result = await this.connection.current().appendToStream(streamName, events.map(toEventData), {
        expectedRevision: toClientExpectedRevision(expected),
      });
      if (!isLogPosition(result.position)) {
        throw new Error(`EventStoreDB reported no log position for the append to ${streamName}`);
      }
      return { nextExpectedRevision: result.nextExpectedRevision, position: toPortPosition(result.position) };
    } catch (error) {
      const translated = translateAppendError(error, streamName, expected);
      // Calls cut by our own close() surface as cancellations; to the caller the store is simply gone.
      if (this.connection.isClosed && !(translated instanceof WrongExpectedVersionError)) throw closedStore();
      throw translated;
    }
  }
}
