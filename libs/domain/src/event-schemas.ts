import { PairEvent } from './pair/pair.events';
import { ProgramEvent } from './program/program.events';
import FeedbackGivenV1 from './schemas/FeedbackGiven.v1.schema.json';
import FeedbackGivenV2 from './schemas/FeedbackGiven.v2.schema.json';
import ObjectiveAchievedV1 from './schemas/ObjectiveAchieved.v1.schema.json';
import ObjectiveAchievedV2 from './schemas/ObjectiveAchieved.v2.schema.json';
import ObjectiveDroppedV1 from './schemas/ObjectiveDropped.v1.schema.json';
import ObjectiveDroppedV2 from './schemas/ObjectiveDropped.v2.schema.json';
import ObjectiveProgressRecordedV1 from './schemas/ObjectiveProgressRecorded.v1.schema.json';
import ObjectiveProgressRecordedV2 from './schemas/ObjectiveProgressRecorded.v2.schema.json';
import ObjectiveSetV1 from './schemas/ObjectiveSet.v1.schema.json';
import ObjectiveSetV2 from './schemas/ObjectiveSet.v2.schema.json';
import PairEndedV1 from './schemas/PairEnded.v1.schema.json';
import PairEndedV2 from './schemas/PairEnded.v2.schema.json';
import PairedV1 from './schemas/Paired.v1.schema.json';
import PairedV2 from './schemas/Paired.v2.schema.json';
import ParticipantEnrolledV1 from './schemas/ParticipantEnrolled.v1.schema.json';
import ParticipantEnrolledV2 from './schemas/ParticipantEnrolled.v2.schema.json';
import ParticipantWithdrawnV1 from './schemas/ParticipantWithdrawn.v1.schema.json';
import ParticipantWithdrawnV2 from './schemas/ParticipantWithdrawn.v2.schema.json';
import EngagementPolicySetV2 from './schemas/EngagementPolicySet.v2.schema.json';
import FeedbackRequestedV2 from './schemas/FeedbackRequested.v2.schema.json';
import PairClosedV2 from './schemas/PairClosed.v2.schema.json';
import PairEndingWarnedV2 from './schemas/PairEndingWarned.v2.schema.json';
import PairFlaggedV2 from './schemas/PairFlagged.v2.schema.json';
import PersonErasedV2 from './schemas/PersonErased.v2.schema.json';
import ProgramClosedV1 from './schemas/ProgramClosed.v1.schema.json';
import ProgramClosedV2 from './schemas/ProgramClosed.v2.schema.json';
import ProgramCreatedV1 from './schemas/ProgramCreated.v1.schema.json';
import ProgramCreatedV2 from './schemas/ProgramCreated.v2.schema.json';
import ProgramLaunchedV1 from './schemas/ProgramLaunched.v1.schema.json';
import ProgramLaunchedV2 from './schemas/ProgramLaunched.v2.schema.json';
import SessionHeldV1 from './schemas/SessionHeld.v1.schema.json';
import SessionHeldV2 from './schemas/SessionHeld.v2.schema.json';
import TrainingCompletedV1 from './schemas/TrainingCompleted.v1.schema.json';
import TrainingCompletedV2 from './schemas/TrainingCompleted.v2.schema.json';

/**
 * The stored events' contract: one JSON Schema (draft 2020-12) per event type and version, describing its `data`.
 * The files in ./schemas are the written-down contract; specs check every event the deciders produce against the
 * current version. Older versions stay untouched (stored events keep them); `upcastEventData` brings their data to
 * the current one.
 *
 * v2: ParticipantEnrolled carries `personId`, PersonErased exists, and every personal field is annotated with
 * `x-personal-data` naming the key that encrypts it at rest ('person' or 'pair'); such a field holds either its
 * plaintext or that ciphertext (`pd1:<keyId>:<base64>`).
 * Also at v2, added later without a version step (new types, and a new enum value readers can take in stride):
 * EngagementPolicySet, PairFlagged, PairEndingWarned, FeedbackRequested, PairClosed, and PairEnded's reason 'inactive'.
 */
export const EVENT_SCHEMA_VERSION = 2;

/** Every event either decider records. */
export type DomainEvent = ProgramEvent | PairEvent;
export type DomainEventType = DomainEvent['type'];

/** A JSON Schema document as parsed from its file. */
export type EventSchema = { readonly $id: string; readonly title: string; readonly [keyword: string]: unknown };

// Keyed by event type, so the compiler insists on exactly one current schema per event type.
const SCHEMAS_V2: { readonly [Type in DomainEventType]: EventSchema } = {
  ProgramCreated: ProgramCreatedV2,
  ProgramLaunched: ProgramLaunchedV2,
  ProgramClosed: ProgramClosedV2,
  ParticipantEnrolled: ParticipantEnrolledV2,
  ParticipantWithdrawn: ParticipantWithdrawnV2,
  TrainingCompleted: TrainingCompletedV2,
  Paired: PairedV2,
  PairEnded: PairEndedV2,
  PersonErased: PersonErasedV2,
  EngagementPolicySet: EngagementPolicySetV2,
  ObjectiveSet: ObjectiveSetV2,
  ObjectiveProgressRecorded: ObjectiveProgressRecordedV2,
  ObjectiveAchieved: ObjectiveAchievedV2,
  ObjectiveDropped: ObjectiveDroppedV2,
  SessionHeld: SessionHeldV2,
  FeedbackGiven: FeedbackGivenV2,
  PairFlagged: PairFlaggedV2,
  PairEndingWarned: PairEndingWarnedV2,
  FeedbackRequested: FeedbackRequestedV2,
  PairClosed: PairClosedV2,
};

/** Event types that start at schema version 2 (they did not exist in v1). */
export const EVENT_TYPES_NEW_IN_V2 = [
  'PersonErased',
  'EngagementPolicySet',
  'PairFlagged',
  'PairEndingWarned',
  'FeedbackRequested',
  'PairClosed',
] as const satisfies readonly DomainEventType[];

// The historical contract.
const SCHEMAS_V1: { readonly [Type in Exclude<DomainEventType, (typeof EVENT_TYPES_NEW_IN_V2)[number]>]: EventSchema } = {
  ProgramCreated: ProgramCreatedV1,
  ProgramLaunched: ProgramLaunchedV1,
  ProgramClosed: ProgramClosedV1,
  ParticipantEnrolled: ParticipantEnrolledV1,
  ParticipantWithdrawn: ParticipantWithdrawnV1,
  TrainingCompleted: TrainingCompletedV1,
  Paired: PairedV1,
  PairEnded: PairEndedV1,
  ObjectiveSet: ObjectiveSetV1,
  ObjectiveProgressRecorded: ObjectiveProgressRecordedV1,
  ObjectiveAchieved: ObjectiveAchievedV1,
  ObjectiveDropped: ObjectiveDroppedV1,
  SessionHeld: SessionHeldV1,
  FeedbackGiven: FeedbackGivenV1,
};

const SCHEMAS_BY_VERSION: Readonly<Record<number, Partial<Record<DomainEventType, EventSchema>>>> = {
  1: SCHEMAS_V1,
  2: SCHEMAS_V2,
};

export const EVENT_TYPES: readonly DomainEventType[] = Object.freeze(Object.keys(SCHEMAS_V2) as DomainEventType[]);

// Written as keyed objects so the compiler checks each list is complete.
export const PROGRAM_EVENT_TYPES = typesOf<ProgramEvent['type']>({
  ProgramCreated: true,
  ProgramLaunched: true,
  ProgramClosed: true,
  ParticipantEnrolled: true,
  ParticipantWithdrawn: true,
  TrainingCompleted: true,
  Paired: true,
  PairEnded: true,
  PersonErased: true,
  EngagementPolicySet: true,
});

export const PAIR_EVENT_TYPES = typesOf<PairEvent['type']>({
  ObjectiveSet: true,
  ObjectiveProgressRecorded: true,
  ObjectiveAchieved: true,
  ObjectiveDropped: true,
  SessionHeld: true,
  FeedbackGiven: true,
  PairFlagged: true,
  PairEndingWarned: true,
  FeedbackRequested: true,
  PairClosed: true,
});

function typesOf<Type extends string>(types: { readonly [T in Type]: true }): readonly Type[] {
  return Object.freeze(Object.keys(types) as Type[]);
}

export function isDomainEventType(type: string): type is DomainEventType {
  return Object.prototype.hasOwnProperty.call(SCHEMAS_V2, type);
}

/** The versions of an event type's schema that exist, oldest first (EVENT_TYPES_NEW_IN_V2 start at 2). */
export function eventSchemaVersions(type: DomainEventType): number[] {
  return Object.keys(SCHEMAS_BY_VERSION)
    .map(Number)
    .filter((version) => SCHEMAS_BY_VERSION[version]?.[type] !== undefined)
    .sort((a, b) => a - b);
}

/** The schema of an event type's `data`, at EVENT_SCHEMA_VERSION unless an older version is asked for. */
export function loadEventSchema(type: DomainEventType, version: number = EVENT_SCHEMA_VERSION): EventSchema {
  const schema = SCHEMAS_BY_VERSION[version]?.[type];
  if (!schema) throw new Error(`There is no schema for event type '${type}' at version ${version}.`);
  return schema;
}

/** Name of the schema file in libs/domain/src/schemas, e.g. 'Paired.v2.schema.json'. */
export function eventSchemaFileName(type: DomainEventType, version: number = EVENT_SCHEMA_VERSION): string {
  return `${type}.v${version}.schema.json`;
}
