import { CONFIDENTIAL_FIELDS, GENESIS_HASH, Seal, sealData } from '@flipside/audit';
import type { JsonObject, RecordedEvent } from '@flipside/event-store';
import { serializePosition } from '@flipside/event-store/position';
import { KeyVault, mapAt, personalFieldsOf, valuesAt } from '@flipside/personal-data';

/** One event as an auditor reads it: who did what, when and why, with its link in the stream's hash chain. */
export interface HistoryEntry {
  /** Where the event sits in the log ("commit/prepare"); null when the store gives no log position for stream reads. */
  readonly position: string | null;
  readonly stream: string;
  readonly revision: string;
  readonly type: string;
  readonly schemaVersion: number | null;
  readonly recordedAt: string;
  readonly occurredAt: string | null;
  readonly actor: { readonly id: string; readonly roles: readonly string[] } | null;
  /** The use case that decided the event; null for events recorded before it was kept. */
  readonly command: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  /**
   * The stored data with each confidential field replaced by its seal (the seal covers the stored value). In a
   * page, the other personal fields are opened (plaintext, null once erased); in an export they stay as stored.
   */
  readonly data: Record<string, unknown>;
  /** Present when the key of one of the event's personal fields was destroyed: the person was erased. */
  readonly erased?: true;
  /** Null for events written before hashing (the unchained prefix of a stream). */
  readonly hash: string | null;
  /** The previous event's hash in the stream, GENESIS_HASH for the first chained event; null when unchained. */
  readonly previousHash: string | null;
}

/** An export line: the history entry, plus the metadata exactly as it was hashed, so a verifier needs nothing else. */
export interface ExportEventLine extends HistoryEntry {
  readonly kind: 'event';
  readonly metadata: JsonObject;
}

/** What a stream's next event links to: the last event's hash, or GENESIS_HASH while nothing is chained. */
export const linkTarget = (event: RecordedEvent | undefined): string => {
  const hash = event?.metadata.hash;
  return typeof hash === 'string' ? hash : GENESIS_HASH;
};

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function actorOf(value: unknown): HistoryEntry['actor'] {
  if (typeof value !== 'object' || value === null) return null;
  const { id, roles } = value as { id?: unknown; roles?: unknown };
  if (typeof id !== 'string') return null;
  return { id, roles: Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [] };
}

/** A log position, or null for the START placeholder some stores give events read by stream. */
export const positionOf = (event: RecordedEvent): string | null => (event.position.commit < 0n ? null : serializePosition(event.position));

/** The entry's fields that come from the metadata: an export verifier checks they still say what the metadata says. */
export function metadataFields(metadata: Readonly<Record<string, unknown>>) {
  return {
    schemaVersion: typeof metadata.schemaVersion === 'number' ? metadata.schemaVersion : null,
    occurredAt: text(metadata.occurredAt),
    actor: actorOf(metadata.actor),
    command: text(metadata.command),
    correlationId: text(metadata.correlationId),
    causationId: text(metadata.causationId),
  } satisfies Partial<HistoryEntry>;
}

export function historyEntry(event: RecordedEvent, linksTo: string, seal: Seal): HistoryEntry {
  const { metadata } = event;
  const hash = text(metadata.hash);
  const { schemaVersion, ...fromMetadata } = metadataFields(metadata);
  return {
    position: positionOf(event),
    stream: event.streamName,
    revision: event.revision.toString(),
    type: event.type,
    schemaVersion,
    recordedAt: event.recordedAt.toISOString(),
    ...fromMetadata,
    data: sealData(event.type, event.id, event.data, seal),
    hash,
    previousHash: hash === null ? null : linksTo,
  };
}

/**
 * A page's entry with its personal fields opened through the vault (whose keys the caller loaded): plaintext, or
 * null once erased. Confidential fields stay sealed; a destroyed key under one still marks the entry erased.
 */
export function openedHistoryEntry(entry: HistoryEntry, event: RecordedEvent, vault: KeyVault): HistoryEntry {
  const confidential = CONFIDENTIAL_FIELDS[event.type] ?? [];
  let data = entry.data;
  let erased = false;
  for (const field of personalFieldsOf(event.type)) {
    if (confidential.includes(field.path)) {
      if (valuesAt(event.data, field.path).some((value) => value !== null && vault.open(value) === null)) erased = true;
      continue;
    }
    data = mapAt(data, field.path, (value) => {
      const opened = vault.open(value);
      if (opened === null && value !== null) erased = true;
      return opened;
    });
  }
  return erased ? { ...entry, data, erased: true } : { ...entry, data };
}

/** The export line: data in the chain's form (stored ciphertext, confidential fields sealed), `erased` when a key is gone. */
export function exportEventLine(entry: HistoryEntry, event: RecordedEvent, erased = false): ExportEventLine {
  const { hash: _hash, ...metadata } = event.metadata;
  return { kind: 'event', ...entry, ...(erased ? { erased: true as const } : {}), metadata };
}
