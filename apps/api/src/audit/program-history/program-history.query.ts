import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { Seal } from '@flipside/audit';
import { EVENT_STORE, EventStore, RecordedEvent } from '@flipside/event-store';
import { erasedValuesInVault, KeyVault, personalValuesOf } from '@flipside/personal-data';
import { problems } from '../../http/problem';
import { Actor } from '../../identity/actor';
import { SEAL } from '../audit.tokens';
import { decodeHistoryCursor, encodeHistoryCursor } from './history-cursor';
import { HistoryEntry, historyEntry, openedHistoryEntry } from './history-entry';
import { exportProgramHistory, findProgramHistory, ProgramHistory } from './history-export';
import { HistoryFilter, filterFingerprint, historyMatcher } from './history-filter';
import { HistoryMerge, ReadSizes, historyStarts } from './history-merge';
import { DEFAULT_HISTORY_PAGE, ProgramHistoryDto } from './program-history.dto';

export interface HistoryPage {
  items: HistoryEntry[];
  /** Pass it as `cursor` (with the same filters) to read on; null once the history holds nothing more. */
  nextCursor: string | null;
}

/** What the route answers: one page, or the whole export as NDJSON text. */
export type HistoryAnswer = { kind: 'page'; page: HistoryPage } | { kind: 'export'; lines: AsyncGenerator<string> };

export class ProgramHistoryQuery extends Query<HistoryAnswer> {
  constructor(
    readonly programId: string,
    readonly request: ProgramHistoryDto,
    readonly actor: Actor,
    readonly as: 'page' | 'export',
  ) {
    super();
  }
}

// A page looks at no more events than this (filters may skip most): it answers fewer entries and a cursor instead.
const scanBudget = (limit: number) => Math.max(2000, 10 * limit);

/** Small first reads spread over the streams, doubling for the streams that turn out to hold the page. */
export const pageReadSizes = (limit: number) => (streams: number): ReadSizes => {
  const first = Math.min(limit + 1, Math.max(2, Math.ceil(limit / Math.max(1, streams)) + 1));
  // A stream whose next event was seen is likely to hold more of the page: fewer round trips for it.
  return { first, onTurn: Math.min(limit + 1, 32), next: (previous) => Math.min(1000, previous * 2) };
};

export function historyFilterOf(request: ProgramHistoryDto): HistoryFilter {
  return {
    ...(request.types !== undefined ? { types: [...new Set(request.types.split(',').map((type) => type.trim()))] } : {}),
    ...(request.pairId !== undefined ? { pairId: request.pairId } : {}),
    ...(request.actor !== undefined ? { actor: request.actor } : {}),
    ...(request.from !== undefined ? { from: request.from } : {}),
    ...(request.to !== undefined ? { to: request.to } : {}),
  };
}

/** Reads the first chunk now, so a store failing at the start is answered as a problem, before any header is sent. */
async function primed(lines: AsyncGenerator<string>): Promise<AsyncGenerator<string>> {
  const first = await lines.next();
  return (async function* () {
    if (first.done) return;
    yield first.value;
    yield* lines;
  })();
}

/** Every event of a program's streams in log order, read from the event store itself (not a read model). */
@QueryHandler(ProgramHistoryQuery)
export class ProgramHistoryHandler implements IQueryHandler<ProgramHistoryQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SEAL) private readonly seal: Seal,
    private readonly vault: KeyVault,
  ) {}

  async execute({ programId, request, actor, as }: ProgramHistoryQuery): Promise<HistoryAnswer> {
    if (request.from && request.to && Date.parse(request.from) > Date.parse(request.to)) {
      throw problems.invalidRequest([{ field: 'from', message: 'from must be at or before to' }]);
    }
    if (as === 'export' && (request.cursor !== undefined || request.limit !== undefined)) {
      throw problems.invalidRequest([
        { field: request.cursor !== undefined ? 'cursor' : 'limit', message: 'an export holds the whole history: leave out cursor and limit' },
      ]);
    }
    const filter = historyFilterOf(request);
    const history = await findProgramHistory(this.store, programId);
    if (!history || history.organizationId !== actor.organizationId) {
      throw problems.notFound(`Program ${programId} was not found`, 'program-not-found');
    }
    if (as === 'export') {
      const options = { filter, seal: this.seal, erasedValues: erasedValuesInVault(this.vault) };
      return { kind: 'export', lines: await primed(exportProgramHistory(this.store, history, options)) };
    }
    return { kind: 'page', page: await this.page(history, filter, request) };
  }

  private async page(history: ProgramHistory, filter: HistoryFilter, request: ProgramHistoryDto): Promise<HistoryPage> {
    const limit = request.limit ?? DEFAULT_HISTORY_PAGE;
    const fingerprint = filterFingerprint(filter);
    const streams = history.streams.streamNames.length;
    const starts = request.cursor === undefined ? historyStarts(history.streams) : decodeHistoryCursor(request.cursor, fingerprint, streams);
    const merge = new HistoryMerge(this.store, history.streams, filter, starts, pageReadSizes(limit));
    const matches = historyMatcher(filter);
    const found: { entry: HistoryEntry; event: RecordedEvent }[] = [];
    for (let scanned = 0; found.length < limit && scanned < scanBudget(limit); scanned++) {
      const merged = await merge.next();
      if (!merged) break;
      if (matches(merged.event)) found.push({ entry: historyEntry(merged.event, merged.linksTo, this.seal), event: merged.event });
    }
    // Every key the page needs in one query, then each personal field opened (null where its key was destroyed).
    await this.vault.load(found.flatMap(({ event }) => personalValuesOf(event)));
    const items = found.map(({ entry, event }) => openedHistoryEntry(entry, event, this.vault));
    const more = await merge.hasMore();
    return { items, nextCursor: more ? encodeHistoryCursor({ fingerprint, starts: merge.nextStarts() }) : null };
  }
}
