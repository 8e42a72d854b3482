import { DomainEvent, DomainEventType, EVENT_SCHEMA_VERSION, isDomainEventType } from '@flipside/domain';
import { RecordedEvent, serializePosition } from '@flipside/event-store';
import * as Public from './integration-event-payloads';

/** A domain event as other systems see it: CloudEvents attributes plus a public, versioned payload. */
export interface IntegrationEvent {
  /** The stored event's id: the same on every delivery, so consumers de-duplicate on it. */
  readonly id: string;
  /** e.g. dev.flipside.mentorship.session-held.v1 */
  readonly type: string;
  /** /organizations/{organizationId}/programs/{programId} */
  readonly source: string;
  /** e.g. pairs/{pairId}/sessions/{sessionId} */
  readonly subject: string;
  /** When it happened (the command's time), ISO 8601. */
  readonly time: string;
  /** The stored event's place in the global log, "commit/prepare". */
  readonly position: string;
  /** The program: every event of a program, its pairs' included, shares this partition key. */
  readonly programId: string;
  readonly data: object;
}

export type Translation =
  | { readonly publish: true; readonly event: IntegrationEvent }
  | { readonly publish: false; readonly reason: string; /** A type never published by design (not an unknown one). */ readonly byDesign?: true };

export const INTEGRATION_EVENT_TYPE_PREFIX = 'dev.flipside.mentorship.';
export const INTEGRATION_EVENT_VERSION = 1;

/**
 * The stored schema versions this translation reads: events reach it through the projector's gate, upcast to
 * EVENT_SCHEMA_VERSION, so any version up to it has the current shape. Later versions are unknown, skipped.
 */
const isKnownStoredVersion = (version: unknown) => typeof version === 'number' && Number.isInteger(version) && version >= 1 && version <= EVENT_SCHEMA_VERSION;

type DataOf<Type extends DomainEventType> = Extract<DomainEvent, { type: Type }>['data'];

interface PublicForm<Type extends DomainEventType> {
  /** The kebab-case name in the CloudEvents type. */
  readonly name: string;
  readonly subject: (data: DataOf<Type>) => string;
  readonly payload: (data: DataOf<Type>) => object;
}

const segment = encodeURIComponent;
const programSubject = (data: { programId: string }) => `programs/${segment(data.programId)}`;
const participantSubject = (data: { participantId: string }) => `participants/${segment(data.participantId)}`;
const pairSubject = (data: { pairId: string }) => `pairs/${segment(data.pairId)}`;
const sessionSubject = (data: { pairId: string; sessionId: string }) =>
  `${pairSubject(data)}/sessions/${segment(data.sessionId)}`;
const objectiveSubject = (data: { pairId: string; objectiveId: string }) =>
  `${pairSubject(data)}/objectives/${segment(data.objectiveId)}`;

/**
 * Stored types deliberately without a public form, each with why: the reason is what the publisher logs when it
 * skips one. A type is either here or in PUBLIC_FORMS, never both (the compiler and integration-event.spec see to it).
 */
export const NOT_PUBLISHED = {
  PairClosed:
    "PairClosed is not published: it is the pair stream's internal fence, and the program's PairEnded that follows it is published as pair-ended.v1",
} as const satisfies { readonly [Type in DomainEventType]?: string };
type Unpublished = keyof typeof NOT_PUBLISHED;
type PublishedType = Exclude<DomainEventType, Unpublished>;

const isUnpublished = (type: DomainEventType): type is Unpublished => Object.hasOwn(NOT_PUBLISHED, type);

// Keyed by event type, so the compiler insists every domain event has a public form (or a reason in
// NOT_PUBLISHED). Each payload names its fields one by one: nothing reaches Kafka by accident.
const PUBLIC_FORMS: { readonly [Type in PublishedType]: PublicForm<Type> } = {
  ProgramCreated: {
    name: 'program-created',
    subject: programSubject,
    payload: (d): Public.ProgramCreatedV1 => ({
      programId: d.programId,
      organizationId: d.organizationId,
      name: d.name,
      focusAreas: d.focusAreas,
      goals: d.goals,
      cadence: { sessionEveryDays: d.cadence.sessionEveryDays, minSessionMinutes: d.cadence.minSessionMinutes },
      startsOn: d.startsOn,
      endsOn: d.endsOn,
      maxMenteesPerMentor: d.maxMenteesPerMentor,
      pairingRule: d.pairingRule,
      createdOn: d.createdOn,
    }),
  },
  ProgramLaunched: {
    name: 'program-launched',
    subject: programSubject,
    payload: (d): Public.ProgramLaunchedV1 => ({ programId: d.programId, launchedOn: d.launchedOn }),
  },
  ProgramClosed: {
    name: 'program-closed',
    subject: programSubject,
    payload: (d): Public.ProgramClosedV1 => ({ programId: d.programId, closedOn: d.closedOn }),
  },
  EngagementPolicySet: {
    name: 'engagement-policy-set',
    subject: (d) => `${programSubject(d)}/engagement-policy`,
    payload: (d): Public.EngagementPolicySetV1 => ({
      programId: d.programId,
      policy: {
        firstSessionWithinDays: d.policy.firstSessionWithinDays,
        checkInAfterDays: d.policy.checkInAfterDays,
        stalledAfterDays: d.policy.stalledAfterDays,
        autoEndAfterDays: d.policy.autoEndAfterDays,
        warnDaysBefore: d.policy.warnDaysBefore,
        feedbackDueDays: d.policy.feedbackDueDays,
        closeProgramAtEnd: d.policy.closeProgramAtEnd,
      },
      setOn: d.setOn,
    }),
  },
  ParticipantEnrolled: {
    name: 'participant-enrolled',
    subject: participantSubject,
    payload: (d): Public.ParticipantEnrolledV1 => ({
      programId: d.programId,
      participantId: d.participantId,
      role: d.role,
      seniority: d.seniority,
      department: d.department,
      skills: d.skills,
      interests: d.interests,
      ...(d.capacity !== undefined ? { capacity: d.capacity } : {}),
      enrolledOn: d.enrolledOn,
    }),
  },
  ParticipantWithdrawn: {
    name: 'participant-withdrawn',
    subject: participantSubject,
    payload: (d): Public.ParticipantWithdrawnV1 => ({
      programId: d.programId,
      participantId: d.participantId,
      withdrawnOn: d.withdrawnOn,
    }),
  },
  TrainingCompleted: {
    name: 'training-completed',
    subject: participantSubject,
    payload: (d): Public.TrainingCompletedV1 => ({
      programId: d.programId,
      participantId: d.participantId,
      module: d.module,
      completedOn: d.completedOn,
    }),
  },
  Paired: {
    name: 'paired',
    subject: pairSubject,
    payload: (d): Public.PairedV1 => ({
      programId: d.programId,
      pairId: d.pairId,
      mentorId: d.mentorId,
      menteeId: d.menteeId,
      pairedBy: d.pairedBy,
      ...(d.matchScore !== undefined ? { matchScore: d.matchScore } : {}),
      pairedOn: d.pairedOn,
    }),
  },
  PairEnded: {
    name: 'pair-ended',
    subject: pairSubject,
    payload: (d): Public.PairEndedV1 => ({ programId: d.programId, pairId: d.pairId, reason: d.reason, endedOn: d.endedOn }),
  },
  // The automation's decisions carry no actor, as no public event does: their type says who acted.
  PairFlagged: {
    name: 'pair-flagged',
    subject: pairSubject,
    payload: (d): Public.PairFlaggedV1 => ({ programId: d.programId, pairId: d.pairId, flag: d.flag, since: d.since }),
  },
  PairEndingWarned: {
    name: 'pair-ending-warned',
    subject: pairSubject,
    payload: (d): Public.PairEndingWarnedV1 => ({ programId: d.programId, pairId: d.pairId, endsOn: d.endsOn }),
  },
  ObjectiveSet: {
    name: 'objective-set',
    subject: objectiveSubject,
    payload: (d): Public.ObjectiveSetV1 => ({
      programId: d.programId,
      pairId: d.pairId,
      objectiveId: d.objectiveId,
      area: d.area,
      baselineLevel: d.baselineLevel,
      targetLevel: d.targetLevel,
      targetDate: d.targetDate,
      setOn: d.setOn,
    }),
  },
  ObjectiveProgressRecorded: {
    name: 'objective-progress-recorded',
    subject: objectiveSubject,
    payload: (d): Public.ObjectiveProgressRecordedV1 => ({
      programId: d.programId,
      pairId: d.pairId,
      objectiveId: d.objectiveId,
      level: d.level,
      recordedOn: d.recordedOn,
    }),
  },
  ObjectiveAchieved: {
    name: 'objective-achieved',
    subject: objectiveSubject,
    payload: (d): Public.ObjectiveAchievedV1 => ({
      programId: d.programId,
      pairId: d.pairId,
      objectiveId: d.objectiveId,
      finalLevel: d.finalLevel,
      achievedOn: d.achievedOn,
    }),
  },
  ObjectiveDropped: {
    name: 'objective-dropped',
    subject: objectiveSubject,
    payload: (d): Public.ObjectiveDroppedV1 => ({
      programId: d.programId,
      pairId: d.pairId,
      objectiveId: d.objectiveId,
      droppedOn: d.droppedOn,
    }),
  },
  SessionHeld: {
    name: 'session-held',
    subject: sessionSubject,
    payload: (d): Public.SessionHeldV1 => ({
      programId: d.programId,
      pairId: d.pairId,
      sessionId: d.sessionId,
      heldOn: d.heldOn,
      durationMinutes: d.durationMinutes,
      format: d.format,
      topics: d.topics,
      actionItemCount: d.actionItems.length,
      loggedOn: d.loggedOn,
    }),
  },
  // Subscribers delete what they hold of the participant; the payload names ids only, never the person's data.
  PersonErased: {
    name: 'person-erased',
    subject: participantSubject,
    payload: (d): Public.PersonErasedV1 => ({
      programId: d.programId,
      participantId: d.participantId,
      personId: d.personId,
      erasedOn: d.erasedOn,
    }),
  },
  FeedbackGiven: {
    name: 'feedback-given',
    subject: (d) => `${pairSubject(d)}/feedback/${segment(d.feedbackId)}`,
    payload: (d): Public.FeedbackGivenV1 => ({
      programId: d.programId,
      pairId: d.pairId,
      feedbackId: d.feedbackId,
      ...(d.sessionId !== undefined ? { sessionId: d.sessionId } : {}),
      fromRole: d.fromRole,
      rating: d.rating,
      fit: d.fit,
      givenOn: d.givenOn,
    }),
  },
  FeedbackRequested: {
    name: 'feedback-requested',
    subject: sessionSubject,
    payload: (d): Public.FeedbackRequestedV1 => ({
      programId: d.programId,
      pairId: d.pairId,
      sessionId: d.sessionId,
      fromRole: d.fromRole,
    }),
  },
};

export function integrationEventType(name: string, version = INTEGRATION_EVENT_VERSION): string {
  return `${INTEGRATION_EVENT_TYPE_PREFIX}${name}.v${version}`;
}

/** Every CloudEvents type this version of Flipside publishes, by stored event type. */
export const PUBLISHED_TYPES: { readonly [Type in PublishedType]: string } = Object.freeze(
  Object.fromEntries(
    Object.entries(PUBLIC_FORMS).map(([type, form]) => [type, integrationEventType(form.name)]),
  ) as { [Type in PublishedType]: string },
);

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * The public form of a stored event, or why it has none. Unknown types and versions are skipped, not failed:
 * the log may hold events this version does not know yet, and they must not stop the others.
 */
export function toIntegrationEvent(recorded: RecordedEvent): Translation {
  if (!isDomainEventType(recorded.type)) return { publish: false, reason: `unknown event type ${recorded.type}` };
  if (isUnpublished(recorded.type)) return { publish: false, reason: NOT_PUBLISHED[recorded.type], byDesign: true };
  const metadata = recorded.metadata;
  const storedVersion = metadata.schemaVersion ?? 1;
  if (!isKnownStoredVersion(storedVersion)) {
    return { publish: false, reason: `unknown schema version ${String(storedVersion)} of ${recorded.type}` };
  }
  const data = recorded.data as DataOf<typeof recorded.type>;
  const programId = text(data.programId);
  // Pair events carry no organization in their data; every stored event carries it in its metadata.
  const organizationId = text(metadata.organizationId) ?? text((data as { organizationId?: unknown }).organizationId);
  if (!programId || !organizationId) {
    return { publish: false, reason: `${recorded.type} ${recorded.id} has no ${programId ? 'organizationId' : 'programId'}` };
  }
  const form = PUBLIC_FORMS[recorded.type as PublishedType] as unknown as PublicForm<DomainEventType>;
  let subject: string;
  let payload: object;
  try {
    subject = form.subject(data);
    payload = form.payload(data);
  } catch (error) {
    // A stored event that does not match its own schema must not hold back every event after it.
    return { publish: false, reason: `${recorded.type} ${recorded.id} is malformed: ${(error as Error).message}` };
  }
  return {
    publish: true,
    event: {
      id: recorded.id,
      type: integrationEventType(form.name),
      source: `/organizations/${segment(organizationId)}/programs/${segment(programId)}`,
      subject,
      time: normalizedTime(metadata.occurredAt) ?? recorded.recordedAt.toISOString(),
      position: serializePosition(recorded.position),
      programId,
      data: payload,
    },
  };
}

// What the API writes (Date.prototype.toISOString): already RFC 3339 in UTC, no need to parse it again.
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** RFC 3339 as CloudEvents wants it; undefined for anything that is not a date. */
function normalizedTime(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (ISO_UTC.test(value)) return value;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}
