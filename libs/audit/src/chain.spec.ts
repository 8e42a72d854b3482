import { GENESIS_HASH, canonicalJson, linkHash, sealData, sealWith } from './chain';
import { ChainedEvent, verifyStream } from './verification';
import { headsDigest } from './anchors';

const seal = sealWith(Buffer.alloc(32, 7));

/** A stream of n chained events, built the way the write path builds them. */
function chainOf(n: number, stream = 'pair-1'): ChainedEvent[] {
  const events: ChainedEvent[] = [];
  let previousHash = GENESIS_HASH;
  for (let revision = 0n; revision < BigInt(n); revision++) {
    const eventId = `event-${revision}`;
    const data = sealData('SessionHeld', eventId, { sessionId: `s${revision}`, confidentialNotes: 'only the pair' }, seal);
    const metadata = { eventId, actor: { id: 'a', roles: ['admin'] }, occurredAt: '2026-12-01T10:00:00.000Z' };
    const hash = linkHash({ previousHash, streamName: stream, revision, type: 'SessionHeld', data, metadata });
    events.push({ streamName: stream, revision, type: 'SessionHeld', data, metadata: { ...metadata, hash } });
    previousHash = hash;
  }
  return events;
}

describe('The hash chain of a stream', () => {
  it('canonicalizes JSON as RFC 8785 does: sorted keys, shortest numbers', () => {
    expect(canonicalJson({ b: 1.0, a: [1e21, 'é'], c: { z: null, y: true } })).toBe('{"a":[1e+21,"é"],"b":1,"c":{"y":true,"z":null}}');
  });

  it('verifies an untouched stream and reports its head', () => {
    const events = chainOf(3);
    expect(verifyStream('pair-1', events)).toEqual({
      stream: 'pair-1',
      events: 3,
      unchainedEvents: 0,
      head: events[2].metadata.hash,
      headRevision: '2',
    });
  });

  it('seals confidential text: the chain holds a keyed seal bound to the event, never the text', () => {
    const [event] = chainOf(1);
    expect(JSON.stringify({ ...event, revision: String(event.revision) })).not.toContain('only the pair');
    const elsewhere = sealData('SessionHeld', 'another-event', { confidentialNotes: 'only the pair' }, seal);
    expect(elsewhere.confidentialNotes).not.toEqual((event.data as Record<string, unknown>).confidentialNotes);
    expect(sealData('SessionHeld', 'event-0', { confidentialNotes: 'only the pair' }, sealWith(Buffer.alloc(32, 8)))).not.toEqual(
      sealData('SessionHeld', 'event-0', { confidentialNotes: 'only the pair' }, seal),
    );
  });

  it('finds changed data, changed metadata, a deleted event and two events swapped, at the first broken link', () => {
    const changedData = chainOf(3);
    changedData[1] = { ...changedData[1], data: { ...(changedData[1].data as object), sessionId: 'forged' } };
    expect(verifyStream('pair-1', changedData).failure).toMatchObject({ revision: '1', reason: 'hash-mismatch' });

    const changedMetadata = chainOf(3);
    changedMetadata[2] = { ...changedMetadata[2], metadata: { ...changedMetadata[2].metadata, actor: { id: 'b', roles: ['admin'] } } };
    expect(verifyStream('pair-1', changedMetadata).failure).toMatchObject({ revision: '2', reason: 'hash-mismatch' });

    const deleted = chainOf(3);
    deleted.splice(1, 1);
    expect(verifyStream('pair-1', deleted).failure).toEqual({
      stream: 'pair-1',
      revision: '2',
      reason: 'revision-gap',
      expected: '1',
      actual: '2',
    });

    const swapped = chainOf(3);
    [swapped[0], swapped[1]] = [
      { ...swapped[1], revision: 0n },
      { ...swapped[0], revision: 1n },
    ];
    expect(verifyStream('pair-1', swapped).failure).toMatchObject({ revision: '0', reason: 'hash-mismatch' });
  });

  it('reports events written before hashing as an unchained prefix, and refuses an unchained event after the chain began', () => {
    const old = [0n, 1n].map((revision) => ({ streamName: 'p', revision, type: 'X', data: {}, metadata: {} }));
    const first = { streamName: 'p', revision: 2n, type: 'X', data: {}, metadata: {} as Record<string, unknown> };
    first.metadata = { hash: linkHash({ ...first, previousHash: GENESIS_HASH }) };
    const verified = verifyStream('p', [...old, first]);
    expect(verified).toMatchObject({ events: 3, unchainedEvents: 2, head: first.metadata.hash });
    expect(verified.failure).toBeUndefined();
    const later = { streamName: 'p', revision: 3n, type: 'X', data: {}, metadata: {} };
    expect(verifyStream('p', [...old, first, later]).failure).toMatchObject({ revision: '3', reason: 'unchained-after-chain' });
  });

  it('digests stream heads in one order whatever order they come in', () => {
    const heads = [
      { stream: 'program-b', revision: '4', hash: 'bb' },
      { stream: 'program-a', revision: '1', hash: 'aa' },
    ];
    expect(headsDigest(heads)).toBe(headsDigest([...heads].reverse()));
    expect(headsDigest(heads)).not.toBe(headsDigest([{ ...heads[0], hash: 'bc' }, heads[1]]));
  });
});
