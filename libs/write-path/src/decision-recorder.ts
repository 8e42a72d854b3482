import { Seal } from '@flipside/audit';
import { Decider } from '@flipside/domain';
import { EventStore, Position, WrongExpectedVersionError, serializePosition } from '@flipside/event-store';
import { KeyOwners, PersonalDataCipher } from '@flipside/personal-data';
import { CommandContext } from './command-context';
import { CommandRefused, StaleRevision, StreamBusy, StreamNotFound, WritePathError } from './errors';
import { DomainEventLike, envelope } from './event-envelope';
import { StreamQueue } from './stream-queue';
import { StreamState, StreamStates } from './stream-states';

/** What every command answers: the id it concerns, and where its events landed. */
export interface CommandOutcome {
  readonly id: string;
  readonly revision: string;
  readonly position: string;
  /** False when a repeated creation was answered with the first one's result. */
  readonly recordedNow: boolean;
}

export interface PreparedCommand<C> {
  /** The command to decide, built from the stream's state and what `load` answered (e.g. with program context). */
  readonly command: C;
  /** The organization the events belong to (metadata). */
  readonly organizationId: string;
}

/** What a request's `load` answered, and whether it is what this process held (possibly behind the store). */
export interface Loaded<X> {
  readonly value: X;
  readonly held: boolean;
}

export interface RecordRequest<C, E, S, X = undefined> {
  readonly decider: Decider<C, E, S>;
  readonly streamName: string;
  /** The use case deciding, e.g. 'LogSession': recorded in every event's metadata. */
  readonly command: string;
  readonly context: CommandContext;
  /** The id the response names. */
  readonly id: string;
  /**
   * Checks access and builds the command on every attempt; throws a WritePathError to refuse. The stream's state and
   * what `load` answered may be what this process holds, possibly behind the store: a refusal decided on either is
   * decided again on fresh ones before it is answered.
   */
  prepare(current: StreamState<S>, loaded: X): PreparedCommand<C>;
  /**
   * Loads what `prepare` needs besides the stream itself (e.g. the program), alongside the stream's own load. With
   * `mayHold`, what this process holds may do (answered with `held: true`); without it, read it fresh.
   */
  load?(mayHold: boolean): Promise<Loaded<X>>;
  /**
   * What must be recorded in other streams before this decision's events, or undefined when nothing must (the fences
   * of the pairs a program decision ends). Run only for a decision made on freshly read state, and again for the
   * decision made after a conflicting append: it must be idempotent.
   */
  before?(events: readonly E[], current: StreamState<S>): (() => Promise<unknown>) | undefined;
  /**
   * Whose keys encrypt the decided events' personal fields. `state` is the stream's state with the decided events
   * folded in, so a person or pair the same decision introduces (an enrolment, a pairing) is known.
   */
  keyOwners(state: S, loaded: X, organizationId: string): KeyOwners;
  /** For creations with a client-chosen id: a repeat of the same command answers with the first result. */
  readonly replayable?: boolean;
}

/** How often a command is decided again when another writer moved its stream on, and how long it waits between. */
export const retryPolicy = {
  maxAttempts: 8,
  /** Before attempt n+1: a random wait up to backoffMs × 2^n (none when only the held state was behind). */
  backoffMs: 10,
} as const;

/** Keyed (the store's seal key), so a stored fingerprint confirms no guess at the names or texts in the command. */
function fingerprintOf(seal: Seal, streamName: string, command: unknown): string {
  const { now: _now, ...rest } = command as Record<string, unknown>;
  return seal('command-fingerprint', streamName, rest);
}

const jitter = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * retryPolicy.backoffMs * 2 ** attempt));

/**
 * The write path of every command: load the stream's state, decide, append at the revision decided on.
 * A concurrent writer makes the append fail; without If-Match the command is decided again on fresh state.
 */
export class DecisionRecorder {
  private readonly queue = new StreamQueue();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly store: EventStore,
    private readonly states: StreamStates,
    private readonly seal: Seal,
    private readonly cipher: PersonalDataCipher,
  ) {}

  record<C, E extends DomainEventLike, S, X>(request: RecordRequest<C, E, S, X>): Promise<CommandOutcome> {
    // Every handler reaches the write path here: from now on a refusal is the command's answer, to be stored.
    if (request.context.execution) request.context.execution.started = true;
    const recording = this.queue.run(request.streamName, () => this.attempt(request));
    this.inFlight.add(recording);
    void recording.finally(() => this.inFlight.delete(recording)).catch(() => undefined);
    return recording;
  }

  /** Waits for commands already being decided, so shutdown never cuts an append in half-answered. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async attempt<C, E extends DomainEventLike, S, X>(request: RecordRequest<C, E, S, X>): Promise<CommandOutcome> {
    const { decider, streamName, context } = request;
    // The first attempt decides on the state this process already holds, saving a read: a stale state cannot get
    // through, as the append's expected revision refuses it, and any refusal is decided again on fresh state.
    let trustCache = context.ifMatch === undefined;
    // What `load` holds may serve every attempt until a refusal is decided on it.
    let mayHold = true;
    const unloaded: Loaded<X> = { value: undefined as X, held: false };
    for (let attempt = 1; ; attempt++) {
      const cached = trustCache ? this.states.cached(decider, streamName) : undefined;
      trustCache = false;
      const [current, { value: loaded, held }] = await Promise.all([
        cached ?? this.states.load(decider, streamName),
        request.load ? request.load(mayHold) : unloaded,
      ]);
      const onHeldState = cached !== undefined || held;
      const refusedOnHeldState = () => {
        mayHold = false;
        return onHeldState;
      };
      let decision: PreparedCommand<C>;
      try {
        decision = request.prepare(current, loaded);
      } catch (error) {
        if (error instanceof WritePathError && refusedOnHeldState()) continue;
        throw error;
      }
      if (context.ifMatch !== undefined && context.ifMatch !== current.revision) {
        throw new StaleRevision(context.ifMatch, current.revision);
      }
      const fingerprint = request.replayable ? fingerprintOf(this.seal, streamName, decision.command) : undefined;
      const decided = decider.decide(decision.command, current.state);
      if (!decided.ok) {
        if (refusedOnHeldState()) continue;
        const earlier = fingerprint ? current.recorded.get(fingerprint) : undefined;
        if (earlier) return this.outcome(request.id, earlier.revision, earlier.position, false);
        throw new CommandRefused(decided.violation);
      }
      if (decided.events.length === 0) {
        // Nothing to record (e.g. erasing a person already erased): the held state may be behind, so confirm on a fresh one.
        if (cached) continue;
        return this.outcome(request.id, current.revision, await this.headPosition(streamName, current.revision), false);
      }
      const before = request.before?.(decided.events, current);
      if (before) {
        // Other streams are written only for a decision made on what the store said a moment ago.
        if (cached) continue;
        await before();
      }
      const expected = current.revision < 0n ? 'no_stream' : current.revision;
      const after = decided.events.reduce((state, event) => decider.evolve(state, event), current.state);
      // Stored encrypted: the plaintext only ever lives in this process's states, and the chain covers the ciphertext.
      const stored = await this.cipher.encrypt(decided.events, request.keyOwners(after, loaded, decision.organizationId));
      // Hashed here, before the append, so both stores keep the same chain; a conflict decides and hashes again.
      const { events, headHash } = envelope(
        stored,
        { context, command: request.command, organizationId: decision.organizationId, commandFingerprint: fingerprint },
        { streamName, revision: current.revision + 1n, previousHash: current.headHash, seal: this.seal },
      );
      try {
        const result = await this.store.append(streamName, events, expected);
        const appended = { revision: result.nextExpectedRevision, position: result.position, headHash };
        this.states.advance(streamName, current, after, appended, fingerprint, stored);
        return this.outcome(request.id, result.nextExpectedRevision, result.position, true);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        // The store ends before the state held here: events were removed behind our back, so fold it afresh.
        if (error.actual === 'no_stream' || error.actual < current.revision) this.states.forget(streamName);
        if (context.ifMatch !== undefined) throw new StaleRevision(context.ifMatch, error.actual);
        if (attempt >= retryPolicy.maxAttempts) throw new StreamBusy(streamName, retryPolicy.maxAttempts);
        // Only the held state was behind: read it now, no other writer to make way for.
        if (!cached) await jitter(attempt);
      }
    }
  }

  /** Where the stream's last event sits in the log (a decision with no events answers with it). */
  private async headPosition(streamName: string, revision: bigint): Promise<Position> {
    if (revision < 0n) throw new StreamNotFound(streamName);
    const [head] = await this.store.readStream(streamName, { fromRevision: revision, maxCount: 1 });
    return head.position;
  }

  private outcome(id: string, revision: bigint, position: Position, recordedNow: boolean): CommandOutcome {
    return { id, revision: revision.toString(), position: serializePosition(position), recordedNow };
  }
}
