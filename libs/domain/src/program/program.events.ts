import { CalendarDate } from '../shared/calendar';
import {
  FocusArea,
  PairedBy,
  PairEndReason,
  PairingRule,
  ParticipantRole,
} from '../vocabulary';

/** Events of the stream `program-<programId>`: the program's life, its enrolment and its pairing. */

export interface Cadence {
  /** A pair is expected to meet at least once every this many days. */
  readonly sessionEveryDays: number;
  /** A session shorter than this does not count towards the cadence. */
  readonly minSessionMinutes: number;
}

/**
 * How the engagement automation looks after a program's pairs; every figure is in days. Defaults
 * (`defaultEngagementPolicy`) hold until an administrator sets one (`EngagementPolicySet`).
 */
export interface EngagementPolicy {
  /** A pair without a session this many days after pairing is flagged 'no-first-session'. */
  readonly firstSessionWithinDays: number;
  /** A pair without a session for this many days is flagged 'check-in-due'. */
  readonly checkInAfterDays: number;
  /** A pair without a session for this many days is flagged 'stalled' (more than checkInAfterDays). */
  readonly stalledAfterDays: number;
  /** A pair without a session for this many days is ended ('inactive'); null: never. */
  readonly autoEndAfterDays: number | null;
  /** The pair is warned this many days before that automatic end (fewer than autoEndAfterDays). */
  readonly warnDaysBefore: number;
  /** Feedback not given on a session this many days after it was held is requested. */
  readonly feedbackDueDays: number;
  /** The program is closed the day after its end date. */
  readonly closeProgramAtEnd: boolean;
}

export type ProgramCreated = {
  type: 'ProgramCreated';
  data: {
    programId: string;
    organizationId: string;
    name: string;
    /** May be empty. */
    description: string;
    focusAreas: FocusArea[];
    goals: string[];
    cadence: Cadence;
    startsOn: CalendarDate;
    endsOn: CalendarDate;
    maxMenteesPerMentor: number;
    pairingRule: PairingRule;
    createdOn: CalendarDate;
  };
};

export type ProgramLaunched = {
  type: 'ProgramLaunched';
  data: { programId: string; launchedOn: CalendarDate };
};

export type ProgramClosed = {
  type: 'ProgramClosed';
  data: { programId: string; closedOn: CalendarDate; outcome: string };
};

export type ParticipantEnrolled = {
  type: 'ParticipantEnrolled';
  data: {
    programId: string;
    participantId: string;
    /** The stable employee identifier of the person taking part; one participant per person per program. */
    personId: string;
    role: ParticipantRole;
    /** Personal data: encrypted at rest under the person's key (see the v2 schema's x-personal-data). */
    displayName: string;
    /** Trimmed and lower-cased; unique within the program. */
    email: string;
    seniority: number;
    department: string;
    /** The personId of the participant's manager, who may or may not be enrolled. */
    managerId?: string;
    /** What the participant can teach. */
    skills: string[];
    /** What the participant wants to learn. */
    interests: string[];
    /** Mentors only: how many mentees they take on at once. */
    capacity?: number;
    enrolledOn: CalendarDate;
  };
};

export type ParticipantWithdrawn = {
  type: 'ParticipantWithdrawn';
  data: { programId: string; participantId: string; reason: string; withdrawnOn: CalendarDate };
};

export type TrainingCompleted = {
  type: 'TrainingCompleted';
  data: { programId: string; participantId: string; module: string; completedOn: CalendarDate };
};

export type Paired = {
  type: 'Paired';
  data: {
    programId: string;
    pairId: string;
    mentorId: string;
    menteeId: string;
    pairedBy: PairedBy;
    /** How well the matching algorithm rated the pair, 0 to 1. */
    matchScore?: number;
    rationale?: string;
    pairedOn: CalendarDate;
  };
};

export type PairEnded = {
  type: 'PairEnded';
  data: { programId: string; pairId: string; reason: PairEndReason; note: string; endedOn: CalendarDate };
};

/** The program's engagement policy, complete (the defaults filled in for every figure not given). */
export type EngagementPolicySet = {
  type: 'EngagementPolicySet';
  data: { programId: string; policy: EngagementPolicy; setOn: CalendarDate };
};

/**
 * The person's personal data in this program is to be destroyed (their key is shredded after this is recorded).
 * Carries ids only.
 */
export type PersonErased = {
  type: 'PersonErased';
  data: { programId: string; participantId: string; personId: string; erasedOn: CalendarDate };
};

export type ProgramEvent =
  | ProgramCreated
  | ProgramLaunched
  | ProgramClosed
  | ParticipantEnrolled
  | ParticipantWithdrawn
  | TrainingCompleted
  | Paired
  | PairEnded
  | PersonErased
  | EngagementPolicySet;

export type ProgramEventType = ProgramEvent['type'];
