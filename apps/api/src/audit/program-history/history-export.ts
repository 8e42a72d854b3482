import { CHAIN_ALGORITHM, ProgramStreams, Seal, programStreams } from '@flipside/audit';
import { EventReader, RecordedEvent } from '@flipside/event-store';
import { ErasedValues, personalValuesOf } from '@flipside/personal-data';
import { HistoryFilter, filterRecord, historyMatcher } from './history-filter';
import { exportEventLine, historyEntry, HistoryEntry } from './history-entry';
import { HistoryMerge, ReadSizes, historyStarts } from './history-merge';

/** The last line of an export: what a verifier checks the events against. */
export interface ExportManifest {
  readonly kind: 'manifest';
  readonly count: number;
  readonly firstPosition: string | null;
  readonly lastPosition: string | null;
  /** The last exported event of each stream. */
  readonly heads: Record<string, { revision: string; hash: string | null }>;
  readonly exportedAt: string;
  readonly filters: HistoryFilter;
  readonly programId: string;
  readonly chainAlgorithm: string;
}

/** A program's history as the store holds it, ready to be read by page or exported. */
export interface ProgramHistory {
  readonly programId: string;
  readonly organizationId: string | undefined;
  readonly streams: ProgramStreams;
}

/** Undefined when the program was never created. */
export async function findProgramHistory(reader: EventReader, programId: string): Promise<ProgramHistory | undefined> {
  const streams = await programStreams(reader, programId);
  const created = streams?.programEvents[0];
  if (!streams || created?.type !== 'ProgramCreated') return undefined;
  const organizationId = typeof created.data.organizationId === 'string' ? created.data.organizationId : undefined;
  return { programId, organizationId, streams };
}

// Events held at once across all streams: what keeps an export's memory flat, however long the history.
const EXPORT_BUFFERED_EVENTS = 5_000;
// Lines written to the response at once: fewer, larger writes.
const LINES_PER_WRITE = 256;

export function exportReadSizes(streams: number): ReadSizes {
  const size = Math.min(1000, Math.max(16, Math.floor(EXPORT_BUFFERED_EVENTS / Math.max(1, streams))));
  return { first: size, onTurn: size, next: () => size };
}

export interface ExportOptions {
  readonly filter: HistoryFilter;
  readonly seal: Seal;
  /** Which stored personal values' keys are destroyed: their lines say `"erased": true`. */
  readonly erasedValues: ErasedValues;
  readonly now?: () => Date;
}

/**
 * The whole (filtered) history as NDJSON text, one event a line, then the manifest line. Both the route and
 * `npm run audit -- export` write what this yields; it reads the next chunk only when asked for more, so a slow
 * or gone reader stops the reading.
 */
export async function* exportProgramHistory(reader: EventReader, history: ProgramHistory, options: ExportOptions): AsyncGenerator<string> {
  const { filter, seal, erasedValues } = options;
  const merge = new HistoryMerge(reader, history.streams, filter, historyStarts(history.streams), exportReadSizes);
  const matches = historyMatcher(filter);
  const heads: ExportManifest['heads'] = {};
  let count = 0;
  let firstPosition: string | null = null;
  let lastPosition: string | null = null;
  let chunk: { entry: HistoryEntry; event: RecordedEvent }[] = [];
  // One look-up of destroyed keys per chunk of lines; the data itself stays exactly as the chain covers it.
  const written = async (): Promise<string[]> => {
    const erased = await erasedValues(chunk.flatMap(({ event }) => personalValuesOf(event)));
    const lines = chunk.map(({ entry, event }) => JSON.stringify(exportEventLine(entry, event, personalValuesOf(event).some(erased))));
    chunk = [];
    return lines;
  };
  for (let merged = await merge.next(); merged; merged = await merge.next()) {
    if (!matches(merged.event)) continue;
    const entry = historyEntry(merged.event, merged.linksTo, seal);
    chunk.push({ entry, event: merged.event });
    if (count === 0) firstPosition = entry.position;
    lastPosition = entry.position;
    count += 1;
    heads[entry.stream] = { revision: entry.revision, hash: entry.hash };
    if (chunk.length >= LINES_PER_WRITE) yield (await written()).join('\n') + '\n';
  }
  const lines = await written();
  const manifest: ExportManifest = {
    kind: 'manifest',
    count,
    firstPosition,
    lastPosition,
    heads,
    exportedAt: (options.now ?? (() => new Date()))().toISOString(),
    filters: filterRecord(filter),
    programId: history.programId,
    chainAlgorithm: CHAIN_ALGORITHM,
  };
  lines.push(JSON.stringify(manifest));
  yield lines.join('\n') + '\n';
}
