import { Inject, Injectable } from '@nestjs/common';
import { GENESIS_HASH, headHashOf } from '@flipside/audit';
import { Decider } from '@flipside/domain';
import { EVENT_STORE, EventStore, Position, RecordedEvent, StreamNotFoundError } from '@flipside/event-store';

/** A stream's state as of a revision (-1: the stream does not exist yet). */
export interface StreamState<S> {
  readonly state: S;
  readonly revision: bigint;
  /** The hash of the event at `revision` (GENESIS_HASH for none, or an event written before hashing): what the next one links to. */
  readonly headHash: string;
  /** Results of earlier fingerprinted commands on this stream, for replaying repeated creations. */
  readonly recorded: ReadonlyMap<string, { revision: bigint; position: Position }>;
}

const MAX_CACHED_STREAMS = 20000;

/**
 * Folds streams into state, remembering the result: the next load reads only the events appended since.
 * The cache only ever holds states built from stored events, so it can lag but never lie.
 */
@Injectable()
export class StreamStates {
  private readonly cache = new Map<string, StreamState<unknown>>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load<C, E, S>(decider: Decider<C, E, S>, streamName: string): Promise<StreamState<S>> {
    const cached = this.cache.get(streamName) as StreamState<S> | undefined;
    const fromRevision = cached ? cached.revision + 1n : 0n;
    let events: RecordedEvent[];
    try {
      events = await this.store.readStream(streamName, { fromRevision });
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
      events = [];
    }
    const base: StreamState<S> = cached ?? { state: decider.initialState, revision: -1n, headHash: GENESIS_HASH, recorded: new Map() };
    if (events.length === 0) return base;
    const loaded = this.fold(decider, base, events);
    this.remember(streamName, loaded);
    return loaded;
  }

  /**
   * The state last loaded or appended by this process, without asking the store; undefined when none is held.
   * It may be behind the store (another process appended since): only use it where a stale revision is caught.
   */
  cached<C, E, S>(_decider: Decider<C, E, S>, streamName: string): StreamState<S> | undefined {
    return this.cache.get(streamName) as StreamState<S> | undefined;
  }

  /** After a successful append: the new state, and its head hash, are known without reading them back. */
  advance<C, E, S>(
    decider: Decider<C, E, S>,
    streamName: string,
    before: StreamState<S>,
    events: readonly E[],
    appended: { revision: bigint; position: Position; headHash: string },
    fingerprint?: string,
  ): void {
    const { revision, position, headHash } = appended;
    const recorded = new Map(before.recorded);
    if (fingerprint) recorded.set(fingerprint, { revision, position });
    const state = events.reduce((current, event) => decider.evolve(current, event), before.state);
    const current = this.cache.get(streamName);
    if (!current || current.revision < revision) this.remember(streamName, { state, revision, headHash, recorded });
  }

  /** Drops the held state: the store no longer has what it was built from (e.g. events removed), so fold afresh. */
  forget(streamName: string): void {
    this.cache.delete(streamName);
  }

  private fold<C, E, S>(decider: Decider<C, E, S>, base: StreamState<S>, events: RecordedEvent[]): StreamState<S> {
    let state = base.state;
    let recorded = base.recorded as Map<string, { revision: bigint; position: Position }>;
    for (const event of events) {
      state = decider.evolve(state, { type: event.type, data: event.data } as E);
      const fingerprint = event.metadata.commandFingerprint;
      if (typeof fingerprint === 'string') {
        if (recorded === base.recorded) recorded = new Map(recorded);
        recorded.set(fingerprint, { revision: event.revision, position: event.position });
      }
    }
    const last = events[events.length - 1];
    return { state, revision: last.revision, headHash: headHashOf(last), recorded };
  }

  private remember(streamName: string, state: StreamState<unknown>): void {
    this.cache.delete(streamName);
    this.cache.set(streamName, state);
    // Map keeps insertion order: the first key is the least recently loaded stream.
    if (this.cache.size > MAX_CACHED_STREAMS) this.cache.delete(this.cache.keys().next().value as string);
  }
}
