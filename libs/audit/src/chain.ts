import { createHash, createHmac } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * Tamper evidence for one stream: every event's `hash` is SHA-256 over the RFC 8785 (JCS) canonical JSON of
 * {previousHash, stream, revision, type, data, metadata}, where `data` is the sealed form (confidential fields
 * replaced by their seal) and `metadata` is the stored metadata without `hash` itself.
 */
export const CHAIN_ALGORITHM = 'sha256-jcs-v1';
/** What the first chained event of a stream links to. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Fields whose text not every reader of a program's history may read (confidential notes: the pair's alone;
 * feedback comments: admins' only): they enter the chain as a keyed seal, never as text.
 */
export const CONFIDENTIAL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  SessionHeld: ['confidentialNotes'],
  FeedbackGiven: ['comment'],
};

export interface ChainLink {
  readonly previousHash: string;
  readonly streamName: string;
  readonly revision: bigint | number | string;
  readonly type: string;
  /** The sealed form of the event's data (see sealData). */
  readonly data: unknown;
  /** The stored metadata; a `hash` field in it is left out. */
  readonly metadata: Readonly<Record<string, unknown>>;
}

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('The value has no JSON form');
  return text;
}

export function linkHash(link: ChainLink): string {
  const { hash: _hash, ...metadata } = link.metadata;
  return createHash('sha256')
    .update(
      canonicalJson({
        previousHash: link.previousHash,
        stream: link.streamName,
        revision: String(link.revision),
        type: link.type,
        data: link.data,
        metadata,
      }),
    )
    .digest('hex');
}

/** A sealed field as it appears in the chain and in every export: the seal, never the text. */
export interface SealedField {
  readonly sealed: string;
}

export const isSealed = (value: unknown): value is SealedField =>
  typeof value === 'object' && value !== null && typeof (value as SealedField).sealed === 'string' && Object.keys(value).length === 1;

/** HMAC-SHA256 under the store's seal key, bound to the event id, so an export holder cannot confirm a guessed text. */
export type Seal = (eventId: string, field: string, value: unknown) => string;

export function sealWith(key: Buffer): Seal {
  return (eventId, field, value) =>
    createHmac('sha256', key).update(`${eventId}\n${field}\n`).update(canonicalJson(value)).digest('hex');
}

/** The data as the chain covers it: every confidential field present replaced by its seal. */
export function sealData(type: string, eventId: string, data: Readonly<Record<string, unknown>>, seal: Seal): Record<string, unknown> {
  const fields = CONFIDENTIAL_FIELDS[type];
  if (!fields) return { ...data };
  const sealed: Record<string, unknown> = { ...data };
  for (const field of fields) {
    if (data[field] !== undefined && !isSealed(data[field])) sealed[field] = { sealed: seal(eventId, field, data[field]) } satisfies SealedField;
  }
  return sealed;
}
