import { EVENT_SCHEMA_VERSION } from './event-schemas';

type EventData = Record<string, unknown>;

/** One step from a stored version to the next; returns the same object when the type did not change. */
type Upcaster = (type: string, data: EventData) => EventData;

// UPCASTERS[v] brings data written at version v to version v + 1.
const UPCASTERS: Readonly<Record<number, Upcaster>> = {
  // v1 → v2: participants gain a personId. v1 participant tokens carried the participantId as `sub`, so using it
  // as the personId keeps them working. Personal fields of v1 are plaintext, which the v2 schemas accept.
  1: (type, data) =>
    type === 'ParticipantEnrolled' && data.personId === undefined ? { ...data, personId: data.participantId } : data,
};

/**
 * The one place where stored event data of an older schema version is brought to EVENT_SCHEMA_VERSION.
 * A missing version means 1 (events stored before versions were recorded). Returns `data` itself when nothing
 * changes; throws on a version this code does not know (newer, or not a whole number from 1).
 */
export function upcastEventData(type: string, schemaVersion: number | undefined, data: EventData): EventData {
  const from = schemaVersion ?? 1;
  if (!Number.isInteger(from) || from < 1 || from > EVENT_SCHEMA_VERSION) {
    throw new Error(
      `Cannot read a stored ${type} event at schema version ${String(schemaVersion)}: this code knows versions 1 to ${EVENT_SCHEMA_VERSION}.`,
    );
  }
  let current = data;
  for (let version = from; version < EVENT_SCHEMA_VERSION; version += 1) {
    const step = UPCASTERS[version];
    if (!step) throw new Error(`No upcaster from schema version ${version} to ${version + 1}.`);
    current = step(type, current);
  }
  return current;
}
