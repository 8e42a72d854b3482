import { GENESIS_HASH, linkHash } from './chain';

/** One event as a verifier sees it: data already in sealed form, metadata as stored (with its `hash`). */
export interface ChainedEvent {
  readonly streamName: string;
  readonly revision: bigint;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export type ChainFailureReason = 'hash-mismatch' | 'revision-gap' | 'unchained-after-chain' | 'anchor-mismatch' | 'missing-anchored-event';

export interface ChainFailure {
  readonly stream: string;
  readonly revision: string;
  readonly reason: ChainFailureReason;
  readonly expected: string;
  readonly actual: string;
}

export interface StreamVerification {
  readonly stream: string;
  readonly events: number;
  /** Events written before hashing existed: a prefix of the stream, reported, not failed. */
  readonly unchainedEvents: number;
  /** The last event's hash (GENESIS_HASH while nothing is chained). */
  readonly head: string;
  readonly headRevision?: string;
  readonly failure?: ChainFailure;
}

/**
 * Checks one stream's events in revision order and stops at the first broken link: a revision out of sequence
 * (an event deleted or moved), a hash that does not match the content, or an unchained event after the chain began.
 */
export class StreamChainVerifier {
  private expectedRevision = 0n;
  private previousHash = GENESIS_HASH;
  private chained = false;
  private count = 0;
  private unchained = 0;
  private failure?: ChainFailure;

  constructor(readonly stream: string) {}

  /** Feeds the next event; false once a failure was found (later events are not looked at). */
  add(event: ChainedEvent): boolean {
    if (this.failure) return false;
    const revision = event.revision.toString();
    const fail = (reason: ChainFailureReason, expected: string, actual: string) => {
      this.failure = { stream: this.stream, revision, reason, expected, actual };
      return false;
    };
    if (event.revision !== this.expectedRevision) return fail('revision-gap', this.expectedRevision.toString(), revision);
    this.expectedRevision += 1n;
    this.count += 1;
    const stored = event.metadata.hash;
    if (typeof stored !== 'string') {
      if (this.chained) return fail('unchained-after-chain', 'a hash', 'none');
      this.unchained += 1;
      return true;
    }
    const expected = linkHash({ ...event, previousHash: this.previousHash });
    if (expected !== stored) return fail('hash-mismatch', expected, stored);
    this.chained = true;
    this.previousHash = stored;
    return true;
  }

  /** The hash the event at `revision` must link to, as recorded so far. */
  get head(): string {
    return this.previousHash;
  }

  result(): StreamVerification {
    return {
      stream: this.stream,
      events: this.count,
      unchainedEvents: this.unchained,
      head: this.previousHash,
      ...(this.count > 0 ? { headRevision: (this.expectedRevision - 1n).toString() } : {}),
      ...(this.failure ? { failure: this.failure } : {}),
    };
  }
}

export function verifyStream(stream: string, events: Iterable<ChainedEvent>): StreamVerification {
  const verifier = new StreamChainVerifier(stream);
  for (const event of events) if (!verifier.add(event)) break;
  return verifier.result();
}

/** The previous hash a new event at the end of a stream links to: the last event's hash, or genesis. */
export function headHashOf(lastEvent: { readonly metadata: Readonly<Record<string, unknown>> } | undefined): string {
  const hash = lastEvent?.metadata.hash;
  return typeof hash === 'string' ? hash : GENESIS_HASH;
}
