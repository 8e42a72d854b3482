import { createHash } from 'node:crypto';
import { canonicalJson } from './chain';

/** A stream's head as an anchor records it. */
export interface StreamHead {
  readonly stream: string;
  readonly revision: string;
  readonly hash: string;
}

/** One digest over every stream head up to a log position: sorted by stream, canonical JSON, SHA-256. */
export function headsDigest(heads: Iterable<StreamHead>): string {
  const sorted = [...heads]
    .map(({ stream, revision, hash }) => ({ stream, revision, hash }))
    .sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
  return createHash('sha256').update(canonicalJson(sorted)).digest('hex');
}
