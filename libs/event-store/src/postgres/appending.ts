import { Pool } from 'pg';
import { EventAppender } from '../appending/event-appender.port';
import { DuplicateEventIdError, WrongExpectedVersionError } from '../errors';
import { ActualRevision, AppendResult, EventToAppend, ExpectedRevision } from '../events';
import { logPosition } from './reading';
import { whileReachable } from './connection';

interface AppendRow {
  outcome: 'appended' | 'idempotent';
  last_revision: string;
  last_transaction: string;
  last_position: string;
}

/** One round trip per append: the stored function checks the expectation and writes all events atomically. */
export class PostgresEventAppender implements EventAppender {
  constructor(
    private readonly pool: Pool,
    /** Called after each committed append, to wake subscribers. */
    private readonly appended: () => void = () => undefined,
  ) {}

  async append(streamName: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('An append needs at least one event');
    const expectedText = typeof expected === 'bigint' ? expected.toString() : expected;
    try {
      const { rows } = await whileReachable(() =>
        this.pool.query<AppendRow>(
          'SELECT * FROM event_store.append_events($1, $2, $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[])',
          [
            streamName,
            expectedText,
            events.map((event) => event.id),
            events.map((event) => event.type),
            events.map((event) => JSON.stringify(event.data)),
            events.map((event) => JSON.stringify(event.metadata)),
          ],
        ),
      );
      const row = rows[0];
      if (row.outcome === 'appended') this.appended();
      return { nextExpectedRevision: BigInt(row.last_revision), position: logPosition(row.last_transaction, row.last_position) };
    } catch (error) {
      throw this.translate(error, streamName, events, expected);
    }
  }

  private translate(error: unknown, streamName: string, events: readonly EventToAppend[], expected: ExpectedRevision) {
    const pgError = error as { code?: string; detail?: string; constraint?: string };
    if (pgError.code === 'FS002') {
      const current = BigInt(pgError.detail ?? '-1');
      const actual: ActualRevision = current < 0n ? 'no_stream' : current;
      return new WrongExpectedVersionError(streamName, expected, actual);
    }
    if (pgError.code === 'FS001' || (pgError.code === '23505' && pgError.constraint === 'events_event_id_unique')) {
      return new DuplicateEventIdError(streamName, events.map((event) => event.id));
    }
    return error;
  }
}
