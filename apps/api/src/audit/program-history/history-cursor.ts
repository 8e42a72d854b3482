import { problems } from '../../http/problem';
import { LogKey, StreamStart } from './history-merge';

/**
 * Where the next page of a program's history starts: for each of the program's streams (in the order
 * programStreams names them), the next revision to read and, when this page saw it, that event's place in log
 * order. Revisions rather than one log position, so resuming is an indexed read per stream and an event whose
 * transaction committed late is served on a later page, never skipped; the places let a stream be left unread
 * until its turn comes. Streams formed after the cursor was made start at revision 0.
 */
export interface HistoryCursor {
  readonly fingerprint: string;
  readonly starts: readonly StreamStart[];
}

const VERSION = 'h2';
// Numbers in base 36, so a cursor stays short enough for a URL even for programs with hundreds of pairs.
const NUMBER = '[0-9a-z]{1,13}';
// revision[~[x](p<commit>-<prepare>|t<milliseconds>)]: x when the stream's next event comes after that place.
const STREAM = new RegExp(`^(${NUMBER})(?:~(x?)(?:p(${NUMBER})-(${NUMBER})|t(${NUMBER})))?$`);

const base36 = (value: bigint | number) => value.toString(36);
const fromBase36 = (text: string) => [...text].reduce((value, digit) => value * 36n + BigInt(parseInt(digit, 36)), 0n);

function encodeStart({ next, nextKey, after }: StreamStart): string {
  if (!nextKey) return base36(next);
  const place = 'position' in nextKey ? `p${base36(nextKey.position.commit)}-${base36(nextKey.position.prepare)}` : `t${base36(nextKey.time)}`;
  return `${base36(next)}~${after ? 'x' : ''}${place}`;
}

export function encodeHistoryCursor(cursor: HistoryCursor): string {
  return Buffer.from([VERSION, cursor.fingerprint, ...cursor.starts.map(encodeStart)].join('.')).toString('base64url');
}

const refused = (message: string) => problems.invalidRequest([{ field: 'cursor', message }]);

/** The cursor's starts for `streams` streams; a 400 for anything this API did not answer, or answered for other filters. */
export function decodeHistoryCursor(text: string, fingerprint: string, streams: number): StreamStart[] {
  const parts = /^[A-Za-z0-9_-]+$/.test(text) ? Buffer.from(text, 'base64url').toString('utf8').split('.') : [];
  const [version, madeFor, ...encoded] = parts;
  const matches = encoded.map((part) => STREAM.exec(part));
  if (version !== VERSION || encoded.length === 0 || matches.some((match) => match === null)) {
    throw refused('cursor must be a nextCursor this API answered');
  }
  if (madeFor !== fingerprint) throw refused('cursor was answered for other filters: send the same filters with it');
  if (encoded.length > streams) throw refused('cursor names more streams than the program has');
  const starts = (matches as RegExpExecArray[]).map(([, next, after, commit, prepare, time]): StreamStart => {
    const nextKey: LogKey | undefined =
      commit !== undefined
        ? { position: { commit: fromBase36(commit), prepare: fromBase36(prepare) } }
        : time !== undefined
          ? { time: Number(fromBase36(time)) }
          : undefined;
    if (!nextKey) return { next: fromBase36(next) };
    return after ? { next: fromBase36(next), nextKey, after: true } : { next: fromBase36(next), nextKey };
  });
  return [...starts, ...Array.from({ length: streams - starts.length }, () => ({ next: 0n }))];
}
