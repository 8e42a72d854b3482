import { GENESIS_HASH, ProgramStreams } from '@flipside/audit';
import { PAIR_EVENT_TYPES, PROGRAM_EVENT_TYPES, pairStreamName } from '@flipside/domain';
import { EventReader, Position, RecordedEvent, StreamNotFoundError, comparePositions } from '@flipside/event-store';
import { HistoryFilter } from './history-filter';
import { linkTarget } from './history-entry';

/** An event taken from the merge, with the hash its chain link points to (the previous event's, or genesis). */
export interface MergedEvent {
  readonly event: RecordedEvent;
  readonly linksTo: string;
}

/**
 * How many events one read of one stream asks for: the first read of a stream with no known next event (none
 * known, or only a place it comes after), the first read of a stream whose known next event is the next in log
 * order, and each later read.
 */
export interface ReadSizes {
  readonly first: number;
  readonly onTurn: number;
  next(previous: number): number;
}

/** Where an event sits in log order: its position, or its recorded time from stores whose stream reads give no position. */
export type LogKey = { readonly position: Position } | { readonly time: number };

export const logKeyOf = (event: RecordedEvent): LogKey =>
  event.position.commit >= 0n ? { position: event.position } : { time: event.recordedAt.getTime() };

function compareKeys(a: LogKey, b: LogKey): number {
  if ('position' in a && 'position' in b) return comparePositions(a.position, b.position);
  if ('time' in a && 'time' in b) return a.time - b.time;
  return 0;
}

/**
 * Where the merge starts in one stream: its next revision and, when known, where in log order its next event is:
 * at `nextKey` (an earlier page read it), or after it (`after`: the stream had nothing more when `nextKey` was the
 * furthest key read, or a pair stream, whose events all come after its Paired event).
 */
export interface StreamStart {
  readonly next: bigint;
  readonly nextKey?: LogKey;
  readonly after?: boolean;
}

/** One stream of the program, read forwards in chunks from its next revision. */
class StreamReading {
  private buffer: readonly RecordedEvent[] = [];
  private at = 0;
  private ended = false;
  private asked = 0;
  /** What the event at `next` links to; unknown until the event before it has been read. */
  private linksTo: string | undefined;
  /** The next event's key as an earlier page saw it: the stream is read only once its turn comes. */
  private known: LogKey | undefined;
  private knownAfter = false;
  /** The next revision to take. */
  next: bigint;

  constructor(
    readonly index: number,
    readonly name: string,
    start: StreamStart,
  ) {
    this.next = start.next;
    this.known = start.nextKey;
    this.knownAfter = start.nextKey !== undefined && start.after === true;
    if (start.next === 0n) this.linksTo = GENESIS_HASH;
  }

  /** The program stream is read whole by programStreams: its events are reused, not read again. */
  static preloaded(index: number, name: string, events: readonly RecordedEvent[], next: bigint): StreamReading {
    const reading = new StreamReading(index, name, { next });
    const from = Number(next);
    reading.buffer = events.slice(from);
    reading.linksTo = from === 0 ? GENESIS_HASH : linkTarget(events[from - 1]);
    reading.ended = true;
    return reading;
  }

  get head(): RecordedEvent | undefined {
    return this.buffer[this.at];
  }

  /** The key of the next event, read or known. */
  get headKey(): LogKey | undefined {
    const head = this.head;
    return head ? logKeyOf(head) : this.known;
  }

  /** Whether the next event comes after headKey rather than at it: between equal keys, the one at it goes first. */
  get headAfter(): boolean {
    return this.head === undefined && this.knownAfter;
  }

  get needsRead(): boolean {
    return this.at >= this.buffer.length && !this.ended && this.known === undefined;
  }

  /** Its turn has come: what is known of its next event is read now. */
  takeTurn(): void {
    this.asked = this.knownAfter ? 0 : -1;
    this.known = undefined;
    this.knownAfter = false;
  }

  async read(reader: EventReader, sizes: ReadSizes): Promise<void> {
    const count = this.asked === 0 ? sizes.first : this.asked < 0 ? sizes.onTurn : sizes.next(this.asked);
    this.asked = count;
    // Resuming mid-stream: one more event, before `next`, gives the hash the next event links to.
    const before = this.linksTo === undefined ? 1n : 0n;
    let events: RecordedEvent[];
    try {
      events = await reader.readStream(this.name, { fromRevision: this.next - before, maxCount: count + Number(before) });
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
      events = [];
    }
    if (before === 1n) {
      this.linksTo = events[0]?.revision === this.next - 1n ? linkTarget(events[0]) : GENESIS_HASH;
      events = events.filter((event) => event.revision >= this.next);
    }
    this.ended = events.length < count;
    this.buffer = events;
    this.at = 0;
  }

  take(): MergedEvent {
    const event = this.buffer[this.at++];
    const taken = { event, linksTo: this.linksTo ?? GENESIS_HASH };
    this.linksTo = linkTarget(event);
    this.next = event.revision + 1n;
    return taken;
  }

  /** The key of the last event read (or known) of this stream. */
  get lastKey(): LogKey | undefined {
    return this.buffer.length > 0 ? logKeyOf(this.buffer[this.buffer.length - 1]) : this.known;
  }

  /**
   * Where the stream goes on. A stream with nothing more yet waits for `furthest`: anything appended to it later
   * comes after every event already read, so it is read again only once the merge has gone that far.
   */
  startFor(furthest: LogKey | undefined): StreamStart {
    const nextKey = this.headKey;
    if (nextKey) return this.headAfter ? { next: this.next, nextKey, after: true } : { next: this.next, nextKey };
    return furthest ? { next: this.next, nextKey: furthest, after: true } : { next: this.next };
  }
}

/** Log order between two streams' next events; ties (and keys of different kinds): a stream's event before a bound, then by stream. */
function logOrder(a: StreamReading, b: StreamReading): number {
  return compareKeys(a.headKey as LogKey, b.headKey as LogKey) || Number(a.headAfter) - Number(b.headAfter) || a.index - b.index;
}

/** The streams whose events the merge takes the next one from, smallest head first (a binary heap). */
class StreamHeads {
  private readonly heap: StreamReading[] = [];

  push(reading: StreamReading): void {
    const heap = this.heap;
    heap.push(reading);
    for (let child = heap.length - 1; child > 0; ) {
      const parent = (child - 1) >> 1;
      if (logOrder(heap[child], heap[parent]) >= 0) break;
      [heap[child], heap[parent]] = [heap[parent], heap[child]];
      child = parent;
    }
  }

  pop(): StreamReading | undefined {
    const heap = this.heap;
    const first = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      for (let parent = 0; ; ) {
        const [left, right] = [2 * parent + 1, 2 * parent + 2];
        let smallest = parent;
        if (left < heap.length && logOrder(heap[left], heap[smallest]) < 0) smallest = left;
        if (right < heap.length && logOrder(heap[right], heap[smallest]) < 0) smallest = right;
        if (smallest === parent) break;
        [heap[parent], heap[smallest]] = [heap[smallest], heap[parent]];
        parent = smallest;
      }
    }
    return first;
  }

  get empty(): boolean {
    return this.heap.length === 0;
  }

  peek(): StreamReading | undefined {
    return this.heap[0];
  }
}

/** Where a history starts: at each stream's first event; a pair stream's come after the Paired event that formed it. */
export function historyStarts(streams: ProgramStreams): StreamStart[] {
  const formed = new Map<string, LogKey>();
  for (const event of streams.programEvents) {
    if (event.type === 'Paired' && typeof event.data.pairId === 'string') formed.set(pairStreamName(event.data.pairId), logKeyOf(event));
  }
  return streams.streamNames.map((name) => {
    const nextKey = formed.get(name);
    return nextKey ? { next: 0n, nextKey, after: true } : { next: 0n };
  });
}

// At the end of a history every stream with nothing more is read again, to learn whether it has something new.
const BOUNDS_READ_TOGETHER = 32;

/** Which of the program's streams can hold events the filter wants (indexes into streamNames). */
function streamsFor(streams: ProgramStreams, filter: HistoryFilter): number[] {
  const all = streams.streamNames.map((_, index) => index);
  const types = filter.types ? new Set(filter.types) : undefined;
  const wantsProgram = !types || PROGRAM_EVENT_TYPES.some((type) => types.has(type));
  const wantsPairs = !types || PAIR_EVENT_TYPES.some((type) => types.has(type));
  const pairStream = filter.pairId === undefined ? undefined : pairStreamName(filter.pairId);
  return all.filter((index) =>
    index === 0 ? wantsProgram : wantsPairs && (pairStream === undefined || streams.streamNames[index] === pairStream),
  );
}

/**
 * A program's history in log order: a k-way merge of its program stream and pair streams, each read through
 * the port in chunks from its own next revision. Memory is bounded by streams × read size, whatever the history's length.
 * A stream whose next event an earlier page saw is read only when that event's turn comes.
 */
export class HistoryMerge {
  private readonly readings: StreamReading[];
  private readonly heads = new StreamHeads();
  private readonly sizes: ReadSizes;
  private waiting: StreamReading[];
  /** The furthest key read or known so far. */
  private furthest: LogKey | undefined;

  constructor(
    private readonly reader: EventReader,
    streams: ProgramStreams,
    filter: HistoryFilter,
    private readonly starts: readonly StreamStart[],
    /** Read sizes for the number of streams the merge reads (the filter may leave some out). */
    sizesFor: (streams: number) => ReadSizes,
  ) {
    this.readings = streamsFor(streams, filter).map((index) =>
      index === 0
        ? StreamReading.preloaded(0, streams.streamNames[0], streams.programEvents, starts[0].next)
        : new StreamReading(index, streams.streamNames[index], starts[index]),
    );
    this.sizes = sizesFor(this.readings.length);
    this.waiting = [...this.readings];
    for (const reading of this.readings) this.goneAsFarAs(reading.lastKey);
  }

  async next(): Promise<MergedEvent | undefined> {
    for (;;) {
      await this.refill();
      const reading = this.heads.pop();
      if (!reading) return undefined;
      this.waiting.push(reading);
      if (reading.head) return reading.take();
      this.turn(reading);
    }
  }

  /** Whether any stream holds another event: reads a waiting stream if it is the next one, to know. */
  async hasMore(): Promise<boolean> {
    for (;;) {
      await this.refill();
      const reading = this.heads.pop();
      if (!reading) return false;
      this.waiting.push(reading);
      if (reading.head) return true;
      this.turn(reading);
    }
  }

  /**
   * A stream's turn has come with nothing read of it yet. When it only had a place its next event comes after,
   * the streams right behind it that had one too are read with it, side by side (the end of a history).
   */
  private turn(reading: StreamReading): void {
    const bound = reading.headAfter;
    reading.takeTurn();
    for (let next = this.heads.peek(), together = 1; bound && next?.headAfter && together < BOUNDS_READ_TOGETHER; next = this.heads.peek(), together++) {
      this.heads.pop();
      this.waiting.push(next);
      next.takeTurn();
    }
  }

  /** Where every stream goes on, for the cursor; streams the merge does not read keep where they were. */
  nextStarts(): StreamStart[] {
    const next = [...this.starts];
    for (const reading of this.readings) next[reading.index] = reading.startFor(this.furthest);
    return next;
  }

  private async refill(): Promise<void> {
    const waiting = this.waiting;
    this.waiting = [];
    const reads = waiting.filter((reading) => reading.needsRead);
    await Promise.all(reads.map((reading) => reading.read(this.reader, this.sizes)));
    for (const reading of reads) this.goneAsFarAs(reading.lastKey);
    for (const reading of waiting) if (reading.headKey) this.heads.push(reading);
  }

  private goneAsFarAs(key: LogKey | undefined): void {
    if (key && (!this.furthest || compareKeys(key, this.furthest) > 0)) this.furthest = key;
  }
}
