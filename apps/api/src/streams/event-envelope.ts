import { randomUUID } from 'node:crypto';
import { EVENT_SCHEMA_VERSION } from '@flipside/domain';
import { EventToAppend, JsonObject } from '@flipside/event-store';
import { CommandContext } from './command-context';

export interface DomainEventLike {
  readonly type: string;
  readonly data: object;
}

/** Stored metadata every event carries, so auditors can tell who did what, when, and why. */
export interface EventMetadata extends JsonObject {
  eventId: string;
  schemaVersion: number;
  occurredAt: string;
  organizationId: string;
  actor: { id: string; roles: string[] };
  correlationId: string;
  causationId: string;
  idempotencyKey?: string;
  /** Fingerprint of the command that recorded the event: a repeated creation answers with the first result. */
  commandFingerprint?: string;
}

export function envelope(
  events: readonly DomainEventLike[],
  context: CommandContext,
  organizationId: string,
  commandFingerprint?: string,
): EventToAppend[] {
  return events.map((event) => {
    const eventId = randomUUID();
    const metadata: EventMetadata = {
      eventId,
      schemaVersion: EVENT_SCHEMA_VERSION,
      occurredAt: context.now,
      organizationId,
      actor: { id: context.actor.id, roles: [...context.actor.roles] },
      correlationId: context.correlationId,
      causationId: context.causationId,
      ...(context.idempotencyKey ? { idempotencyKey: context.idempotencyKey } : {}),
      ...(commandFingerprint ? { commandFingerprint } : {}),
    };
    return { id: eventId, type: event.type, data: event.data as JsonObject, metadata };
  });
}
