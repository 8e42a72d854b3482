/**
 * TEST DOUBLE of EventStoreDB, not a server: the in-memory log behind the gRPC double. It keeps only what the
 * client-facing API shows (streams, revisions, $all in commit order, idempotent re-appends); nothing is durable.
 */
import { randomUUID } from 'node:crypto';
import { ExpectedRevision } from '../../events';

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

export interface LoggedEvent extends ProposedEvent {
  readonly streamName: string;
  readonly revision: bigint;
  /** Log position of the append's commit record: shared by every event of one append. */
  readonly commit: bigint;
  /** Log position of the event's own prepare record. */
  readonly prepare: bigint;
  /** .NET ticks (100 ns) since the Unix epoch, as EventStoreDB reports `created`. */
  readonly createdTicks: bigint;
}

export type AppendOutcome =
  | { readonly kind: 'written'; readonly lastRevision: bigint | 'no_stream'; readonly last?: LoggedEvent }
  | { readonly kind: 'wrong_expected_version'; readonly current: bigint | 'no_stream' };

export type WrittenListener = (events: readonly LoggedEvent[]) => void;

const FIRST_LOG_POSITION = 4_096n;
const COMMIT_RECORD_SIZE = 48n;
const TICKS_PER_MILLISECOND = 10_000n;

export function comparePairs(a: LoggedEvent, commit: bigint, prepare: bigint): number {
  if (a.commit !== commit) return a.commit < commit ? -1 : 1;
  if (a.prepare !== prepare) return a.prepare < prepare ? -1 : 1;
  return 0;
}

// From the last event, not the length: a stream tampered with in a test may have a gap.
const lastRevisionOf = (stream: readonly LoggedEvent[]): bigint => stream[stream.length - 1]?.revision ?? -1n;

export class DoubleLog {
  /** $all, in commit order. */
  readonly all: LoggedEvent[] = [];
  private readonly streams = new Map<string, LoggedEvent[]>();
  private readonly listeners = new Set<WrittenListener>();
  private logEnd = FIRST_LOG_POSITION;

  stream(streamName: string): readonly LoggedEvent[] | undefined {
    return this.streams.get(streamName);
  }

  onWritten(listener: WrittenListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** EventStoreDB's commit check, as the client sees it: expectation first, then the replay (idempotency) rules. */
  append(streamName: string, expected: ExpectedRevision, events: readonly ProposedEvent[]): AppendOutcome {
    const stream = this.streams.get(streamName) ?? [];
    const current = lastRevisionOf(stream);
    const refused: AppendOutcome = { kind: 'wrong_expected_version', current: current < 0n ? 'no_stream' : current };
    const replayOf = (last: LoggedEvent): AppendOutcome => ({ kind: 'written', lastRevision: last.revision, last });

    if (expected === 'stream_exists' && stream.length === 0) return refused;
    if (expected === 'any' || expected === 'stream_exists') {
      const found = events.map((event) => stream.find((stored) => stored.id === event.id));
      if (events.length === 0 || found[0] === undefined) return this.write(streamName, stream, events);
      const last = found[found.length - 1];
      // Some ids already written, others not: EventStoreDB calls it corrupted idempotency and answers WEV.
      if (found.some((stored) => stored === undefined) || last === undefined) return refused;
      return replayOf(last);
    }

    const expectedRevision = expected === 'no_stream' ? -1n : expected;
    if (expectedRevision === current) return this.write(streamName, stream, events);
    if (expectedRevision > current || events.length === 0) return refused;
    // Behind the stream: only a replay of exactly the events written after `expected` is accepted.
    for (const [offset, event] of events.entries()) {
      const stored = stream[Number(expectedRevision) + 1 + offset];
      if (stored?.id !== event.id) return refused;
    }
    return replayOf(stream[Number(expectedRevision) + events.length]);
  }

  /**
   * TEST ONLY, no EventStoreDB API: changes a stream behind the clients' backs, as someone editing the server's
   * files could, for tamper-evidence tests. `change` answers what the stream holds afterwards (events edited,
   * dropped, or given other revisions); each event keeps its place in $all.
   */
  tamperForTest(streamName: string, change: (events: readonly LoggedEvent[]) => LoggedEvent[]): void {
    const byRevision = (a: LoggedEvent, b: LoggedEvent) => (a.revision < b.revision ? -1 : a.revision > b.revision ? 1 : 0);
    const tampered = [...change(this.streams.get(streamName) ?? [])].sort(byRevision);
    this.streams.set(streamName, tampered);
    const others = this.all.filter((event) => event.streamName !== streamName);
    this.all.splice(0, this.all.length, ...[...others, ...tampered].sort((a, b) => comparePairs(a, b.commit, b.prepare)));
  }

  /** Writes events with no expectation (system streams the server itself writes). */
  appendSystemEvent(streamName: string, type: string, data: unknown): void {
    const json = Buffer.from(JSON.stringify(data), 'utf8');
    this.write(streamName, this.streams.get(streamName) ?? [], [
      { id: randomUUID(), type, contentType: 'application/json', data: json, customMetadata: new Uint8Array() },
    ]);
  }

  private write(streamName: string, stream: LoggedEvent[], events: readonly ProposedEvent[]): AppendOutcome {
    if (events.length === 0) {
      const last = stream[stream.length - 1];
      return { kind: 'written', lastRevision: last?.revision ?? 'no_stream', last };
    }
    // Prepare records first, then one commit record after them, as in EventStoreDB's transaction file.
    const prepares = events.map((event) => {
      const prepare = this.logEnd;
      this.logEnd += 96n + BigInt(event.data.length + event.customMetadata.length + event.type.length + streamName.length);
      return prepare;
    });
    const commit = this.logEnd;
    this.logEnd += COMMIT_RECORD_SIZE;
    const createdTicks = BigInt(Date.now()) * TICKS_PER_MILLISECOND;
    const written = events.map(
      (event, offset): LoggedEvent => ({
        ...event,
        streamName,
        revision: lastRevisionOf(stream) + 1n + BigInt(offset),
        commit,
        prepare: prepares[offset],
        createdTicks,
      }),
    );
    stream.push(...written);
    this.streams.set(streamName, stream);
    this.all.push(...written);
    for (const listener of this.listeners) listener(written);
    const last = written[written.length - 1];
    return { kind: 'written', lastRevision: last.revision, last };
  }
}
