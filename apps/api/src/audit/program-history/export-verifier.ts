import { isDeepStrictEqual } from 'node:util';
import { CHAIN_ALGORITHM, CONFIDENTIAL_FIELDS, ChainFailureReason, GENESIS_HASH, isSealed, linkHash } from '@flipside/audit';
import { pairStreamName } from '@flipside/domain';
import type { RecordedEvent } from '@flipside/event-store';
import { comparePositions, parsePosition } from '@flipside/event-store/position';
import { ExportEventLine, metadataFields } from './history-entry';
import { HistoryFilter, historyMatcher, isUnfiltered } from './history-filter';

export type ExportFailureReason =
  | ChainFailureReason
  /** previousHash is not the hash of the stream's previous event (or genesis at revision 0). */
  | 'link-mismatch'
  /** A revision or position that goes backwards: lines moved. */
  | 'out-of-order'
  /** A field outside the hash (actor, command, …) that no longer says what the hashed metadata says. */
  | 'field-mismatch'
  /** A confidential field in plain text: an export only ever holds its seal. */
  | 'unsealed-field'
  /** An event the manifest's filters would have left out. */
  | 'outside-filters'
  | 'malformed-line'
  | 'missing-manifest'
  | 'manifest-mismatch'
  | 'unknown-algorithm'
  | 'malformed-anchor';

export interface ExportFailure {
  /** The export line (1-based) the failure was found on; absent for anchor and manifest-wide findings. */
  readonly line?: number;
  readonly stream: string;
  readonly revision: string;
  readonly reason: ExportFailureReason;
  readonly expected: string;
  readonly actual: string;
}

export interface ExportVerification {
  readonly verified: boolean;
  readonly events: number;
  readonly streams: number;
  readonly unchainedEvents: number;
  readonly anchoredHeadsChecked: number;
  readonly failure?: ExportFailure;
}

/** A head an anchor recorded: the data of a `dev.flipside.audit.anchored.v1` CloudEvent, or the projector's row. */
export interface AnchorRecord {
  readonly anchorId: string | number;
  readonly heads: readonly { readonly stream: string; readonly revision: string | number; readonly hash: string }[];
}

interface StreamSeen {
  revision: bigint;
  /** What the stream's next event links to. */
  linksTo: string;
  chained: boolean;
}

class Failed extends Error {
  constructor(readonly failure: ExportFailure) {
    super(failure.reason);
  }
}

const fail = (failure: ExportFailure): never => {
  throw new Failed(failure);
};

const show = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value) ?? 'nothing');
const DECIMAL = /^(0|[1-9]\d{0,19})$/;

function parseLine(text: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Falls through to the failure below.
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail({ line, stream: '-', revision: '-', reason: 'malformed-line', expected: 'one JSON object', actual: text.slice(0, 80) });
  }
  return value as Record<string, unknown>;
}

function asEventLine(value: Record<string, unknown>, line: number): ExportEventLine {
  const problem = (expected: string, actual: unknown) =>
    fail({ line, stream: show(value.stream ?? '-'), revision: show(value.revision ?? '-'), reason: 'malformed-line', expected, actual: show(actual) });
  if (typeof value.stream !== 'string') problem('a stream name', value.stream);
  if (typeof value.revision !== 'string' || !DECIMAL.test(value.revision)) problem('a revision as decimal text', value.revision);
  if (typeof value.type !== 'string') problem('an event type', value.type);
  if (typeof value.recordedAt !== 'string' || Number.isNaN(Date.parse(value.recordedAt))) problem('a recordedAt time', value.recordedAt);
  for (const field of ['data', 'metadata'] as const) {
    const part = value[field];
    if (typeof part !== 'object' || part === null || Array.isArray(part)) problem(`${field} as an object`, part);
  }
  for (const field of ['hash', 'previousHash'] as const) {
    if (value[field] !== null && typeof value[field] !== 'string') problem(`${field} as text or null`, value[field]);
  }
  if (value.position !== null && (typeof value.position !== 'string' || !parsePosition(value.position))) problem('a log position or null', value.position);
  // Outside the chain, like position: says the line's personal fields can no longer be opened.
  if (value.erased !== undefined && value.erased !== true) problem('erased absent or true', value.erased);
  return value as unknown as ExportEventLine;
}

/**
 * Checks an export offline, line by line, and stops at the first failure: every event's hash from its own
 * content, every link to a previous revision the export holds, revisions from 0 without gaps when the export is
 * unfiltered, log order, fields outside the hash against the hashed metadata, then the manifest, then the
 * anchored heads an outside party kept. Reads the lines twice (`open` is called twice): first for the
 * manifest's filters, then to verify, so memory stays flat whatever the export's size.
 */
export async function verifyExport(open: () => AsyncIterable<string>, anchors: readonly AnchorRecord[] = []): Promise<ExportVerification> {
  const streams = new Map<string, StreamSeen>();
  const wanted = wantedHeads(anchors);
  const exportedAt = new Map<string, string | null>();
  // Pair streams the program's Paired events name: an anchored one missing from an unfiltered export was removed.
  const pairStreams = new Set<string>();
  let events = 0;
  let unchainedEvents = 0;
  let anchoredHeadsChecked = 0;
  try {
    const { manifest, lines } = await findManifest(open());
    if (manifest.chainAlgorithm !== CHAIN_ALGORITHM) {
      fail({ line: lines, stream: '-', revision: '-', reason: 'unknown-algorithm', expected: CHAIN_ALGORITHM, actual: show(manifest.chainAlgorithm) });
    }
    const filters = asFilters(manifest.filters, lines);
    const unfiltered = isUnfiltered(filters);
    const matches = historyMatcher(filters);
    let previousPosition: string | null = null;
    let firstPosition: string | null | undefined;
    let line = 0;
    for await (const text of open()) {
      line += 1;
      if (line === lines) break;
      const value = parseLine(text, line);
      if (value.kind !== 'event') {
        fail({ line, stream: '-', revision: '-', reason: 'malformed-line', expected: 'an event line before the manifest', actual: show(value.kind) });
      }
      const event = asEventLine(value, line);
      const at = { line, stream: event.stream, revision: event.revision };
      const revision = BigInt(event.revision);

      if (event.position !== null && previousPosition !== null && comparePositions(parsePosition(event.position)!, parsePosition(previousPosition)!) <= 0) {
        fail({ ...at, reason: 'out-of-order', expected: `a position after ${previousPosition}`, actual: event.position });
      }
      if (event.position !== null) previousPosition = event.position;
      if (firstPosition === undefined) firstPosition = event.position;

      const seen = streams.get(event.stream);
      if (seen && revision <= seen.revision) {
        fail({ ...at, reason: 'out-of-order', expected: `a revision after ${seen.revision}`, actual: event.revision });
      }
      const expectedRevision = seen ? seen.revision + 1n : 0n;
      if (unfiltered && revision !== expectedRevision) {
        fail({ ...at, reason: 'revision-gap', expected: expectedRevision.toString(), actual: event.revision });
      }
      if (!matches(asRecorded(event))) {
        fail({ ...at, reason: 'outside-filters', expected: `an event matching ${JSON.stringify(filters)}`, actual: event.type });
      }
      const derived = metadataFields(event.metadata);
      for (const [field, expected] of Object.entries(derived)) {
        const actual = (event as unknown as Record<string, unknown>)[field];
        if (!isDeepStrictEqual(actual, expected)) fail({ ...at, reason: 'field-mismatch', expected: `${field} ${show(expected)}`, actual: show(actual) });
      }
      for (const field of CONFIDENTIAL_FIELDS[event.type] ?? []) {
        const value = (event.data as Record<string, unknown>)[field];
        if (value !== undefined && !isSealed(value)) fail({ ...at, reason: 'unsealed-field', expected: `${field} sealed`, actual: 'plain text' });
      }

      const previousPresent = revision === 0n || seen?.revision === revision - 1n;
      const linksTo = revision === 0n ? GENESIS_HASH : seen?.linksTo;
      if (event.hash === null) {
        if (seen?.chained) fail({ ...at, reason: 'unchained-after-chain', expected: 'a hash', actual: 'none' });
        if (event.previousHash !== null) fail({ ...at, reason: 'field-mismatch', expected: 'previousHash null for an unchained event', actual: event.previousHash });
        unchainedEvents += 1;
      } else {
        if (previousPresent && event.previousHash !== linksTo) {
          fail({ ...at, reason: 'link-mismatch', expected: show(linksTo), actual: show(event.previousHash) });
        }
        if (event.previousHash === null) fail({ ...at, reason: 'link-mismatch', expected: 'a previous hash', actual: 'null' });
        const computed = linkHash({ ...event, streamName: event.stream, previousHash: event.previousHash as string });
        if (computed !== event.hash) fail({ ...at, reason: 'hash-mismatch', expected: computed, actual: event.hash });
      }
      streams.set(event.stream, {
        revision,
        linksTo: event.hash ?? GENESIS_HASH,
        chained: Boolean(seen?.chained) || event.hash !== null,
      });
      if (wanted.has(`${event.stream}\n${event.revision}`)) exportedAt.set(`${event.stream}\n${event.revision}`, event.hash);
      if (event.type === 'Paired' && typeof event.data.pairId === 'string') pairStreams.add(pairStreamName(event.data.pairId));
      events += 1;
    }

    checkManifest(manifest, lines, { events, firstPosition: firstPosition ?? null, lastPosition: previousPosition, streams });
    for (const anchor of anchors) {
      for (const head of anchor.heads) {
        const seen = streams.get(head.stream);
        const key = `${head.stream}\n${head.revision}`;
        const at = { stream: head.stream, revision: String(head.revision) };
        if (exportedAt.has(key)) {
          anchoredHeadsChecked += 1;
          const hash = exportedAt.get(key);
          if (hash !== head.hash) fail({ ...at, reason: 'anchor-mismatch', expected: `${head.hash} (anchor ${anchor.anchorId})`, actual: show(hash ?? 'unchained') });
        } else if (unfiltered && (seen ? BigInt(head.revision) > seen.revision : pairStreams.has(head.stream))) {
          // The export ends before an event an outside party saw: the history was cut or rewritten shorter.
          const actual = seen ? `the export ends at revision ${seen.revision}` : 'no event of the stream';
          fail({ ...at, reason: 'missing-anchored-event', expected: `revision ${head.revision} (anchor ${anchor.anchorId})`, actual });
        }
      }
    }
    return { verified: true, events, streams: streams.size, unchainedEvents, anchoredHeadsChecked };
  } catch (error) {
    if (!(error instanceof Failed)) throw error;
    return { verified: false, events, streams: streams.size, unchainedEvents, anchoredHeadsChecked, failure: error.failure };
  }
}

/** The last line, which must be the manifest; and how many lines there are. */
async function findManifest(lines: AsyncIterable<string>): Promise<{ manifest: Record<string, unknown>; lines: number }> {
  let last = '';
  let count = 0;
  for await (const text of lines) {
    count += 1;
    last = text;
  }
  const missing = () => fail({ stream: '-', revision: '-', reason: 'missing-manifest', expected: 'a manifest as the last line', actual: count === 0 ? 'an empty file' : last.slice(0, 80) });
  if (count === 0) missing();
  let manifest: unknown;
  try {
    manifest = JSON.parse(last);
  } catch {
    missing();
  }
  if (typeof manifest !== 'object' || manifest === null || (manifest as { kind?: unknown }).kind !== 'manifest') missing();
  return { manifest: manifest as Record<string, unknown>, lines: count };
}

function asFilters(value: unknown, line: number): HistoryFilter {
  const filters = value as HistoryFilter;
  const valid =
    typeof value === 'object' &&
    value !== null &&
    (filters.types === undefined || (Array.isArray(filters.types) && filters.types.every((type) => typeof type === 'string'))) &&
    ['pairId', 'actor', 'from', 'to'].every((key) => (value as Record<string, unknown>)[key] === undefined || typeof (value as Record<string, unknown>)[key] === 'string');
  if (!valid) fail({ line, stream: '-', revision: '-', reason: 'manifest-mismatch', expected: 'filters as the export recorded them', actual: show(value) });
  return filters;
}

/** An event line as the filter matcher reads events. */
const asRecorded = (event: ExportEventLine) =>
  ({ type: event.type, data: event.data, metadata: event.metadata, recordedAt: new Date(event.recordedAt) }) as unknown as RecordedEvent;

function checkManifest(
  manifest: Record<string, unknown>,
  line: number,
  found: { events: number; firstPosition: string | null; lastPosition: string | null; streams: Map<string, StreamSeen> },
): void {
  const mismatch = (field: string, expected: unknown, actual: unknown) =>
    fail({ line, stream: '-', revision: '-', reason: 'manifest-mismatch', expected: `${field} ${show(expected)}`, actual: show(actual) });
  if (manifest.count !== found.events) mismatch('count', found.events, manifest.count);
  if (manifest.firstPosition !== found.firstPosition) mismatch('firstPosition', found.firstPosition, manifest.firstPosition);
  if (manifest.lastPosition !== found.lastPosition) mismatch('lastPosition', found.lastPosition, manifest.lastPosition);
  if (typeof manifest.programId !== 'string') mismatch('programId', 'the program id', manifest.programId);
  const heads = (typeof manifest.heads === 'object' && manifest.heads !== null ? manifest.heads : {}) as Record<string, unknown>;
  const expectedHeads = Object.fromEntries(
    [...found.streams].map(([stream, seen]) => [stream, { revision: seen.revision.toString(), hash: seen.chained ? seen.linksTo : null }]),
  );
  for (const [stream, head] of Object.entries(expectedHeads)) {
    if (!isDeepStrictEqual(heads[stream], head)) mismatch(`heads.${stream}`, head, heads[stream] ?? 'nothing');
  }
  for (const stream of Object.keys(heads)) if (!(stream in expectedHeads)) mismatch(`heads.${stream}`, 'nothing', heads[stream]);
}

function wantedHeads(anchors: readonly AnchorRecord[]): Set<string> {
  return new Set(anchors.flatMap((anchor) => anchor.heads.map((head) => `${head.stream}\n${head.revision}`)));
}

/**
 * Anchors as kept by an outside party, one JSON object a line: the data of `dev.flipside.audit.anchored.v1`
 * CloudEvents, whole CloudEvents, or the projector's audit.anchors rows with their heads.
 */
export async function readAnchors(lines: AsyncIterable<string>): Promise<AnchorRecord[] | ExportFailure> {
  const anchors: AnchorRecord[] = [];
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    const record = (value as { data?: unknown; specversion?: unknown })?.specversion !== undefined ? (value as { data: unknown }).data : value;
    const anchor = record as AnchorRecord | undefined;
    const valid =
      typeof anchor === 'object' &&
      anchor !== null &&
      Array.isArray(anchor.heads) &&
      anchor.heads.every(
        (head) =>
          typeof head?.stream === 'string' &&
          typeof head.hash === 'string' &&
          (typeof head.revision === 'number' || typeof head.revision === 'string') &&
          DECIMAL.test(String(head.revision)),
      );
    if (!valid) {
      return { line, stream: '-', revision: '-', reason: 'malformed-anchor', expected: 'an anchor with heads [{stream, revision, hash}]', actual: text.slice(0, 80) };
    }
    anchors.push({ anchorId: anchor.anchorId ?? line, heads: anchor.heads.map((head) => ({ ...head, revision: String(head.revision) })) });
  }
  return anchors;
}
