import { PairEvent } from './pair/pair.events';
import { ProgramEvent } from './program/program.events';
import FeedbackGivenV1 from './schemas/FeedbackGiven.v1.schema.json';
import ObjectiveAchievedV1 from './schemas/ObjectiveAchieved.v1.schema.json';
import ObjectiveDroppedV1 from './schemas/ObjectiveDropped.v1.schema.json';
import ObjectiveProgressRecordedV1 from './schemas/ObjectiveProgressRecorded.v1.schema.json';
import ObjectiveSetV1 from './schemas/ObjectiveSet.v1.schema.json';
import PairEndedV1 from './schemas/PairEnded.v1.schema.json';
import PairedV1 from './schemas/Paired.v1.schema.json';
import ParticipantEnrolledV1 from './schemas/ParticipantEnrolled.v1.schema.json';
import ParticipantWithdrawnV1 from './schemas/ParticipantWithdrawn.v1.schema.json';
import ProgramClosedV1 from './schemas/ProgramClosed.v1.schema.json';
import ProgramCreatedV1 from './schemas/ProgramCreated.v1.schema.json';
import ProgramLaunchedV1 from './schemas/ProgramLaunched.v1.schema.json';
import SessionHeldV1 from './schemas/SessionHeld.v1.schema.json';
import TrainingCompletedV1 from './schemas/TrainingCompleted.v1.schema.json';

/**
 * The stored events' contract: one JSON Schema (draft 2020-12) per event type, describing its `data`.
 * The files in ./schemas are the written-down contract; specs check every event the deciders produce against them.
 */
export const EVENT_SCHEMA_VERSION = 1;

/** Every event either decider records. */
export type DomainEvent = ProgramEvent | PairEvent;
export type DomainEventType = DomainEvent['type'];

/** A JSON Schema document as parsed from its file. */
export type EventSchema = { readonly $id: string; readonly title: string; readonly [keyword: string]: unknown };

// Keyed by event type, so the compiler insists on exactly one schema per event type.
const SCHEMAS: { readonly [Type in DomainEventType]: EventSchema } = {
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

export const EVENT_TYPES: readonly DomainEventType[] = Object.freeze(Object.keys(SCHEMAS) as DomainEventType[]);

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
});

export const PAIR_EVENT_TYPES = typesOf<PairEvent['type']>({
  ObjectiveSet: true,
  ObjectiveProgressRecorded: true,
  ObjectiveAchieved: true,
  ObjectiveDropped: true,
  SessionHeld: true,
  FeedbackGiven: true,
});

function typesOf<Type extends string>(types: { readonly [T in Type]: true }): readonly Type[] {
  return Object.freeze(Object.keys(types) as Type[]);
}

export function isDomainEventType(type: string): type is DomainEventType {
  return Object.prototype.hasOwnProperty.call(SCHEMAS, type);
}

/** The schema of an event type's `data`, at EVENT_SCHEMA_VERSION. */
export function loadEventSchema(type: DomainEventType): EventSchema {
  return SCHEMAS[type];
}

/** Name of the schema file in libs/domain/src/schemas, e.g. 'Paired.v1.schema.json'. */
export function eventSchemaFileName(type: DomainEventType, version: number = EVENT_SCHEMA_VERSION): string {
  return `${type}.v${version}.schema.json`;
}
