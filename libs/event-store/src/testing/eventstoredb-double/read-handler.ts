/**
 * TEST DOUBLE of EventStoreDB, not a server: Streams.Read for stream reads, $all reads and $all catch-up
 * subscriptions, with EventStoreDB's filters (stream name or event type, by prefixes or unanchored regex).
 * Backwards reads and stream subscriptions are not reproduced (answered UNIMPLEMENTED).
 */
import { randomUUID } from 'node:crypto';
import { ServerWritableStream, status } from '@grpc/grpc-js';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { DoubleLog, LoggedEvent, comparePairs } from './double-log';
import { checkpointMessage, readEventMessage, streamIdentifier, streamNameOf } from './wire-messages';

type ReadCall = ServerWritableStream<ReadReq, ReadResp>;
type EventFilter = (event: LoggedEvent) => boolean;

/** EventStoreDB's default search window when the client asks for `count`; checkpoints come every window × multiplier. */
const DEFAULT_SEARCH_WINDOW = 32;

export class ReadHandler {
  private readonly subscriptions = new Set<ReadCall>();
  private sent = 0;

  constructor(private readonly log: DoubleLog) {}

  readonly read = (call: ReadCall): void => {
    const options = call.request.getOptions();
    if (!options) return fail(call, status.INVALID_ARGUMENT, 'Read needs options');
    if (options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS) {
      return fail(call, status.UNIMPLEMENTED, 'The EventStoreDB test double reads forwards only');
    }
    const stream = options.getStream();
    if (stream) {
      if (options.hasSubscription()) return fail(call, status.UNIMPLEMENTED, 'No stream subscriptions in the double');
      return this.readStream(call, stream, countOf(options));
    }
    const all = options.getAll() ?? new ReadReq.Options.AllOptions();
    if (options.hasSubscription()) return this.subscribeToAll(call, all, options.getFilter());
    return this.readAll(call, all, countOf(options), filterOf(options.getFilter()));
  };

  /** Ends every open subscription as a lost connection would: status UNAVAILABLE. */
  dropSubscriptions(): number {
    const dropped = [...this.subscriptions];
    this.subscriptions.clear();
    for (const call of dropped) fail(call, status.UNAVAILABLE, 'Subscription dropped by the EventStoreDB test double');
    return dropped.length;
  }

  get openSubscriptions(): number {
    return this.subscriptions.size;
  }

  /** Events written to subscription calls so far (the call's buffer included), all subscriptions together. */
  get eventsSentToSubscribers(): number {
    return this.sent;
  }

  private readStream(call: ReadCall, options: ReadReq.Options.StreamOptions, count: number): void {
    const streamName = streamNameOf(options.getStreamIdentifier());
    const events = this.log.stream(streamName);
    if (!events) {
      const notFound = new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(streamName));
      call.write(new ReadResp().setStreamNotFound(notFound));
      return void call.end();
    }
    let from = 0;
    if (options.hasEnd()) from = events.length;
    else if (options.hasRevision()) from = indexOfRevision(events, BigInt(options.getRevision()));
    for (const event of events.slice(from, from + count)) call.write(readEventMessage(event, true));
    call.end();
  }

  private readAll(call: ReadCall, options: ReadReq.Options.AllOptions, count: number, filter: EventFilter): void {
    // A read from a position includes the event at that position.
    const position = options.getPosition();
    let index = 0;
    if (options.hasEnd()) index = this.log.all.length;
    else if (position) index = this.firstIndexFrom(position, true);
    let sent = 0;
    for (; index < this.log.all.length && sent < count; index++) {
      const event = this.log.all[index];
      if (!filter(event)) continue;
      call.write(readEventMessage(event, false));
      sent++;
    }
    call.end();
  }

  private subscribeToAll(
    call: ReadCall,
    options: ReadReq.Options.AllOptions,
    filterOptions: ReadReq.Options.FilterOptions | undefined,
  ): void {
    const filter = filterOf(filterOptions);
    const window = filterOptions?.hasMax() ? filterOptions.getMax() : DEFAULT_SEARCH_WINDOW;
    const checkpointEvery = filterOptions ? Math.max(1, window * filterOptions.getCheckpointintervalmultiplier()) : 0;
    let scanned = 0;
    /** Writes what the subscriber gets of one event; false once the call's buffer is full. */
    const deliver = (event: LoggedEvent): boolean => {
      let roomLeft = true;
      if (filter(event)) {
        roomLeft = call.write(readEventMessage(event, false));
        this.sent++;
      }
      scanned++;
      if (checkpointEvery > 0 && scanned % checkpointEvery === 0) roomLeft = call.write(checkpointMessage(event)) && roomLeft;
      return roomLeft;
    };

    let ended = false;
    let stopListening = (): void => undefined;
    this.subscriptions.add(call);
    const forget = (): void => {
      ended = true;
      stopListening();
      this.subscriptions.delete(call);
    };
    call.on('cancelled', forget);
    call.on('close', forget);
    call.on('finish', forget);
    call.on('error', forget);

    const confirmation = new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID());
    call.write(new ReadResp().setConfirmation(confirmation));
    // A subscription from a position starts strictly after it.
    const position = options.getPosition();
    let index = 0;
    if (options.hasEnd()) index = this.log.all.length;
    else if (position) index = this.firstIndexFrom(position, false);
    // Catching up honours flow control as the server does: the backlog waits in the log, not in the call's
    // buffer, until the subscriber has read what was sent.
    const catchUp = (): void => {
      while (!ended && index < this.log.all.length) {
        if (!deliver(this.log.all[index++])) return void call.once('drain', catchUp);
      }
      if (ended) return;
      const last = this.log.all[this.log.all.length - 1];
      if (checkpointEvery > 0 && last) call.write(checkpointMessage(last));
      call.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
      // The end of the log and going live happen in one turn of the event loop, so no append can fall in between.
      stopListening = this.log.onWritten((events) => events.forEach(deliver));
    };
    catchUp();
  }

  private firstIndexFrom(position: ReadReq.Options.Position, inclusive: boolean): number {
    const commit = BigInt(position.getCommitPosition());
    const prepare = BigInt(position.getPreparePosition());
    const index = this.log.all.findIndex((event) => {
      const order = comparePairs(event, commit, prepare);
      return inclusive ? order >= 0 : order > 0;
    });
    return index < 0 ? this.log.all.length : index;
  }
}

function fail(call: ReadCall, code: status, details: string): void {
  call.emit('error', { code, details });
}

function countOf(options: ReadReq.Options): number {
  return options.hasCount() ? Number(BigInt(options.getCount())) : Number.MAX_SAFE_INTEGER;
}

function filterOf(options: ReadReq.Options.FilterOptions | undefined): EventFilter {
  if (!options) return () => true;
  const byStream = options.hasStreamIdentifier();
  const expression = byStream ? options.getStreamIdentifier() : options.getEventType();
  if (!expression) return () => true;
  const subjectOf = (event: LoggedEvent): string => (byStream ? event.streamName : event.type);
  const regex = expression.getRegex();
  // EventStoreDB uses .NET Regex.IsMatch: unanchored, like RegExp.test.
  if (regex) {
    const pattern = new RegExp(regex);
    return (event) => pattern.test(subjectOf(event));
  }
  const prefixes = expression.getPrefixList();
  return (event) => prefixes.some((prefix) => subjectOf(event).startsWith(prefix));
}

/** Where a read from `revision` starts: the index equals the revision, except in a stream a test tampered with. */
function indexOfRevision(events: readonly LoggedEvent[], revision: bigint): number {
  const index = Number(revision);
  if (events[index]?.revision === revision) return index;
  if ((events[events.length - 1]?.revision ?? -1n) < revision) return events.length;
  return events.findIndex((event) => event.revision >= revision);
}
