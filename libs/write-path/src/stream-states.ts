import { GENESIS_HASH, headHashOf } from '@flipside/audit';
import { Decider } from '@flipside/domain';
import { EventStore, Position, RecordedEvent, StreamNotFoundError } from '@flipside/event-store';
import { KeyVault, PersonalDataCipher, keyIdOf } from '@flipside/personal-data';

/** A stream's state as of a revision (-1: the stream does not exist yet). */
export interface StreamState<S> {
  readonly state: S;
  readonly revision: bigint;
  /** The hash of the event at `revision` (GENESIS_HASH for none, or an event written before hashing): what the next one links to. */
  readonly headHash: string;
  /** Results of earlier fingerprinted commands on this stream, for replaying repeated creations. */
  readonly recorded: ReadonlyMap<string, { revision: bigint; position: Position }>;
  /**
   * The data keys the state was opened with: once one of them is destroyed (here, or in another process), the
   * plaintext held in the state is dropped and the stream folded afresh.
   */
  readonly keyIds?: ReadonlySet<string>;
  /** The vault's destruction count when those keys were last known alive: checked again only once it moved. */
  readonly keysCheckedAt?: number;
}

const MAX_CACHED_STREAMS = 20000;

/**
 * Folds streams into state, remembering the result: the next load reads only the events appended since.
 * The cache only ever holds states built from stored events, so it can lag but never lie. Stored events pass
 * through the personal-data cipher before `evolve` (upcast, decrypted; erased fields null), so states hold
 * plaintext, and a state is folded afresh once a key it was opened with is destroyed.
 */
export class StreamStates {
  private readonly cache = new Map<string, StreamState<unknown>>();
  private readonly firstFolds = new Map<string, Promise<StreamState<unknown>>>();

  constructor(
    private readonly store: EventStore,
    private readonly cipher: PersonalDataCipher,
    private readonly vault: KeyVault,
  ) {}

  async load<C, E, S>(decider: Decider<C, E, S>, streamName: string): Promise<StreamState<S>> {
    // A stream nobody holds is folded once however many commands ask for it at the same moment (a cold program
    // under a burst of pair commands). A held one is always read afresh: a load after a conflict must see it.
    if (this.cache.has(streamName)) return this.read(decider, streamName);
    const inFlight = this.firstFolds.get(streamName) as Promise<StreamState<S>> | undefined;
    if (inFlight) return inFlight;
    const folding = this.read(decider, streamName).finally(() => this.firstFolds.delete(streamName));
    this.firstFolds.set(streamName, folding);
    return folding;
  }

  private async read<C, E, S>(decider: Decider<C, E, S>, streamName: string): Promise<StreamState<S>> {
    let cached = this.cache.get(streamName) as StreamState<S> | undefined;
    if (cached && !this.keysStillAlive(cached)) {
      const count = this.vault.destructionCount;
      if (await this.vault.anyDestroyed(cached.keyIds ?? [])) {
        this.forget(streamName);
        cached = undefined;
      } else {
        cached = { ...cached, keysCheckedAt: count };
        this.remember(streamName, cached);
      }
    }
    const fromRevision = cached ? cached.revision + 1n : 0n;
    let events: RecordedEvent[];
    try {
      events = await this.store.readStream(streamName, { fromRevision });
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
      events = [];
    }
    // A stream with no events holds no keys yet: the ones its first append names are alive as of this count.
    const base: StreamState<S> = cached ?? {
      state: decider.initialState,
      revision: -1n,
      headHash: GENESIS_HASH,
      recorded: new Map(),
      keysCheckedAt: this.vault.destructionCount,
    };
    if (events.length === 0) return base;
    const count = this.vault.destructionCount;
    const loaded = { ...this.fold(decider, base, await this.cipher.open(events), events), keysCheckedAt: count };
    this.remember(streamName, loaded);
    return loaded;
  }

  /**
   * The state last loaded or appended by this process, without asking the store; undefined when none is held.
   * It may be behind the store (another process appended since): only use it where a stale revision is caught.
   */
  cached<C, E, S>(_decider: Decider<C, E, S>, streamName: string): StreamState<S> | undefined {
    const cached = this.cache.get(streamName) as StreamState<S> | undefined;
    // A state opened with a key that may have been destroyed since holds erased plaintext: `load` checks it.
    if (!cached || !this.keysStillAlive(cached)) return undefined;
    // Used counts as recent: a program its pairs' commands keep using stays held while pair streams come and go.
    this.remember(streamName, cached);
    return cached;
  }

  /**
   * After a successful append: the new state (the decided events folded in, as the write path already did) and its
   * head hash are known without reading them back; `stored` is the events' stored form, whose keys join the state's.
   */
  advance<S>(
    streamName: string,
    before: StreamState<S>,
    state: S,
    appended: { revision: bigint; position: Position; headHash: string },
    fingerprint: string | undefined,
    stored: readonly { readonly data: object }[],
  ): void {
    const { revision, position, headHash } = appended;
    const recorded = new Map(before.recorded);
    if (fingerprint) recorded.set(fingerprint, { revision, position });
    const keyIds = withKeyIds(before.keyIds, stored);
    const current = this.cache.get(streamName);
    if (!current || current.revision < revision) {
      this.remember(streamName, { state, revision, headHash, recorded, keyIds, keysCheckedAt: before.keysCheckedAt });
    }
  }

  /** Drops the held state: the store no longer has what it was built from (e.g. events removed), so fold afresh. */
  forget(streamName: string): void {
    this.cache.delete(streamName);
  }

  /** True while no key was destroyed anywhere this process heard of since the state's keys were last checked. */
  private keysStillAlive(state: StreamState<unknown>): boolean {
    return !state.keyIds?.size || state.keysCheckedAt === this.vault.destructionCount;
  }

  private fold<C, E, S>(decider: Decider<C, E, S>, base: StreamState<S>, events: readonly RecordedEvent[], stored: readonly RecordedEvent[]): StreamState<S> {
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
    // The head hash is of the stored form: the chain covers ciphertext.
    const last = stored[stored.length - 1];
    return { state, revision: last.revision, headHash: headHashOf(last), recorded, keyIds: withKeyIds(base.keyIds, stored) };
  }

  private remember(streamName: string, state: StreamState<unknown>): void {
    this.cache.delete(streamName);
    this.cache.set(streamName, state);
    // Map keeps insertion order: the first key is the least recently loaded stream.
    if (this.cache.size > MAX_CACHED_STREAMS) this.cache.delete(this.cache.keys().next().value as string);
  }
}

/** The keys plus every key the events' ciphertexts name (the same set when they name no new one). */
function withKeyIds(keyIds: ReadonlySet<string> = new Set(), events: readonly { readonly data: object }[]): ReadonlySet<string> {
  let added: Set<string> | undefined;
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      const keyId = keyIdOf(value);
      if (keyId !== undefined && !keyIds.has(keyId) && !added?.has(keyId)) (added ??= new Set(keyIds)).add(keyId);
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (typeof value === 'object' && value !== null) {
      Object.values(value).forEach(visit);
    }
  };
  for (const event of events) visit(event.data);
  return added ?? keyIds;
}
