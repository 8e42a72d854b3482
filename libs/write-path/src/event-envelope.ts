import { randomUUID } from 'node:crypto';
import { Seal, linkHash, sealData } from '@flipside/audit';
import { EVENT_SCHEMA_VERSION } from '@flipside/domain';
import { EventToAppend, JsonObject } from '@flipside/event-store';
import { CommandContext } from './command-context';

export interface DomainEventLike {
  readonly type: string;
  readonly data: object;
}

/** What the write path records about every event besides its chain link. */
export interface DecidedMetadata extends JsonObject {
  eventId: string;
  schemaVersion: number;
  occurredAt: string;
  organizationId: string;
  actor: { id: string; roles: string[] };
  /** The use case that decided the event, e.g. 'LogSession'. */
  command: string;
  correlationId: string;
  causationId: string;
  idempotencyKey?: string;
  /** Fingerprint of the command that recorded the event: a repeated creation answers with the first result. */
  commandFingerprint?: string;
}

/** Stored metadata every event carries, so auditors can tell who did what, when, and why, and that nobody changed it. */
export interface EventMetadata extends DecidedMetadata {
  /** The event's link in its stream's hash chain (linkHash in @flipside/audit). */
  hash: string;
}

/** Who decided the events, and for which organization. */
export interface EventOrigin {
  readonly context: CommandContext;
  readonly command: string;
  readonly organizationId: string;
  readonly commandFingerprint?: string;
}

/** Where the new events join their stream's chain: the revision of the first one, and the hash it links to. */
export interface ChainEnd {
  readonly streamName: string;
  readonly revision: bigint;
  readonly previousHash: string;
  readonly seal: Seal;
}

/** The events ready to append, each chained to the one before; `headHash` is the last one's hash. */
export function envelope(
  events: readonly DomainEventLike[],
  { context, command, organizationId, commandFingerprint }: EventOrigin,
  chain: ChainEnd,
): { events: EventToAppend[]; headHash: string } {
  let previousHash = chain.previousHash;
  const enveloped = events.map((event, index) => {
    const eventId = context.eventIdFor ? context.eventIdFor(chain.streamName, index) : randomUUID();
    const data = event.data as JsonObject;
    const metadata: DecidedMetadata = {
      eventId,
      schemaVersion: EVENT_SCHEMA_VERSION,
      occurredAt: context.now,
      organizationId,
      actor: { id: context.actor.id, roles: [...context.actor.roles] },
      command,
      correlationId: context.correlationId,
      causationId: context.causationId,
      ...(context.idempotencyKey ? { idempotencyKey: context.idempotencyKey } : {}),
      ...(commandFingerprint ? { commandFingerprint } : {}),
    };
    const hash = linkHash({
      previousHash,
      streamName: chain.streamName,
      revision: chain.revision + BigInt(index),
      type: event.type,
      data: sealData(event.type, eventId, data, chain.seal),
      metadata,
    });
    previousHash = hash;
    const stored: EventMetadata = { ...metadata, hash };
    return { id: eventId, type: event.type, data, metadata: stored };
  });
  return { events: enveloped, headHash: previousHash };
}
