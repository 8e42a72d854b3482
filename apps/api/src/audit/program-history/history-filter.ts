import { createHash } from 'node:crypto';
import type { RecordedEvent } from '@flipside/event-store';

/** Which events of a program's history an auditor asked for; every part optional, all parts must hold. */
export interface HistoryFilter {
  readonly types?: readonly string[];
  readonly pairId?: string;
  /** The actor's id (`metadata.actor.id`). */
  readonly actor?: string;
  /** Recorded on or after (RFC 3339). */
  readonly from?: string;
  /** Recorded on or before (RFC 3339). */
  readonly to?: string;
}

/** The filter as an export's manifest records it: only the parts given, times as written. */
export function filterRecord(filter: HistoryFilter): HistoryFilter {
  return {
    ...(filter.types ? { types: [...filter.types] } : {}),
    ...(filter.pairId ? { pairId: filter.pairId } : {}),
    ...(filter.actor ? { actor: filter.actor } : {}),
    ...(filter.from ? { from: filter.from } : {}),
    ...(filter.to ? { to: filter.to } : {}),
  };
}

export const isUnfiltered = (filter: HistoryFilter): boolean => Object.keys(filterRecord(filter)).length === 0;

/** A short fingerprint, so a cursor made under one filter is refused under another. */
export function filterFingerprint(filter: HistoryFilter): string {
  const record = filterRecord(filter);
  const canonical = { ...record, ...(record.types ? { types: [...record.types].sort() } : {}) };
  return createHash('sha256').update(JSON.stringify(Object.entries(canonical).sort())).digest('base64url').slice(0, 10);
}

export function historyMatcher(filter: HistoryFilter): (event: RecordedEvent) => boolean {
  const types = filter.types ? new Set(filter.types) : undefined;
  const from = filter.from ? Date.parse(filter.from) : undefined;
  const to = filter.to ? Date.parse(filter.to) : undefined;
  return (event) => {
    if (types && !types.has(event.type)) return false;
    if (filter.pairId !== undefined && event.data.pairId !== filter.pairId) return false;
    if (filter.actor !== undefined && (event.metadata.actor as { id?: unknown } | undefined)?.id !== filter.actor) return false;
    const recorded = event.recordedAt.getTime();
    if (from !== undefined && recorded < from) return false;
    if (to !== undefined && recorded > to) return false;
    return true;
  };
}
