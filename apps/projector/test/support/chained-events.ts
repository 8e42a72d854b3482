import { randomBytes, randomUUID } from 'node:crypto';
import { GENESIS_HASH, headsDigest, linkHash, Seal, sealData, sealWith, StreamHead, verifyStream } from '@flipside/audit';
import { comparePositions, EventStore, JsonObject, Position, RecordedEvent } from '@flipside/event-store';
import { ScriptedEvent } from './mentorship-events';

/**
 * Appends events the way the API's write path does since issue 10: each carries metadata.hash, the link onto its
 * stream's chain (linkHash over the sealed data), appended at the revision the hash names. `unchained` appends
 * events as they were written before hashing existed.
 */
export class ChainedAppender {
  private readonly heads = new Map<string, { revision: bigint; hash: string }>();
  readonly seal: Seal = sealWith(randomBytes(32));

  constructor(private readonly store: EventStore) {}

  async append(stream: string, events: readonly { type: string; data: JsonObject; metadata?: JsonObject }[], options: { unchained?: boolean } = {}): Promise<Position> {
    const head = this.heads.get(stream);
    let revision = head ? head.revision + 1n : 0n;
    let previousHash = head?.hash ?? GENESIS_HASH;
    const toAppend = events.map((event) => {
      const id = randomUUID();
      const metadata: JsonObject = {
        schemaVersion: 1,
        occurredAt: new Date().toISOString(),
        organizationId: 'acme',
        actor: { id: 'admin-7', roles: ['admin'] },
        correlationId: id,
        causationId: id,
        ...event.metadata,
        eventId: id,
        command: 'Seed',
      };
      if (!options.unchained) {
        metadata.hash = linkHash({ previousHash, streamName: stream, revision, type: event.type, data: sealData(event.type, id, event.data, this.seal), metadata });
        previousHash = metadata.hash as string;
      }
      revision++;
      return { id, type: event.type, data: event.data, metadata };
    });
    const result = await this.store.append(stream, toAppend, head ? head.revision : 'no_stream');
    this.heads.set(stream, { revision: result.nextExpectedRevision, hash: previousHash });
    return result.position;
  }

  /**
   * A scripted program's streams, program stream first (pairs exist before their events), `chunk` events an
   * append, `pauseMs` between appends (as users would).
   */
  async appendLife(streams: Map<string, ScriptedEvent[]>, chunk = 5, pauseMs = 0): Promise<void> {
    const ordered = [...streams.entries()].sort(([a], [b]) => Number(b.startsWith('program-')) - Number(a.startsWith('program-')));
    for (const [stream, scripted] of ordered) {
      for (let start = 0; start < scripted.length; start += chunk) {
        await this.append(stream, scripted.slice(start, start + chunk).map(({ event }) => event));
        if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }
  }

  /** Checks every stream the appender wrote with the offline verifier: the test data is a valid chain. */
  async verifyAll(): Promise<string[]> {
    const problems: string[] = [];
    for (const stream of this.heads.keys()) {
      const events = (await this.store.readStream(stream)).map((event) => ({ ...event, data: sealData(event.type, event.id, event.data, this.seal) }));
      const result = verifyStream(stream, events);
      if (result.failure) problems.push(`${stream}: ${result.failure.reason} at ${result.failure.revision}`);
    }
    return problems;
  }
}

/** Every stream's head (its last hashed event) among the stored events up to `position` (all without). */
export function headsAsOf(events: readonly RecordedEvent[], position?: Position): Map<string, StreamHead> {
  const heads = new Map<string, StreamHead>();
  for (const event of events) {
    if (position && comparePositions(event.position, position) > 0) break;
    const hash = event.metadata.hash;
    if (typeof hash === 'string') heads.set(event.streamName, { stream: event.streamName, revision: event.revision.toString(), hash });
  }
  return heads;
}

/** The digest an anchor at `position` must carry, recomputed from the stored events. */
export function digestAsOf(events: readonly RecordedEvent[], position: Position): string {
  return headsDigest(headsAsOf(events, position).values());
}

/** Heads sorted by stream, as anchors list them. */
export const sortedHeads = (heads: Iterable<StreamHead>): StreamHead[] =>
  [...heads].sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));

/** The heads that changed after `previous` up to `position`: what an anchor at `position` lists. */
export function changedHeads(events: readonly RecordedEvent[], previous: Position | undefined, position: Position): StreamHead[] {
  const now = headsAsOf(events, position);
  const before = previous ? headsAsOf(events, previous) : new Map<string, StreamHead>();
  return sortedHeads([...now.values()].filter((head) => before.get(head.stream)?.hash !== head.hash));
}
